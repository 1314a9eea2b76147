//===- Norms.cpp - Instance/MVN/Lp normalization, LRN, Lp pools to linalg -===//
//
// The statistics are linalg.generic reductions that keep the reduced dims
// with size 1, so that an elementwise generic reads them back through
// broadcasting maps:
//   InstanceNormalization  per (n, c) over the spatial dims: mean and
//                          variance by the corrected two-pass algorithm
//                          (computeCenteredMoments); y = (x - mean) /
//                          sqrt(var + epsilon) * scale[c] + B[c].
//   GroupNormalization     the same per (n, group) over the group's
//                          channels and the spatial dims, then scale and
//                          bias per channel.
//   MeanVarianceNormalization  the same over `axes`, y = (x - mean) /
//                          (sqrt(var) + 1e-9) as in ONNX's function body.
//   LpNormalization        x / ||x||_p along one axis (0 where the norm is 0,
//                          as onnxruntime).
//   LRN                    a sum of squares over a window of channels: the
//                          input padded with zeros along C and read at
//                          c + k by a reduction over k.
//   LpPool / GlobalLpPool  (sum |x|^p)^(1/p) over windows (through
//                          linalg.pooling_nchw_sum on |x|^p padded with 0)
//                          or over all spatial dims.
// f16 and bf16 compute in f32 and are rounded once at the end.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

using ScalarFn = function_ref<Value(OpBuilder &, Location, Value)>;
using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Ranked float tensors, the only ones these ops take; any of their dims
/// may be known only at run time.
RankedTensorType getFloatType(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !isa<FloatType>(type.getElementType()))
    return nullptr;
  return type;
}

/// Static float tensors (LpPool's windows are resolved at compile time).
RankedTensorType getStaticFloatType(Value v) {
  RankedTensorType type = getFloatType(v);
  return type && type.hasStaticShape() ? type : nullptr;
}

/// The run-time sizes of `input`'s dynamic dims that are not `reduced`.
SmallVector<Value> keptDynamicSizes(OpBuilder &b, Location loc, Value input,
                                    ArrayRef<bool> reduced) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!reduced[d] && type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, input, d));
  return sizes;
}

/// Checks at run time that a per-channel operand [C] has x's C (dim 1).
void checkChannels(OpBuilder &b, Location loc, Operation *op, Value x,
                   Value perChannel, StringRef name) {
  auto type = cast<RankedTensorType>(x.getType());
  auto channelType = dyn_cast<RankedTensorType>(perChannel.getType());
  if (!channelType || channelType.getRank() != 1 ||
      (!type.isDynamicDim(1) && !channelType.isDynamicDim(0)))
    return;
  emitDimCheck(b, loc, op, tensor::getMixedSize(b, loc, perChannel, 0),
               tensor::getMixedSize(b, loc, x, 1),
               name + " has not as many values as the input has channels");
}

/// Sums `map(x)` (x widened to `accType`) over the dims of `input` marked in
/// `reduced`, which the result keeps with size 1.
Value sumKeepDims(OpBuilder &b, Location loc, Value input,
                  ArrayRef<bool> reduced, Type accType, ScalarFn map) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    shape.push_back(reduced[d] ? 1 : type.getDimSize(d));
    outExprs.push_back(reduced[d] ? getAffineConstantExpr(0, ctx)
                                  : getAffineDimExpr(d, ctx));
    iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
  }
  Value acc = zeroAccumulator(b, loc, shape, accType,
                              keptDynamicSizes(b, loc, input, reduced));
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  return linalg::GenericOp::create(
             b, loc, acc.getType(), input, acc, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value x = toComputeType(nb, nl, args[0], accType);
               if (map)
                 x = map(nb, nl, x);
               Value sum = arith::AddFOp::create(nb, nl, args[1], x);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

/// An elementwise generic producing `type` from `inputs`, each read through
/// its map in `maps` (over the result's dims); its dynamic sizes are those
/// of `like` (same rank, same dynamic dims).
Value elementwise(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange inputs, ArrayRef<AffineMap> maps, BodyFn body,
                  Value like) {
  int64_t rank = type.getRank();
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = emptyLike(b, loc, type, like);
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, allMaps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
             })
      .getResult(0);
}

