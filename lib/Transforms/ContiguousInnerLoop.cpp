//===- ContiguousInnerLoop.cpp - --onnxc-contiguous-inner-loop ------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace onnxc {
#define GEN_PASS_DEF_CONTIGUOUSINNERLOOP
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Whether `loop` indexes only the last dimension of every operand that uses
/// it, so that running it innermost walks each operand with unit stride.
static bool isUnitStrideEverywhere(linalg::LinalgOp op, unsigned loop) {
  for (AffineMap map : op.getIndexingMapsArray()) {
    ArrayRef<AffineExpr> results = map.getResults();
    for (AffineExpr expr : results.drop_back())
      if (expr.isFunctionOfDim(loop))
        return false;
  }
  return true;
}

/// The loop that indexes the last dimension of the op's (single) output, if
/// it is a parallel loop other than the innermost one and no operand would
/// be walked with a stride by it.
static std::optional<unsigned> getOutputInnerLoop(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumLoops() < 2)
    return std::nullopt;
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (map.getNumResults() == 0)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(map.getResults().back());
  if (!dim)
    return std::nullopt;
  unsigned loop = dim.getPosition();
  if (loop == op.getNumLoops() - 1 ||
      !linalg::isParallelIterator(op.getIteratorTypesArray()[loop]) ||
      !isUnitStrideEverywhere(op, loop))
    return std::nullopt;
  return loop;
}

struct ContiguousInnerLoopPass
    : impl::ContiguousInnerLoopBase<ContiguousInnerLoopPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::FillOp, linalg::CopyOp>(op) && getOutputInnerLoop(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      unsigned inner = *getOutputInnerLoop(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      SmallVector<unsigned> order;
      for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
        if (loop != inner)
          order.push_back(loop);
      order.push_back(inner);
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};

} // namespace
} // namespace onnxc
