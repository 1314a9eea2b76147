//===- CollapseDimensions.cpp - --onnxc-collapse-dims ---------------------===//
//
// Elementwise generics iterate their contiguous dims as one: a
// [1, 288, 14, 14] activation becomes one loop of 56448 elements (or
// [288, 196] with a per-channel operand) instead of 14-iteration inner loops
// that are too short to vectorize with 16 lanes. Upstream
// linalg::collapseOpIterationDims does the rewrite; this pass picks the
// groups: the longest runs of dims that every indexing map keeps contiguous
// and in order.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "onnxc-collapse-dims"

namespace onnxc {
#define GEN_PASS_DEF_COLLAPSEDIMENSIONS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Runs of consecutive loops that all indexing maps keep contiguous, with
/// at most one loop of a size known only at run time each: upstream's
/// --expand-strided-metadata cannot expand a group of two or more such
/// dims back.
static SmallVector<ReassociationIndices> getCollapsibleGroups(linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<ReassociationIndices> groups = {{0}};
  for (int64_t d = 1, e = op.getNumLoops(); d < e; ++d) {
    ReassociationIndices extended = groups.back();
    extended.push_back(d);
    int64_t dynamic = llvm::count_if(
        extended, [&](int64_t l) { return ShapedType::isDynamic(ranges[l]); });
    if (dynamic <= 1 && linalg::areDimSequencesPreserved(maps, {extended}))
      groups.back() = extended;
    else
      groups.push_back({d});
  }
  return groups;
}

/// Whether `op` consumes the result of a contraction or convolution: it is
/// then an epilogue candidate of --onnxc-vectorize-contractions, which needs
/// the contraction's leading dims.
static bool consumesReduction(linalg::GenericOp op) {
  return llvm::any_of(op.getDpsInputs(), [](Value v) {
    Operation *def = v.getDefiningOp();
    while (isa_and_nonnull<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
      def = def->getOperand(0).getDefiningOp();
    auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(def);
    return linalgOp && linalgOp.getNumReductionLoops() > 0;
  });
}

struct CollapseDimensionsPass
    : impl::CollapseDimensionsBase<CollapseDimensionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> candidates;
    for (Operation &op : getOperation().getBody().getOps()) {
      auto generic = dyn_cast<linalg::GenericOp>(op);
      if (!generic || !generic.hasPureTensorSemantics() ||
          generic.getNumLoops() < 2 ||
          generic.getNumParallelLoops() != generic.getNumLoops() ||
          consumesReduction(generic) ||
          !llvm::all_of(generic.getIndexingMapsArray(),
                        [](AffineMap map) {
                          return map.isProjectedPermutation();
                        }) ||
          !generic.getBody()->getOps<linalg::IndexOp>().empty())
        continue;
      candidates.push_back(generic);
    }
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : candidates) {
      SmallVector<ReassociationIndices> groups = getCollapsibleGroups(op);
      if (groups.size() == op.getNumLoops())
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(op, groups, rewriter);
      if (failed(collapsed))
        continue;
      rewriter.replaceOp(op, collapsed->results);
    }
  }
};

} // namespace
} // namespace onnxc
