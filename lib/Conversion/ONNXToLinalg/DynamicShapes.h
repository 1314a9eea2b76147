//===- DynamicShapes.h - Sizes known only at run time -----------*- C++ -*-===//
//
// Index arithmetic on sizes that are constants or run-time values
// (OpFoldResult), for the lowerings whose output sizes are computed while
// the model runs: a result is a constant whenever all operands are, so the
// same code serves static dims without emitting anything for them.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_LIB_CONVERSION_ONNXTOLINALG_DYNAMICSHAPES_H
#define ONNXC_LIB_CONVERSION_ONNXTOLINALG_DYNAMICSHAPES_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

namespace onnxc::linalg_lowering {

/// Dim `d` of the ranked tensor `t`: its static size or a tensor.dim.
mlir::OpFoldResult dimOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                         int64_t d);

/// All dims of the ranked tensor `t`, as dimOf() gives them.
llvm::SmallVector<mlir::OpFoldResult> dimsOf(mlir::OpBuilder &b,
                                             mlir::Location loc, mlir::Value t);

/// Index arithmetic, folded to a constant when both operands are:
/// x + y, x - y, x * y, floor(x / y) and ceil(x / y) (signed, y > 0 for the
/// divisions), min and max (signed).
mlir::OpFoldResult addIndex(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::OpFoldResult x, mlir::OpFoldResult y);
mlir::OpFoldResult subIndex(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::OpFoldResult x, mlir::OpFoldResult y);
mlir::OpFoldResult mulIndex(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::OpFoldResult x, mlir::OpFoldResult y);
mlir::OpFoldResult floorDivIndex(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::OpFoldResult x, mlir::OpFoldResult y);
mlir::OpFoldResult ceilDivIndex(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::OpFoldResult x, mlir::OpFoldResult y);
mlir::OpFoldResult minIndex(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::OpFoldResult x, mlir::OpFoldResult y);
mlir::OpFoldResult maxIndex(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::OpFoldResult x, mlir::OpFoldResult y);

/// The product of `sizes` (1 when empty).
mlir::OpFoldResult productIndex(mlir::OpBuilder &b, mlir::Location loc,
                                llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// Element `i` of the 1-D (or 0-D, `i` = 0) integer tensor `t` (a shape,
/// pads, starts...) as an index; a constant when `onnxValue`, the ONNX
/// operand `t` was converted from, is a constant.
mlir::OpFoldResult extractIndex(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value onnxValue, mlir::Value t,
                                int64_t i);

/// Emits a run-time check (emitDimCheck, naming `op` and saying `what`)
/// that `x` <= `bound`; nothing when both are constants.
void emitAtMostCheck(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::Operation *op, mlir::OpFoldResult x,
                     mlir::OpFoldResult bound, const llvm::Twine &what);

/// The sizes among `sizes` that `type` has as dynamic dims, as values (the
/// operands of a tensor.empty of `type`).
llvm::SmallVector<mlir::Value>
dynamicSizesOf(mlir::OpBuilder &b, mlir::Location loc,
               mlir::RankedTensorType type,
               llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// `type` with its dynamic dims replaced by those of `sizes` that are
/// constants (the type a computation with these sizes can be given).
mlir::RankedTensorType refineType(mlir::RankedTensorType type,
                                  llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// `source` reshaped (row-major order kept) to `resultType`, whose dims are
/// `sizes`, for element counts known only at run time: through 1-D by
/// collapse_shape and expand_shape (tensor.reshape of an i64 shape when
/// either is rank 0 or two or more `sizes` are run-time values). Emits a run-time check (emitDimCheck, naming `op`)
/// that the element counts of source and result are equal.
mlir::Value reshapeToSizes(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Operation *op, mlir::Value source,
                           mlir::RankedTensorType resultType,
                           llvm::ArrayRef<mlir::OpFoldResult> sizes);

} // namespace onnxc::linalg_lowering

#endif // ONNXC_LIB_CONVERSION_ONNXTOLINALG_DYNAMICSHAPES_H
