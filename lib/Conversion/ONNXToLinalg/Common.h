//===- Common.h - Helpers shared by the ONNXToLinalg patterns ---*- C++ -*-===//

#ifndef ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
#define ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMMON_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace onnxc::linalg_lowering {

/// tensor.empty of `type`, its dynamic sizes taken from `like` dimension by
/// dimension (`like` must have the same rank and the same dynamic dims).
mlir::Value emptyLike(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::RankedTensorType type, mlir::Value like);

/// The indexing map reading an operand of `operandType` inside loops over
/// `resultShape` with ONNX multidirectional broadcasting: trailing dims
/// align, and a dim that is statically 1 where the result's is not is read
/// at index 0.
mlir::AffineMap getBroadcastMap(mlir::RankedTensorType operandType,
                                llvm::ArrayRef<int64_t> resultShape,
                                mlir::MLIRContext *ctx);

/// A tensor of `type` (static shape) filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::TypedAttr value);

/// The scalar constant `value` of `type` (float or integer).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// Pads the spatial dims (2..) of an NC... tensor with `value`; `pads` is
/// ONNX's [begin..., end...]. Returns `input` when all pads are 0.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> pads,
                       mlir::Value value);

/// Element types the contraction lowerings handle: floats and signless
/// integers other than i1.
bool isSupportedElement(mlir::Type t);

/// The type contractions accumulate in: f32 for f16/bf16, else the type.
mlir::Type accumulatorType(mlir::OpBuilder &b, mlir::Type element);

/// Rounds an accumulator tensor to `type`'s element type when they differ.
mlir::Value castTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                       mlir::RankedTensorType type);

/// A zero-filled tensor of `shape` x `type`; dynamic sizes from `sizes`.
mlir::Value zeroAccumulator(mlir::OpBuilder &b, mlir::Location loc,
                            llvm::ArrayRef<int64_t> shape, mlir::Type type,
                            mlir::ValueRange sizes);

} // namespace onnxc::linalg_lowering

#endif // ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
