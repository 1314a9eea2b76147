//===- Normalization.cpp - BatchNormalization to linalg -------------------===//
//
// Inference-mode BatchNormalization is one elementwise generic over NC...:
// y = (x - mean[c]) * scale[c] / sqrt(var[c] + epsilon) + B[c], in the
// compute type of x (f32 for f16/bf16); the per-channel operands may have
// other float types (opset 15) and are converted to it.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

struct BatchNormalizationLowering : OpConversionPattern<BatchNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getY().getType());
    if (op.getTrainingMode() || !type || type.getRank() < 2 ||
        !isa<FloatType>(type.getElementType()) ||
        !isa<NoneType>(op.getRunningMean().getType()))
      return rewriter.notifyMatchFailure(op, "training mode not lowered");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    SmallVector<AffineMap> maps = {identity, channel, channel, channel, channel,
                                   identity};
    Value init = emptyLike(rewriter, loc, type, adaptor.getX());
    Type computeType = accumulatorType(rewriter, type.getElementType());
    double epsilon = op.getEpsilon().convertToDouble();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, type,
            ValueRange{adaptor.getX(), adaptor.getScale(), adaptor.getB(),
                       adaptor.getInputMean(), adaptor.getInputVar()},
            init, maps,
            SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              auto widen = [&](Value v) -> Value {
                auto type = cast<FloatType>(v.getType());
                if (type == computeType)
                  return v;
                if (type.getWidth() < computeType.getIntOrFloatBitWidth())
                  return arith::ExtFOp::create(b, l, computeType, v);
                return arith::TruncFOp::create(b, l, computeType, v);
              };
              Value x = widen(args[0]), scale = widen(args[1]),
                    bias = widen(args[2]), mean = widen(args[3]),
                    var = widen(args[4]);
              Value eps = scalarConstant(b, l, computeType, epsilon);
              Value invStd = arith::DivFOp::create(
                  b, l, scalarConstant(b, l, computeType, 1.0),
                  math::SqrtOp::create(b, l,
                                       arith::AddFOp::create(b, l, var, eps)));
              Value centered = arith::SubFOp::create(b, l, x, mean);
              Value scaled = arith::MulFOp::create(
                  b, l, centered, arith::MulFOp::create(b, l, scale, invStd));
              Value y = arith::AddFOp::create(b, l, scaled, bias);
              if (y.getType() != type.getElementType())
                y = arith::TruncFOp::create(b, l, type.getElementType(), y);
              linalg::YieldOp::create(b, l, y);
            })
            .getResult(0);
    rewriter.replaceOp(op, {result, Value(), Value()});
    return success();
  }
};

} // namespace

void populateONNXNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormalizationLowering>(patterns.getContext());
}

} // namespace onnxc
