//===- ReassociateReductions.cpp - --onnxc-reassociate-reductions ---------===//
//
// Floating-point reductions (softmax's max and sum, the means and variances
// of normalizations, Reduce*) may be summed in any order: the combining
// operations of f32 reduction generics get the `reassoc` fast-math flag, so
// LLVM's loop vectorizer can keep partial results in vector lanes. The e2e
// tolerances allow a different accumulation order.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#define DEBUG_TYPE "onnxc-reassociate-reductions"

namespace onnxc {
#define GEN_PASS_DEF_REASSOCIATEREDUCTIONS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

struct ReassociateReductionsPass
    : impl::ReassociateReductionsBase<ReassociateReductionsPass> {
  void runOnOperation() override {
    getOperation().walk([](linalg::LinalgOp op) {
      if (op.getNumReductionLoops() == 0 || !op.getBlock())
        return;
      for (Operation &inner : op.getBlock()->without_terminator()) {
        auto fastmath = dyn_cast<arith::ArithFastMathInterface>(inner);
        if (!fastmath || !isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp,
                              arith::MinimumFOp, arith::MaxNumFOp,
                              arith::MinNumFOp>(inner))
          continue;
        auto attr = inner.getAttrOfType<arith::FastMathFlagsAttr>(
            fastmath.getFastMathAttrName());
        arith::FastMathFlags flags =
            attr ? attr.getValue() : arith::FastMathFlags::none;
        inner.setAttr(fastmath.getFastMathAttrName(),
                      arith::FastMathFlagsAttr::get(
                          inner.getContext(),
                          flags | arith::FastMathFlags::reassoc));
      }
    });
  }
};

} // namespace
} // namespace onnxc