/// The map reading `operand` (same rank, dims kept with size 1) with
/// broadcasting inside loops over `shape`.
AffineMap broadcastMap(Value operand, ArrayRef<int64_t> shape,
                       MLIRContext *ctx) {
  return getBroadcastMap(cast<RankedTensorType>(operand.getType()), shape, ctx);
}

/// The map reading a per-channel vector [C] inside loops over N, C, ....
AffineMap channelMap(int64_t rank, MLIRContext *ctx) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
}

Value constant(OpBuilder &b, Location loc, Type type, double value) {
  return scalarConstant(b, loc, type, value);
}

/// |x|^p for an integer p >= 1, by multiplication for the common p.
Value absPow(OpBuilder &b, Location loc, Value x, int64_t p) {
  if (p == 2)
    return arith::MulFOp::create(b, loc, x, x);
  Value magnitude = math::AbsFOp::create(b, loc, x);
  if (p == 1)
    return magnitude;
  return math::PowFOp::create(b, loc, magnitude,
                              constant(b, loc, x.getType(), p));
}

/// s^(1/p), the inverse of absPow on sums.
Value rootP(OpBuilder &b, Location loc, Value s, int64_t p) {
  if (p == 1)
    return s;
  if (p == 2)
    return math::SqrtOp::create(b, loc, s);
  return math::PowFOp::create(b, loc, s,
                              constant(b, loc, s.getType(), 1.0 / p));
}

/// The body of an instance/group normalization's elementwise generic over
/// (centered x, sum, sum of squares, scale, bias): (x - mean) /
/// sqrt(variance + epsilon) * scale + bias in `accType`, rounded to
/// `element`.
Value normalizeScaleShift(OpBuilder &b, Location l, ValueRange args,
                          const CenteredMoments &moments, Type accType,
                          double epsilon, Type element) {
  auto [offset, variance] = normalizationStats(b, l, args[1], args[2], moments);
  Value std = math::SqrtOp::create(
      b, l,
      arith::AddFOp::create(b, l, variance, constant(b, l, accType, epsilon)));
  Value y = arith::DivFOp::create(
      b, l, arith::SubFOp::create(b, l, args[0], offset), std);
  y = arith::MulFOp::create(b, l, y, toComputeType(b, l, args[3], accType));
  y = arith::AddFOp::create(b, l, y, toComputeType(b, l, args[4], accType));
  return fromComputeType(b, l, y, element);
}

