//===- FuseElementwise.cpp - --onnxc-fuse-elementwise ---------------------===//
//
// Chains of elementwise linalg.generic ops on tensors become one generic
// (upstream linalg elementwise fusion), so that a bias add, its activation
// and a residual add are one pass over memory, and one epilogue when they
// follow a contraction. With dims known only at run time, the sizes a
// consumer reads from its producer (tensor.dim) are first rewritten to the
// producer's own sizes, so that they are not uses that block the fusion.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "onnxc-fuse-elementwise"

namespace onnxc {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Whether `map` reads dims in loop order (a projection that may broadcast,
/// but never transposes).
static bool isOrderPreserving(AffineMap map) {
  int64_t last = -1;
  for (AffineExpr expr : map.getResults()) {
    if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
      if (constant.getValue() != 0)
        return false;
      continue;
    }
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || static_cast<int64_t>(dim.getPosition()) <= last)
      return false;
    last = dim.getPosition();
  }
  return true;
}

/// Rewrites each tensor.dim of an op's result into the size the op was
/// built with (a linalg op's init, a tensor.empty's operand), so that
/// reading a size is not a use of the tensor. Only the dim ops and what they
/// create are rewritten: a function with static shapes has none and is left
/// as it is.
static void resolveResultDims(func::FuncOp func) {
  SmallVector<Operation *> dims;
  func.walk([&](tensor::DimOp op) { dims.push_back(op); });
  if (dims.empty())
    return;
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
  tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  (void)applyOpPatternsGreedily(dims, std::move(patterns), config);
}

struct FuseElementwisePass : impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    resolveResultDims(getOperation());
    RewritePatternSet patterns(&getContext());
    // A producer with other users would be computed twice: once fused, once
    // for them.
    // Only elementwise into elementwise, element for element: fusing into a
    // reduction recomputes the producer per reduction step, and fusing
    // through a transposing or broadcasting map changes the producer's
    // loop order. Ops in loop bodies stay apart (the recurrent lowerings'
    // loop-carried state must bufferize in place).
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *fused) {
          auto producer = fused->get().getDefiningOp<linalg::GenericOp>();
          auto consumer = dyn_cast<linalg::GenericOp>(fused->getOwner());
          if (!producer || !consumer || !producer->hasOneUse() ||
              !isa<func::FuncOp>(consumer->getParentOp()))
            return false;
          auto allParallel = [](linalg::GenericOp op) {
            return op.getNumParallelLoops() == op.getNumLoops();
          };
          return allParallel(producer) && allParallel(consumer) &&
                 consumer.getMatchingIndexingMap(fused).isIdentity() &&
                 llvm::all_of(producer.getIndexingMapsArray(),
                              isOrderPreserving);
        });
    // The pattern set also rewrites fills and outs; keep it to the
    // function's top-level ops and the ops it creates.
    SmallVector<Operation *> ops;
    // Ops on unsigned integers are left alone: the patterns fold their
    // splat operands into arith.constant, which takes signless types only.
    auto signless = [](Type type) {
      auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
      return !integer || integer.isSignless();
    };
    for (Operation &op : getOperation().getBody().getOps())
      if (isa<linalg::LinalgOp>(op) &&
          llvm::all_of(op.getOperandTypes(), signless) &&
          llvm::all_of(op.getResultTypes(), signless))
        ops.push_back(&op);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(ops, std::move(patterns), config);
  }
};

} // namespace
} // namespace onnxc
