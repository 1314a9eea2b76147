//===- ApproximateMath.cpp - --onnxc-approximate-math ---------------------===//
//
// f32 transcendental functions as inline polynomial approximations (upstream
// math dialect patterns, after Cephes): no libm call per element, so the
// elementwise loops around them vectorize (sigmoid, tanh and GELU's erf run
// 16 lanes at a time with AVX-512).
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "onnxc-approximate-math"

namespace onnxc {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

struct ApproximateMathPass : impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // The functions whose approximations stay within a few ulp of libm over
    // f32 (upstream's tests); the others keep their libm calls.
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return llvm::is_contained({"math.tanh", "math.erf", "math.exp",
                                     "math.expm1", "math.log", "math.log1p",
                                     "math.log2"},
                                    name);
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace onnxc