struct InstanceNormalizationLowering
    : OpConversionPattern<InstanceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(InstanceNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    RankedTensorType type = getFloatType(x);
    if (!type || type.getRank() < 3)
      return rewriter.notifyMatchFailure(op, "float N x C x D...");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    Type accType = getComputeType(element);
    SmallVector<bool> reduced(rank, true);
    reduced[0] = reduced[1] = false;
    checkChannels(rewriter, loc, op, x, adaptor.getScale(), "scale");
    checkChannels(rewriter, loc, op, x, adaptor.getB(), "B");
    CenteredMoments moments =
        computeCenteredMoments(rewriter, loc, x, reduced, accType);
    AffineMap kept = broadcastMap(moments.sum, type.getShape(), ctx);
    double epsilon = op.getEpsilon().convertToDouble();
    Value result = elementwise(
        rewriter, loc, type,
        ValueRange{moments.centered, moments.sum, moments.sumSquares,
                   adaptor.getScale(), adaptor.getB()},
        {rewriter.getMultiDimIdentityMap(rank), kept, kept,
         channelMap(rank, ctx), channelMap(rank, ctx)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return normalizeScaleShift(b, l, args, moments, accType, epsilon,
                                     element);
        },
        x);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// GroupNormalization: X (N, C, D...) viewed as (N, G, C / G, D...), the
/// moments per (n, g) as InstanceNormalization's, then scale and bias per
/// channel (c = g * C / G + i; opset 18's per-group ones read at g).
struct GroupNormalizationLowering
    : OpConversionPattern<GroupNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GroupNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    RankedTensorType type = getFloatType(x);
    if (!type || type.getRank() < 3 || type.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "float N x C x D... with static C");
    auto scaleType = dyn_cast<RankedTensorType>(adaptor.getScale().getType());
    auto biasType = dyn_cast<RankedTensorType>(adaptor.getBias().getType());
    int64_t channels = type.getDimSize(1), groups = op.getNumGroups();
    if (groups < 1 || channels % groups)
      return rewriter.notifyMatchFailure(
          op, "num_groups must divide the channels");
    int64_t perGroup = channels / groups;
    auto length = [](RankedTensorType t) {
      return t && t.getRank() == 1 ? t.getDimSize(0) : ShapedType::kDynamic;
    };
    int64_t scaleLength = length(scaleType), biasLength = length(biasType);
    if ((scaleLength != channels && scaleLength != groups) ||
        biasLength != scaleLength)
      return rewriter.notifyMatchFailure(
          op, "scale and bias must both have C (or, opset 18, num_groups) "
              "static elements");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    Type accType = accumulatorType(rewriter, element);

    // (N, C, D...) -> (N, G, C / G, D...).
    SmallVector<int64_t> grouped{type.getDimSize(0), groups, perGroup};
    llvm::append_range(grouped, type.getShape().drop_front(2));
    SmallVector<ReassociationIndices> reassociation{{0}, {1, 2}};
    for (int64_t d = 3; d <= rank; ++d)
      reassociation.push_back({d});
    auto groupedType = RankedTensorType::get(grouped, element);
    SmallVector<OpFoldResult> groupedSizes{
        tensor::getMixedSize(rewriter, loc, x, 0), rewriter.getIndexAttr(groups),
        rewriter.getIndexAttr(perGroup)};
    for (int64_t d = 2; d < rank; ++d)
      groupedSizes.push_back(tensor::getMixedSize(rewriter, loc, x, d));
    Value view = tensor::ExpandShapeOp::create(rewriter, loc, groupedType, x,
                                               reassociation, groupedSizes);
    SmallVector<bool> reduced(rank + 1, true);
    reduced[0] = reduced[1] = false;
    CenteredMoments moments =
        computeCenteredMoments(rewriter, loc, view, reduced, accType);
    AffineMap kept = broadcastMap(moments.sum, grouped, ctx);
    AffineExpr d1 = getAffineDimExpr(1, ctx), d2 = getAffineDimExpr(2, ctx);
    AffineMap affine = AffineMap::get(
        rank + 1, 0, {scaleLength == channels ? d1 * perGroup + d2 : d1}, ctx);
    double epsilon = op.getEpsilon().convertToDouble();
    Value normalized = elementwise(
        rewriter, loc, groupedType,
        ValueRange{moments.centered, moments.sum, moments.sumSquares,
                   adaptor.getScale(), adaptor.getBias()},
        {rewriter.getMultiDimIdentityMap(rank + 1), kept, kept, affine, affine},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return normalizeScaleShift(b, l, args, moments, accType, epsilon,
                                     element);
        },
        view);
    rewriter.replaceOp(op, tensor::CollapseShapeOp::create(
                               rewriter, loc, type, normalized, reassociation)
                               .getResult());
    return success();
  }
};

