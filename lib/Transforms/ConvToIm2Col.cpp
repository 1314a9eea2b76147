//===- ConvToIm2Col.cpp - --onnxc-conv-to-im2col --------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace onnxc {
#define GEN_PASS_DEF_CONVTOIM2COL
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

struct ConvToIm2ColPass : impl::ConvToIm2ColBase<ConvToIm2ColPass> {
  void runOnOperation() override {
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation().walk([&](linalg::Conv2DNchwFchwOp conv) {
      if (conv.hasPureTensorSemantics())
        convs.push_back(conv);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      rewriter.setInsertionPoint(conv);
      // Convolutions the rewrite does not handle (dynamic shapes) stay.
      (void)linalg::rewriteInIm2Col(rewriter, conv);
    }
  }
};

} // namespace
} // namespace onnxc
