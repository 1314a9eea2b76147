//===- FoldBatchNorm.cpp - --onnxc-fold-batchnorm -------------------------===//
//
// Inference-mode BatchNormalization after a Conv or Gemm with constant
// weights folds into them: y = (W x + b - mean) * s + beta with
// s = scale / sqrt(var + epsilon) is the convolution with W' = W * s (per
// output channel) and b' = (b - mean) * s + beta. The normalization then
// costs nothing at run time.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

#define DEBUG_TYPE "onnxc-fold-batchnorm"

namespace onnxc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc {
namespace {

/// The f32 values of a constant operand, or none.
static std::optional<SmallVector<float>> getFloats(Value v) {
  DenseElementsAttr dense = getConstantElements(v);
  if (!dense || !dense.getElementType().isF32())
    return std::nullopt;
  return llvm::to_vector(dense.getValues<float>());
}

/// An onnx.Constant holding `values` with type `type`.
static Value createConstant(PatternRewriter &rewriter, Location loc,
                            RankedTensorType type, ArrayRef<float> values,
                            StringRef name) {
  return createBlobConstant(
      rewriter, loc, type,
      ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float)),
      name);
}

/// BatchNormalization(Conv(x, W, b)) -> Conv(x, W', b') and
/// BatchNormalization(Gemm(a, W, c)) with one channel per column ->
/// Gemm(a, W', c').
struct FoldIntoProducer : OpRewritePattern<BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormalizationOp bn,
                                PatternRewriter &rewriter) const override {
    if (bn.getTrainingMode() != 0 || !bn.getRunningMean().use_empty() ||
        !bn.getRunningVar().use_empty())
      return rewriter.notifyMatchFailure(bn, "training mode");
    Operation *producer = bn.getX().getDefiningOp();
    if (!producer || !producer->hasOneUse() ||
        !isa<ConvOp, GemmOp>(producer))
      return rewriter.notifyMatchFailure(bn, "not after a Conv or Gemm");
    auto scale = getFloats(bn.getScale()), beta = getFloats(bn.getB());
    auto mean = getFloats(bn.getInputMean()), var = getFloats(bn.getInputVar());
    if (!scale || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "non-constant statistics");
    int64_t channels = scale->size();
    if (static_cast<int64_t>(beta->size()) != channels ||
        static_cast<int64_t>(mean->size()) != channels ||
        static_cast<int64_t>(var->size()) != channels)
      return rewriter.notifyMatchFailure(bn, "statistics not per channel");
    SmallVector<float> s(channels);
    for (int64_t c = 0; c < channels; ++c)
      s[c] = (*scale)[c] / std::sqrt((*var)[c] + bn.getEpsilon().convertToFloat());

    if (auto conv = dyn_cast<ConvOp>(producer))
      return foldConv(rewriter, bn, conv, s, *mean, *beta);
    return foldGemm(rewriter, bn, cast<GemmOp>(producer), s, *mean, *beta);
  }

  /// The new bias: (b - mean) * s + beta; `bias` empty means zeros.
  static SmallVector<float> foldBias(ArrayRef<float> bias, ArrayRef<float> s,
                                     ArrayRef<float> mean,
                                     ArrayRef<float> beta) {
    SmallVector<float> result(s.size());
    for (size_t c = 0; c < s.size(); ++c)
      result[c] = ((bias.empty() ? 0.0f : bias[c]) - mean[c]) * s[c] + beta[c];
    return result;
  }

  /// Replaces BatchNormalization(producer(x, W, b)) by producer(x, W', b')
  /// with the folded constants (operands 1 and 2 of Conv and Gemm).
  static Operation *replaceWithFolded(PatternRewriter &rewriter,
                                      BatchNormalizationOp bn,
                                      Operation *producer,
                                      RankedTensorType weightType,
                                      ArrayRef<float> weight,
                                      ArrayRef<float> bias) {
    Location loc = bn.getLoc();
    Value newWeight =
        createConstant(rewriter, loc, weightType, weight, "bn_folded_weight");
    Value newBias = createConstant(
        rewriter, loc,
        RankedTensorType::get({static_cast<int64_t>(bias.size())},
                              rewriter.getF32Type()),
        bias, "bn_folded_bias");
    Operation *folded = rewriter.clone(*producer);
    folded->setOperand(1, newWeight);
    folded->setOperand(2, newBias);
    folded->setLoc(rewriter.getFusedLoc({producer->getLoc(), bn.getLoc()}));
    folded->getResult(0).setType(bn.getY().getType());
    rewriter.replaceAllUsesWith(bn.getY(), folded->getResult(0));
    rewriter.eraseOp(bn);
    rewriter.eraseOp(producer);
    return folded;
  }

  LogicalResult foldConv(PatternRewriter &rewriter, BatchNormalizationOp bn,
                         ConvOp conv, ArrayRef<float> s, ArrayRef<float> mean,
                         ArrayRef<float> beta) const {
    auto wType = dyn_cast<RankedTensorType>(conv.getW().getType());
    auto w = getFloats(conv.getW());
    if (!wType || !w || !wType.hasStaticShape() ||
        wType.getDimSize(0) != static_cast<int64_t>(s.size()))
      return rewriter.notifyMatchFailure(bn, "Conv weights not constant");
    SmallVector<float> bias;
    if (!isa<NoneType>(conv.getB().getType())) {
      auto b = getFloats(conv.getB());
      if (!b || b->size() != s.size())
        return rewriter.notifyMatchFailure(bn, "Conv bias not constant");
      bias = *b;
    }
    int64_t perChannel = wType.getNumElements() / wType.getDimSize(0);
    for (int64_t i = 0, e = w->size(); i < e; ++i)
      (*w)[i] *= s[i / perChannel];
    replaceWithFolded(rewriter, bn, conv, wType, *w,
                      foldBias(bias, s, mean, beta));
    return success();
  }

  LogicalResult foldGemm(PatternRewriter &rewriter, BatchNormalizationOp bn,
                         GemmOp gemm, ArrayRef<float> s, ArrayRef<float> mean,
                         ArrayRef<float> beta) const {
    // BatchNormalization on [N, C] normalizes columns: column j of Gemm's
    // output is alpha * A * W[:, j] (W[j, :] with transB) + beta_gemm * C[j].
    auto wType = dyn_cast<RankedTensorType>(gemm.getB().getType());
    auto w = getFloats(gemm.getB());
    auto yType = dyn_cast<RankedTensorType>(gemm.getY().getType());
    if (!wType || !w || !wType.hasStaticShape() || !yType ||
        yType.getRank() != 2 ||
        yType.getDimSize(1) != static_cast<int64_t>(s.size()))
      return rewriter.notifyMatchFailure(bn, "Gemm weights not constant");
    SmallVector<float> bias;
    if (!isa<NoneType>(gemm.getC().getType())) {
      auto c = getFloats(gemm.getC());
      auto cType = dyn_cast<RankedTensorType>(gemm.getC().getType());
      if (!c || !cType || cType.getRank() != 1 || c->size() != s.size())
        return rewriter.notifyMatchFailure(bn, "Gemm bias not per column");
      bias = *c;
      float betaGemm = gemm.getBeta().convertToFloat();
      for (float &v : bias)
        v *= betaGemm;
    }
    int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        (*w)[r * cols + c] *= s[gemm.getTransB() ? r : c];
    Operation *folded = replaceWithFolded(rewriter, bn, gemm, wType, *w,
                                          foldBias(bias, s, mean, beta));
    // The new bias already carries the Gemm's beta.
    cast<GemmOp>(folded).setBetaAttr(rewriter.getF32FloatAttr(1.0f));
    return success();
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoProducer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace onnxc