struct MeanVarianceNormalizationLowering
    : OpConversionPattern<MeanVarianceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MeanVarianceNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    RankedTensorType type = getFloatType(x);
    if (!type)
      return rewriter.notifyMatchFailure(op, "float input");
    int64_t rank = type.getRank();
    SmallVector<bool> reduced(rank, false);
    for (int64_t axis : op.getAxes()) {
      int64_t a = axis < 0 ? axis + rank : axis;
      if (a < 0 || a >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      reduced[a] = true;
    }
    Location loc = op.getLoc();
    Type element = type.getElementType();
    Type accType = getComputeType(element);
    CenteredMoments moments =
        computeCenteredMoments(rewriter, loc, x, reduced, accType);
    AffineMap kept =
        broadcastMap(moments.sum, type.getShape(), rewriter.getContext());
    Value result = elementwise(
        rewriter, loc, type,
        ValueRange{moments.centered, moments.sum, moments.sumSquares},
        {rewriter.getMultiDimIdentityMap(rank), kept, kept},
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto [offset, variance] =
              normalizationStats(b, l, args[1], args[2], moments);
          Value std =
              arith::AddFOp::create(b, l, math::SqrtOp::create(b, l, variance),
                                    constant(b, l, accType, 1e-9));
          Value y = arith::DivFOp::create(
              b, l, arith::SubFOp::create(b, l, args[0], offset), std);
          return fromComputeType(b, l, y, element);
        },
        x);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LpNormalizationLowering : OpConversionPattern<LpNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LpNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    RankedTensorType type = getFloatType(x);
    int64_t p = op.getP();
    if (!type || type.getRank() == 0 || (p != 1 && p != 2))
      return rewriter.notifyMatchFailure(op, "float input, p 1 or 2");
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    Type element = type.getElementType();
    Type accType = getComputeType(element);
    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    Value powers = sumKeepDims(
        rewriter, loc, x, reduced, accType,
        [&](OpBuilder &b, Location l, Value v) { return absPow(b, l, v, p); });
    Value result = elementwise(
        rewriter, loc, type, ValueRange{x, powers},
        {rewriter.getMultiDimIdentityMap(rank),
         broadcastMap(powers, type.getShape(), rewriter.getContext())},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value norm = rootP(b, l, args[1], p);
          Value zero = constant(b, l, accType, 0.0);
          Value isZero = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                               norm, zero);
          Value y = arith::DivFOp::create(
              b, l, toComputeType(b, l, args[0], accType), norm);
          y = arith::SelectOp::create(b, l, isZero, zero, y);
          return fromComputeType(b, l, y, element);
        },
        x);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// LRN: y = x / (bias + alpha / size * sum of x^2 over the channels
/// [c - floor((size-1)/2), c + ceil((size-1)/2)])^beta.
struct LRNLowering : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    RankedTensorType type = getFloatType(x);
    int64_t size = op.getSize();
    if (!type || type.getRank() < 2 || size < 1)
      return rewriter.notifyMatchFailure(op, "float N x C x ...");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    Type accType = getComputeType(element);

    int64_t before = (size - 1) / 2, after = size - 1 - before;
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> high(rank, rewriter.getIndexAttr(0));
    low[1] = rewriter.getIndexAttr(before);
    high[1] = rewriter.getIndexAttr(after);
    SmallVector<int64_t> paddedShape(type.getShape());
    if (!type.isDynamicDim(1))
      paddedShape[1] += size - 1;
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(paddedShape, element), x, low,
        high, constant(rewriter, loc, element, 0.0));

    // Loops: the output's dims, then k over the window; padded[c + k]. An
    // empty tensor of the window's size gives the k loop its bound, as the
    // kernel operand of the pooling ops does.
    SmallVector<AffineExpr> windowExprs, outExprs;
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr dim = getAffineDimExpr(d, ctx);
      windowExprs.push_back(d == 1 ? dim + getAffineDimExpr(rank, ctx) : dim);
      outExprs.push_back(dim);
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, windowExprs, ctx),
        AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank, ctx)}, ctx),
        AffineMap::get(rank + 1, 0, outExprs, ctx)};
    Value window = tensor::EmptyOp::create(rewriter, loc, {size}, accType);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value acc = zeroAccumulator(
        rewriter, loc, type.getShape(), accType,
        keptDynamicSizes(rewriter, loc, x, SmallVector<bool>(rank, false)));
    Value squares = linalg::GenericOp::create(
                        rewriter, loc, acc.getType(),
                        ValueRange{padded, window}, acc, maps, iterators,
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          Value v = toComputeType(b, l, args[0], accType);
                          Value sum = arith::AddFOp::create(
                              b, l, args[2], arith::MulFOp::create(b, l, v, v));
                          linalg::YieldOp::create(b, l, sum);
                        })
                        .getResult(0);

    double alphaOverSize = op.getAlpha().convertToDouble() / size;
    double bias = op.getBias().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value result = elementwise(
        rewriter, loc, type, ValueRange{x, squares},
        {rewriter.getMultiDimIdentityMap(rank),
         rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value scale = arith::AddFOp::create(
              b, l, constant(b, l, accType, bias),
              arith::MulFOp::create(
                  b, l, constant(b, l, accType, alphaOverSize), args[1]));
          Value factor =
              math::PowFOp::create(b, l, scale, constant(b, l, accType, -beta));
          Value y = arith::MulFOp::create(
              b, l, toComputeType(b, l, args[0], accType), factor);
          return fromComputeType(b, l, y, element);
        },
        x);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// GlobalLpPool: (sum over the spatial dims of |x|^p)^(1/p).
