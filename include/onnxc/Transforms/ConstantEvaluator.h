//===- ConstantEvaluator.h - Evaluate onnx ops on constants -----*- C++ -*-===//
//
// The one general mechanism that folds an onnx op whose operands are all
// constants: the op alone is lowered by the patterns of
// --convert-onnx-to-linalg into a scratch function, and that function is
// interpreted (linalg.generic, tensor, scf and affine ops; each scalar
// arith/math op by its own MLIR folder). The folded values are therefore
// exactly what the compiled code computes, for every op that has a
// lowering, with no second copy of each op's semantics.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_TRANSFORMS_CONSTANTEVALUATOR_H
#define ONNXC_TRANSFORMS_CONSTANTEVALUATOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"

namespace onnxc {

class ConstantEvaluator {
public:
  /// Largest result (elements per result) evaluate() computes: shape
  /// computations are far smaller, and a weight-sized result would be
  /// copied into the model.
  static constexpr int64_t kMaxResultElements = 4096;
  /// Largest total of operand elements: weights are not read element by
  /// element.
  static constexpr int64_t kMaxOperandElements = 1 << 16;

  explicit ConstantEvaluator(mlir::MLIRContext *context);

  /// True when `op` may be evaluated: an onnx op without side effects or
  /// regions (other than onnx.Constant and onnx.NoValue), whose operands are
  /// all onnx.Constant or onnx.NoValue within kMaxOperandElements and whose
  /// results are static tensors of at most kMaxResultElements elements
  /// (unused `none` results aside).
  static bool isCandidate(mlir::Operation *op);

  /// The values of the tensor results of candidate `op`, in order; failure
  /// when its lowering or anything in it cannot be evaluated (no lowering,
  /// a scalar op whose folder declines, too much work). Emits nothing: a
  /// failure leaves `op` to run at run time.
  mlir::FailureOr<llvm::SmallVector<mlir::DenseElementsAttr>>
  evaluate(mlir::Operation *op);

private:
  mlir::FrozenRewritePatternSet lowerings;
};

} // namespace onnxc

#endif // ONNXC_TRANSFORMS_CONSTANTEVALUATOR_H
