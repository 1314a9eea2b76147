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

/// Sets result 0 of `op` to numpy.matmul's result shape for operands `a`
/// and `b` (1-D operands promoted, batch dims broadcast) with `elementType`.
/// Emits an error and fails when the contraction dims or batch dims differ.
mlir::LogicalResult inferMatMulShape(mlir::Operation *op, mlir::Value a,
                                     mlir::Value b, mlir::Type elementType);

/// Multidirectional (numpy) broadcast of two shapes. Emits an error on `op`
/// and fails when two static dimensions differ and neither is 1.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(mlir::Operation *op, llvm::ArrayRef<int64_t> lhs,
                llvm::ArrayRef<int64_t> rhs);

/// Normalizes a possibly negative `axis` for a tensor of `rank`. Emits an
/// error naming `what` and fails when it is out of range.
mlir::FailureOr<int64_t> normalizeAxis(mlir::Operation *op, int64_t axis,
                                       int64_t rank, llvm::StringRef what);

/// The most elements getConstantValues() and readConstant() read unless told
/// otherwise: shape and scalar operands are far smaller, and reading a
/// weight as numbers would copy it.
constexpr int64_t kMaxReadConstantElements = 1 << 16;

/// The elements of a constant read as numbers, whatever the attribute that
/// holds them (dense, splat or resource blob; an onnx.Constant's value,
/// value_float(s) or value_int(s)) and whatever their element type. This is
/// the one checked way to read constant operands: folders and shape
/// functions must not cast attributes or call getValues<T> themselves.
struct ConstantValues {
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  /// True for float element types: `floats` holds the values. Otherwise
  /// `ints` does; unsigned integers and bools are zero-extended (a u64 above
  /// INT64_MAX wraps).
  bool isFloat = false;
  llvm::SmallVector<double> floats;
  llvm::SmallVector<int64_t> ints;

  int64_t size() const {
    return isFloat ? static_cast<int64_t>(floats.size())
                   : static_cast<int64_t>(ints.size());
  }
  double asDouble(int64_t i) const;
  /// Element `i` as an integer; floats are truncated toward zero, saturate
  /// at the int64 range and NaN reads as 0 (never undefined behavior).
  int64_t asInt(int64_t i) const;
};

/// Reads `attr` when it is an elements attribute of a float or integer type
/// with readable data and at most `maxElements` elements; nullopt otherwise.
std::optional<ConstantValues>
readConstant(mlir::Attribute attr,
             int64_t maxElements = kMaxReadConstantElements);

/// readConstant() of the value of the onnx.Constant defining `v`; nullopt
/// when `v` is not defined by one.
std::optional<ConstantValues>
getConstantValues(mlir::Value v,
                  int64_t maxElements = kMaxReadConstantElements);

/// The single value of a constant scalar operand (rank 0 or one element) as
/// a double, or nullopt when `v` is not such a constant.
std::optional<double> getConstantScalar(mlir::Value v);

/// The only element of `attr` (an elements attribute holding exactly one,
/// of any storage kind) as a typed scalar attribute; null otherwise.
mlir::TypedAttr getSingleElement(mlir::Attribute attr);

/// The values of an integer constant operand (onnx.Constant, folded or
/// imported), or nullopt when `v` is not a known integer constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value v);

/// The value of an onnx.Constant as an elements attribute, whichever of its
/// attributes holds it (value, value_float, value_floats, value_int,
/// value_ints); null for the string and sparse forms the verifier rejects.
mlir::ElementsAttr getConstantOpValue(mlir::Operation *constantOp);

/// The elements of `v` when it is an onnx.Constant, as a dense attribute
/// (resource-backed initializers are copied); null otherwise. For code that
/// needs the attribute itself (a splat value, a reshape); read numbers with
/// getConstantValues().
mlir::DenseElementsAttr getConstantElements(mlir::Value v);

/// Views any elements attribute as dense (resource blobs included); null if
/// the attribute has no readable data or its blob does not match its type.
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