struct GlobalLpPoolLowering : OpConversionPattern<GlobalLpPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalLpPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    RankedTensorType type = getFloatType(x);
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    int64_t p = op.getP();
    if (!type || !resultType || type.getRank() < 3 || p < 1 ||
        resultType.isDynamicDim(0) != type.isDynamicDim(0) ||
        resultType.isDynamicDim(1) != type.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "float N x C x D...");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    Type accType = getComputeType(element);
    SmallVector<bool> reduced(rank, true);
    reduced[0] = reduced[1] = false;
    Value powers = sumKeepDims(
        rewriter, loc, x, reduced, accType,
        [&](OpBuilder &b, Location l, Value v) { return absPow(b, l, v, p); });
    Value result = elementwise(rewriter, loc, resultType, powers,
                               {rewriter.getMultiDimIdentityMap(rank)},
                               [&](OpBuilder &b, Location l, ValueRange args) {
                                 return fromComputeType(
                                     b, l, rootP(b, l, args[0], p), element);
                               },
                               powers);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// LpPool over 1-D or 2-D windows: |x|^p padded with zeros, summed by
/// linalg.pooling_nchw_sum (1-D over a unit height), then ^(1/p).
struct LpPoolLowering : OpConversionPattern<LpPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LpPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    RankedTensorType type = getStaticFloatType(x);
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    int64_t p = op.getP();
    // Sizes known only at run time: |x|^p summed by the pools' run-time
    // windows (Conv.cpp).
    RankedTensorType anyType = getFloatType(x);
    if (anyType && resultType && p >= 1 &&
        (!anyType.hasStaticShape() || !resultType.hasStaticShape()) &&
        anyType.getRank() == resultType.getRank()) {
      Location loc = op.getLoc();
      Type element = anyType.getElementType();
      Type accType = getComputeType(element);
      int64_t rank = anyType.getRank();
      auto accFull = RankedTensorType::get(anyType.getShape(), accType);
      Value powers = elementwise(
          rewriter, loc, accFull, x, {rewriter.getMultiDimIdentityMap(rank)},
          [&](OpBuilder &b, Location l, ValueRange args) {
            return absPow(b, l, toComputeType(b, l, args[0], accType), p);
          },
          x);
      std::string reason;
      FailureOr<Value> sums = buildDynamicSumPool(
          rewriter, op, powers,
          RankedTensorType::get(resultType.getShape(), accType), reason);
      if (failed(sums))
        return rewriter.notifyMatchFailure(op, reason);
      Value result = elementwise(rewriter, loc, resultType, *sums,
                                 {rewriter.getMultiDimIdentityMap(rank)},
                                 [&](OpBuilder &b, Location l, ValueRange args) {
                                   return fromComputeType(
                                       b, l, rootP(b, l, args[0], p), element);
                                 },
                                 *sums);
      rewriter.replaceOp(op, result);
      return success();
    }
    if (!type || !resultType || !resultType.hasStaticShape() || p < 1 ||
        (type.getRank() != 3 && type.getRank() != 4))
      return rewriter.notifyMatchFailure(op, "float 1-D/2-D pools");
    int64_t n = type.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape();
    auto orDefault = [&](std::optional<ArrayRef<int64_t>> attr, int64_t size,
                         int64_t value) {
      return attr ? SmallVector<int64_t>(*attr)
                  : SmallVector<int64_t>(size, value);
    };
    SmallVector<int64_t> strides = orDefault(op.getStrides(), n, 1);
    SmallVector<int64_t> dilations = orDefault(op.getDilations(), n, 1);
    SmallVector<int64_t> pads = orDefault(op.getPads(), 2 * n, 0);
    if (static_cast<int64_t>(kernel.size()) != n ||
        static_cast<int64_t>(strides.size()) != n ||
        static_cast<int64_t>(dilations.size()) != n ||
        static_cast<int64_t>(pads.size()) != 2 * n)
      return rewriter.notifyMatchFailure(op, "window attributes");
    StringRef autoPad = op.getAutoPad();
    ArrayRef<int64_t> inSpatial = type.getShape().drop_front(2);
    ArrayRef<int64_t> outSpatial = resultType.getShape().drop_front(2);
    for (int64_t i = 0; i < n; ++i) {
      int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
      if (autoPad == "VALID") {
        pads[i] = pads[i + n] = 0;
      } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        int64_t total = std::max<int64_t>(0, (outSpatial[i] - 1) * strides[i] +
                                                 extent - inSpatial[i]);
        int64_t small = total / 2, large = total - small;
        pads[i] = autoPad == "SAME_UPPER" ? small : large;
        pads[i + n] = autoPad == "SAME_UPPER" ? large : small;
      }
      // ceil_mode windows may end past the padding: pad them with zeros too.
      int64_t needed = (outSpatial[i] - 1) * strides[i] + extent;
      int64_t have = inSpatial[i] + pads[i] + pads[i + n];
      if (needed > have)
        pads[i + n] += needed - have;
    }

    Location loc = op.getLoc();
    Type element = type.getElementType();
    Type accType = getComputeType(element);
    int64_t rank = type.getRank();
    auto accFull = RankedTensorType::get(type.getShape(), accType);
    Value powers = elementwise(
        rewriter, loc, accFull, x, {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return absPow(b, l, toComputeType(b, l, args[0], accType), p);
        },
        x);
    SmallVector<int64_t> outShape(resultType.getShape());
    SmallVector<int64_t> kernel2(kernel);
    if (n == 1) {
      // A unit height: kernel 1, stride 1, no padding.
      auto withUnitHeight = [](RankedTensorType t) {
        SmallVector<int64_t> shape(t.getShape());
        shape.insert(shape.begin() + 2, 1);
        return RankedTensorType::get(shape, t.getElementType());
      };
      powers = tensor::ExpandShapeOp::create(
          rewriter, loc, withUnitHeight(accFull), powers,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      outShape.insert(outShape.begin() + 2, 1);
      kernel2.insert(kernel2.begin(), 1);
      strides.insert(strides.begin(), 1);
      dilations.insert(dilations.begin(), 1);
      pads = {0, pads[0], 0, pads[1]};
    }
    Value padded = padSpatial(rewriter, loc, powers, pads,
                              constant(rewriter, loc, accType, 0.0));
    Value acc = zeroAccumulator(rewriter, loc, outShape, accType, {});
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel2, accType);
    Value sums =
        linalg::PoolingNchwSumOp::create(
            rewriter, loc, TypeRange{RankedTensorType::get(outShape, accType)},
            ValueRange{padded, window}, ValueRange{acc},
            rewriter.getI64TensorAttr(strides),
            rewriter.getI64TensorAttr(dilations))
            .getResult(0);
    if (n == 1)
      sums = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(resultType.getShape(), accType),
          sums, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    Value result = elementwise(rewriter, loc, resultType, sums,
                               {rewriter.getMultiDimIdentityMap(rank)},
                               [&](OpBuilder &b, Location l, ValueRange args) {
                                 return fromComputeType(
                                     b, l, rootP(b, l, args[0], p), element);
                               },
                               sums);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXNormsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<InstanceNormalizationLowering, GroupNormalizationLowering,
               MeanVarianceNormalizationLowering,
               LpNormalizationLowering, LRNLowering, GlobalLpPoolLowering,
               LpPoolLowering>(patterns.getContext());
}

} // namespace onnxc
