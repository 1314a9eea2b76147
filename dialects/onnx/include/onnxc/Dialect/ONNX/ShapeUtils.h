//===- ShapeUtils.h - Helpers for onnx shape inference ----------*- C++ -*-===//
//
// Shape arithmetic shared by the ops' inferShapes() methods: broadcasting,
// axis normalization, result type updates and reading constant operands.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_DIALECT_ONNX_SHAPEUTILS_H
#define ONNXC_DIALECT_ONNX_SHAPEUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace onnxc::onnx_ir {

/// The dynamic dimension marker, as in MLIR's ShapedType.
constexpr int64_t kDynamic = mlir::ShapedType::kDynamic;

/// True when `v` is an absent optional operand (a value of type none).
bool isNone(mlir::Value v);

/// The ranked tensor type of `v`, or null when unranked or not a tensor.
mlir::RankedTensorType getRankedType(mlir::Value v);

/// The element type of a tensor value (ranked or not), or null.
mlir::Type getElementType(mlir::Value v);

/// Sets result `index` of `op` to a ranked tensor type.
void setResultType(mlir::Operation *op, unsigned index,
                   llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

/// Sets result `index` of `op` to an unranked tensor type; used when the
/// rank itself depends on run-time values.
void setUnrankedResultType(mlir::Operation *op, unsigned index,
                           mlir::Type elementType);

/// Multidirectional (numpy) broadcast of two shapes. Emits an error on `op`
/// and fails when two static dimensions differ and neither is 1.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(mlir::Operation *op, llvm::ArrayRef<int64_t> lhs,
                llvm::ArrayRef<int64_t> rhs);

/// Normalizes a possibly negative `axis` for a tensor of `rank`. Emits an
/// error naming `what` and fails when it is out of range.
mlir::FailureOr<int64_t> normalizeAxis(mlir::Operation *op, int64_t axis,
                                       int64_t rank, llvm::StringRef what);

/// The values of an integer constant operand (onnx.Constant, folded or
/// imported), or nullopt when `v` is not a known constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value v);

/// The elements of `v` when it is an onnx.Constant, as a dense attribute
/// (resource-backed initializers are viewed in place); null otherwise.
mlir::DenseElementsAttr getConstantElements(mlir::Value v);

/// Views any elements attribute as dense (resource blobs included); null if
/// the attribute has no readable data.
mlir::DenseElementsAttr toDenseElements(mlir::ElementsAttr attr);

/// Creates an onnx.Constant of `type` whose value is a resource blob named
/// `blobName` (uniqued) holding `bytes`, the row-major elements as the
/// importer stores weights. `bytes` must hold exactly the type's elements.
mlir::Value createBlobConstant(mlir::OpBuilder &builder, mlir::Location loc,
                               mlir::RankedTensorType type,
                               llvm::ArrayRef<char> bytes,
                               llvm::StringRef blobName);

/// The MLIR element type of an ONNX TensorProto.DataType code, or null for
/// types the compiler does not support (strings, complex, 4/8-bit floats).
mlir::Type getElementTypeForDataType(mlir::MLIRContext *ctx, int64_t dataType);

/// Product of dimensions, or kDynamic if any is dynamic.
int64_t product(llvm::ArrayRef<int64_t> dims);

/// Result 0 takes the type of operand 0.
mlir::LogicalResult inferSameAsFirstOperand(mlir::Operation *op);
/// Result 0 takes the shape of operand 0 with the given element type.
mlir::LogicalResult inferSameShapeAsFirstOperand(mlir::Operation *op,
                                                 mlir::Type elementType);
/// Result 0 broadcasts all tensor operands; its element type is
/// `elementType`, or operand 0's when null. Unless `mixedElementTypes`, all
/// operands must have the same element type (ONNX's single type variable T).
mlir::LogicalResult inferBroadcast(mlir::Operation *op, mlir::Type elementType,
                                   bool mixedElementTypes = false);

} // namespace onnxc::onnx_ir

#endif // ONNXC_DIALECT_ONNX_SHAPEUTILS_H
