//===- ShapeInference.cpp - --onnx-shape-inference ------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"
#include "onnxc/Transforms/ConstantEvaluator.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/FoldUtils.h"

#include <optional>

#define DEBUG_TYPE "onnx-shape-inference"

namespace onnxc {
#define GEN_PASS_DEF_ONNXSHAPEINFERENCE
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

struct ONNXShapeInferencePass
    : impl::ONNXShapeInferenceBase<ONNXShapeInferencePass> {
  /// Moves the ops of `ifOp`'s taken branch to right after it, replaces its
  /// results with the branch's outputs (whose types are the same or more
  /// precise; their users come later in the sweep) and erases it. Returns
  /// the op to visit next.
  static Operation *inlineTakenBranch(onnx_ir::IfOp ifOp, bool taken) {
    Block &branch =
        (taken ? ifOp.getThenBranch() : ifOp.getElseBranch()).front();
    auto yield = cast<onnx_ir::YieldOp>(branch.getTerminator());
    Operation *after = ifOp->getNextNode();
    Block *parent = ifOp->getBlock();
    parent->getOperations().splice(after->getIterator(),
                                   branch.getOperations(), branch.begin(),
                                   yield->getIterator());
    ifOp->replaceAllUsesWith(yield.getOperands());
    Operation *next = ifOp->getNextNode();
    ifOp->erase();
    return next;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitOpError("graph functions must have a single block");
      return signalPassFailure();
    }
    Block &block = func.getBody().front();
    OperationFolder folder(&getContext());
    // Made on the first op that needs it: it freezes the lowering patterns.
    std::optional<ConstantEvaluator> evaluator;
    // Graphs are in topological order: one forward sweep sees every op after
    // its operands have their final types.
    for (Operation *next = &block.front(), *current; next;) {
      current = next;
      next = current->getNextNode();
      Operation &op = *current;
      // An If on a constant (a rank or size test, as exporters and the
      // expanded functions write) is its taken branch: inlined where it
      // was, so that the sweep goes on into the branch's ops.
      if (auto ifOp = dyn_cast<onnx_ir::IfOp>(op))
        if (std::optional<double> cond =
                onnx_ir::getConstantScalar(ifOp.getCond())) {
          next = inlineTakenBranch(ifOp, *cond != 0);
          continue;
        }
      if (auto inference = dyn_cast<onnx_ir::ShapeInferenceOpInterface>(&op))
        if (failed(inference.inferShapes()))
          return signalPassFailure();
      if (op.hasTrait<OpTrait::ConstantLike>())
        continue;
      // The ops' own folders are cheap (and fold some ops whose operands are
      // not constants: Shape of a static tensor); the evaluator does the
      // rest of the ops whose operands all are.
      if (succeeded(folder.tryToFold(&op)) ||
          !ConstantEvaluator::isCandidate(&op))
        continue;
      if (!evaluator)
        evaluator.emplace(&getContext());
      FailureOr<SmallVector<DenseElementsAttr>> values =
          evaluator->evaluate(&op);
      if (failed(values))
        continue;
      Dialect *dialect = op.getDialect();
      auto value = values->begin();
      for (OpResult result : op.getResults()) {
        if (isa<NoneType>(result.getType()))
          continue;
        Value constant = folder.getOrCreateConstant(&block, dialect, *value++,
                                                    result.getType());
        if (!constant)
          return signalPassFailure();
        result.replaceAllUsesWith(constant);
      }
      op.erase();
    }
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (isOpTriviallyDead(&op))
        op.erase();
    auto returnOp = cast<func::ReturnOp>(block.getTerminator());
    func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                   returnOp.getOperandTypes()));
  }
};

} // namespace
} // namespace onnxc
