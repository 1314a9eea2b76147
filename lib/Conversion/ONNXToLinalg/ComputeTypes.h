//===- ComputeTypes.h - Scalar types the lowerings compute in ---*- C++ -*-===//
//
// arith works on signless integers and on floats; ONNX tensors also hold
// unsigned integers and f16/bf16. Lowerings that compute on elements read
// them in a compute type (f32 for f16/bf16, the signless integer of the same
// width for unsigned ones) and convert back when yielding. Unsigned values
// change type through builtin.unrealized_conversion_cast, which the LLVM
// lowering reconciles away: ui8 and i8 are both i8 there.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMPUTETYPES_H
#define ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMPUTETYPES_H

#include "mlir/IR/Builders.h"

namespace onnxc::linalg_lowering {

/// The type elements of `element` are computed in: f32 for f16/bf16, the
/// signless integer of the same width for unsigned and signed integers, else
/// `element`.
mlir::Type getComputeType(mlir::Type element);

/// Converts a scalar of a tensor element type to `computeType`.
mlir::Value toComputeType(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type computeType);

/// Converts a scalar in the compute type back to the tensor element type
/// `element` (rounding floats to nearest even).
mlir::Value fromComputeType(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v, mlir::Type element);

/// How two scalars compare.
enum class Ordering { Less, LessEqual, Greater, GreaterEqual, Equal };

/// Compares `lhs` and `rhs` (compute type); integers compare unsigned when
/// `isUnsigned`. Float comparisons are ordered: false when either is NaN.
mlir::Value compareScalars(mlir::OpBuilder &b, mlir::Location loc,
                           Ordering ordering, mlir::Value lhs, mlir::Value rhs,
                           bool isUnsigned);

/// Converts every element of `tensor` (in the compute type) to the element
/// type of `type`, or returns `tensor` when they already agree.
mlir::Value fromComputeTensor(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value tensor, mlir::RankedTensorType type);

} // namespace onnxc::linalg_lowering

#endif // ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMPUTETYPES_H
