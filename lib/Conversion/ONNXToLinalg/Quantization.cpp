//===- Quantization.cpp - Linear quantization ops to linalg ---------------===//
//
//   QuantizeLinear         y = saturate(round_half_even(x / scale) + zp)
//   DequantizeLinear       y = (x - zp) * scale
//   DynamicQuantizeLinear  uint8 with scale = (max(x, 0) - min(x, 0)) / 255
//                          and zp = round(clamp(-min / scale, 0, 255)), as
//                          ONNX defines them; the range is one reduction
//   MatMulInteger          (A - a_zp) x (B - b_zp) in int32
//   QLinearMatMul          MatMulInteger's int32 product requantized:
//                          saturate(round(acc * (a_scale * b_scale /
//                          y_scale)) + y_zp)
//
// Scales and zero points are read with tensor.extract at indices following
// their form (ParamAccess): per tensor (a scalar or 1-element tensor, read
// at 0), per axis (a 1-D tensor along `axis`), blocked (x's rank, `axis`
// read at index / block_size), or broadcast as numpy does; a dim known only
// at run time may be 1 or the full extent (checked at run time).
// Integer products are exact: operands are widened to int32 after their zero
// points are subtracted, and the int32 matrix product is an onnx.MatMul that
// the MatMul lowering (and its tiling and vectorization) takes over.
// QLinearMatMul requantizes in f64, as the ONNX reference does (an int32
// times the f32 multiplier); the multiplier is computed in the scales' type.
// Float to integer conversions saturate (NaN goes to the lowest value):
// never an out-of-range conversion.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"
#include "IndexingUtils.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// How a generic over a loop space reads a scale or zero point: param dim p
/// follows loop dim loopDims[p] (divided by blockSize for blockDim), or is
/// read at 0 where loopDims[p] is -1. A dim that is 1 is read at 0 (per
/// tensor, or broadcast); one known only at run time is read at 0 when it
/// is 1 at run time and must otherwise equal the loop dim's extent (checked
/// at run time), so that a 1-element or a full scale both work whatever
/// forced-dynamic shapes say.
struct ParamAccess {
  Value tensor;
  SmallVector<int64_t> loopDims;
  int64_t blockDim = -1;
  int64_t blockSize = 0;
  SmallVector<Value> lengths; // the param's run-time dims (null if static)

  /// The element of `tensor` for the current iteration of the enclosing
  /// linalg op.
  Value read(OpBuilder &b, Location l) const {
    auto type = cast<RankedTensorType>(tensor.getType());
    SmallVector<Value> indices;
    Value zero = arith::ConstantIndexOp::create(b, l, 0);
    for (int64_t p = 0; p < type.getRank(); ++p) {
      int64_t d = loopDims[p];
      if (d < 0 || type.getDimSize(p) == 1) {
        indices.push_back(zero);
        continue;
      }
      Value i = linalg::IndexOp::create(b, l, d);
      if (d == blockDim)
        i = arith::DivUIOp::create(
            b, l, i, arith::ConstantIndexOp::create(b, l, blockSize));
      if (type.isDynamicDim(p)) {
        Value one = arith::CmpIOp::create(
            b, l, arith::CmpIPredicate::eq, lengths[p],
            arith::ConstantIndexOp::create(b, l, 1));
        i = arith::SelectOp::create(b, l, one, zero, i);
      }
      indices.push_back(i);
    }
    return tensor::ExtractOp::create(b, l, tensor, indices);
  }
};

/// A ParamAccess for `param` (a ranked tensor) inside loops over `space`;
/// emits the run-time checks of the param's run-time dims. `what` names the
/// param in the checks' messages.
ParamAccess makeParamAccess(OpBuilder &b, Location loc, Operation *op,
                            Value param, Value space,
                            ArrayRef<int64_t> loopDims, int64_t blockDim,
                            int64_t blockSize, StringRef what) {
  ParamAccess access;
  access.tensor = param;
  access.loopDims.assign(loopDims.begin(), loopDims.end());
  access.blockDim = blockDim;
  access.blockSize = blockSize;
  auto type = cast<RankedTensorType>(param.getType());
  for (int64_t p = 0; p < type.getRank(); ++p) {
    int64_t d = loopDims[p];
    if (d < 0 || !type.isDynamicDim(p)) {
      access.lengths.push_back(Value());
      continue;
    }
    Value length = tensor::DimOp::create(b, loc, param, p);
    access.lengths.push_back(length);
    Value extent = tensor::DimOp::create(b, loc, space, d);
    if (d == blockDim)
      extent = arith::CeilDivUIOp::create(
          b, loc, extent, arith::ConstantIndexOp::create(b, loc, blockSize));
    Value ok = arith::OrIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, length,
                              arith::ConstantIndexOp::create(b, loc, 1)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, length, extent));
    emitCheck(b, loc, op, ok,
              what + " dim " + Twine(p) + " is neither 1 nor the size it scales");
  }
  return access;
}

/// The loop dims a QuantizeLinear/DequantizeLinear scale of `paramType`
/// follows in loops over x of rank `rank`: none (per tensor), `axis` (per
/// axis) or every dim (blocked).
SmallVector<int64_t> quantizationParamDims(RankedTensorType paramType,
                                           int64_t rank, int64_t axis,
                                           int64_t blockSize) {
  if (blockSize > 0) {
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(d);
    return dims;
  }
  if (paramType.getRank() == 0)
    return {};
  return {rank == 0 ? -1 : axis};
}

/// The loop dims a param broadcast as numpy does follows: trailing dims
/// align. `rowwise` makes a 1-D param follow dim rank - 2 (a per-row zero
/// point or scale of a matrix product).
SmallVector<int64_t> broadcastParamDims(RankedTensorType paramType,
                                        int64_t rank, bool rowwise) {
  int64_t pRank = paramType.getRank();
  if (rowwise && pRank == 1 && rank >= 2)
    return {rank - 2};
  SmallVector<int64_t> dims;
  for (int64_t p = 0; p < pRank; ++p) {
    int64_t d = p + rank - pRank;
    dims.push_back(d >= 0 ? d : -1);
  }
  return dims;
}

/// A scalar of tensor element type `element` (as the generic's block gives
/// it) as the float `to`: integers signed or unsigned as their type says.
Value elementToFloat(OpBuilder &b, Location l, Value v, Type element,
                     FloatType to) {
  if (auto f = dyn_cast<FloatType>(element)) {
    if (f == to)
      return v;
    return f.getWidth() < to.getWidth()
               ? Value(arith::ExtFOp::create(b, l, to, v))
               : Value(arith::TruncFOp::create(b, l, to, v));
  }
  Value i = toComputeType(b, l, v, getComputeType(element));
  if (element.isUnsignedInteger())
    return arith::UIToFPOp::create(b, l, to, i);
  return arith::SIToFPOp::create(b, l, to, i);
}

/// A scalar of integer tensor element type `element` widened to i64.
Value elementToI64(OpBuilder &b, Location l, Value v, Type element) {
  Value i = toComputeType(b, l, v, getComputeType(element));
  Type i64 = b.getI64Type();
  if (i.getType() == i64)
    return i;
  if (element.isUnsignedInteger())
    return arith::ExtUIOp::create(b, l, i64, i);
  return arith::ExtSIOp::create(b, l, i64, i);
}

/// The integer `element` nearest the float `f` (already rounded): clamped to
/// the type's range (NaN to its lowest value), then converted.
Value saturateToInteger(OpBuilder &b, Location l, Value f, Type element) {
  auto type = cast<FloatType>(f.getType());
  unsigned width = element.getIntOrFloatBitWidth();
  bool isUnsigned = element.isUnsignedInteger();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  Value clamped = arith::MinNumFOp::create(
      b, l,
      arith::MaxNumFOp::create(b, l, f, scalarConstant(b, l, type, lo)),
      scalarConstant(b, l, type, hi));
  Type signless = b.getIntegerType(width);
  Value i = isUnsigned ? Value(arith::FPToUIOp::create(b, l, signless, clamped))
                       : Value(arith::FPToSIOp::create(b, l, signless, clamped));
  return fromComputeType(b, l, i, element);
}

/// The float type quantization arithmetic runs in for values of `element`:
/// f32 for f16/bf16/f32 and int32 inputs' f64.
FloatType quantizationComputeType(OpBuilder &b, Type element) {
  if (isa<FloatType>(element))
    return b.getF32Type();
  return b.getF64Type();
}

/// Dynamic sizes of `v`'s type, read from `v`.
SmallVector<Value> dynamicSizes(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(v.getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, v, d));
  return sizes;
}

/// The normalized axis of a quantization op, 0 for a rank-0 x.
int64_t normalizedAxis(int64_t axis, int64_t rank) {
  if (rank == 0)
    return 0;
  return axis < 0 ? axis + rank : axis;
}

/// How a QuantizeLinear/DequantizeLinear body reads its scale and its
/// optional zero point.
struct QuantizationParams {
  ParamAccess scale;
  std::optional<ParamAccess> zeroPoint;
};

/// The reads of `scale` and `zp` (none or a tensor of the scale's shape) in
/// loops over `x`, for an op's `axis` and `block_size`; emits the run-time
/// checks of their run-time dims. Fails for unranked operands.
FailureOr<QuantizationParams>
getQuantizationParams(OpBuilder &b, Operation *op, Value x, Value scale,
                      Value zp, int64_t axis, int64_t blockSize,
                      StringRef scaleName, StringRef zpName) {
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto scaleType = dyn_cast<RankedTensorType>(scale.getType());
  bool hasZp = !isNone(zp);
  if (!xType || !scaleType || (hasZp && !isa<RankedTensorType>(zp.getType())))
    return failure();
  int64_t rank = xType.getRank();
  axis = normalizedAxis(axis, rank);
  SmallVector<int64_t> dims =
      quantizationParamDims(scaleType, rank, axis, blockSize);
  int64_t blockDim = blockSize > 0 ? axis : -1;
  Location loc = op->getLoc();
  QuantizationParams params{
      makeParamAccess(b, loc, op, scale, x, dims, blockDim, blockSize,
                      scaleName),
      std::nullopt};
  if (hasZp)
    params.zeroPoint = makeParamAccess(b, loc, op, zp, x, dims, blockDim,
                                       blockSize, zpName);
  return params;
}

struct QuantizeLinearLowering : OpConversionPattern<QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX(), scale = adaptor.getYScale(),
          zp = adaptor.getYZeroPoint();
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unranked result");
    FailureOr<QuantizationParams> params = getQuantizationParams(
        rewriter, op, x, scale, zp, op.getAxis(), op.getBlockSize(), "y_scale",
        "y_zero_point");
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    auto xType = cast<RankedTensorType>(x.getType());
    auto scaleType = cast<RankedTensorType>(scale.getType());
    Location loc = op.getLoc();
    int64_t rank = xType.getRank();
    FloatType compute = quantizationComputeType(rewriter, xType.getElementType());
    const ParamAccess &scaleAccess = params->scale;
    const std::optional<ParamAccess> &zpAccess = params->zeroPoint;
    bool hasZp = zpAccess.has_value();
    Type element = resultType.getElementType();
    Type xElement = xType.getElementType();
    Type scaleElement = scaleType.getElementType();
    Type zpElement = hasZp ? getElementTypeOrSelf(zp.getType()) : Type();
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, x, {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value xf = elementToFloat(b, l, args[0], xElement, compute);
          Value sf = elementToFloat(b, l, scaleAccess.read(b, l), scaleElement,
                                    compute);
          Value q = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, xf, sf));
          if (zpAccess)
            q = arith::AddFOp::create(
                b, l, q,
                elementToFloat(b, l, zpAccess->read(b, l), zpElement, compute));
          return saturateToInteger(b, l, q, element);
        },
        dynamicSizes(rewriter, loc, x));
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLinearLowering : OpConversionPattern<DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX(), scale = adaptor.getXScale(),
          zp = adaptor.getXZeroPoint();
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unranked result");
    FailureOr<QuantizationParams> params = getQuantizationParams(
        rewriter, op, x, scale, zp, op.getAxis(), op.getBlockSize(), "x_scale",
        "x_zero_point");
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    auto xType = cast<RankedTensorType>(x.getType());
    Location loc = op.getLoc();
    int64_t rank = xType.getRank();
    const ParamAccess &scaleAccess = params->scale;
    const std::optional<ParamAccess> &zpAccess = params->zeroPoint;
    bool hasZp = zpAccess.has_value();
    Type element = resultType.getElementType();
    Type xElement = xType.getElementType();
    Type zpElement = hasZp ? getElementTypeOrSelf(zp.getType()) : Type();
    auto compute = cast<FloatType>(accumulatorType(rewriter, element));
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, x, {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          // x - zp is exact in i64 whatever the integer types.
          Value diff = elementToI64(b, l, args[0], xElement);
          if (zpAccess)
            diff = arith::SubIOp::create(
                b, l, diff, elementToI64(b, l, zpAccess->read(b, l), zpElement));
          Value f = arith::SIToFPOp::create(b, l, compute, diff);
          Value y = arith::MulFOp::create(
              b, l, f, toComputeType(b, l, scaleAccess.read(b, l), compute));
          return fromComputeType(b, l, y, element);
        },
        dynamicSizes(rewriter, loc, x));
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DynamicQuantizeLinearLowering
    : OpConversionPattern<DynamicQuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto yType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!xType || !yType || !xType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "ranked f32 input expected");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = xType.getRank();
    FloatType f32 = rewriter.getF32Type();
    Type u8 = yType.getElementType();
    auto scalarF32 = RankedTensorType::get({}, f32);
    double inf = std::numeric_limits<double>::infinity();

    // min(x) and max(x) in one reduction; min(., 0) and max(., 0) below
    // make the range hold 0.
    auto fill = [&](double value) {
      return filledTensor(rewriter, loc, scalarF32,
                          rewriter.getF32FloatAttr(value));
    };
    AffineMap toScalar = AffineMap::get(rank, 0, {}, ctx);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    auto range = linalg::GenericOp::create(
        rewriter, loc, TypeRange{scalarF32, scalarF32}, ValueRange{x},
        ValueRange{fill(inf), fill(-inf)},
        SmallVector<AffineMap>{identity, toScalar, toScalar},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::MinimumFOp::create(b, l, args[1], args[0]),
                         arith::MaximumFOp::create(b, l, args[2], args[0])});
        });

    // scale and zero point as 0-d tensors, computed by 0-d generics so that
    // they stay on the device of a GPU target.
    AffineMap scalarMap = AffineMap::get(0, 0, {}, ctx);
    auto scaleOf = [&](OpBuilder &b, Location l, Value lo, Value hi) -> Value {
      Value zero = scalarConstant(b, l, f32, 0.0);
      lo = arith::MinimumFOp::create(b, l, lo, zero);
      hi = arith::MaximumFOp::create(b, l, hi, zero);
      return arith::DivFOp::create(b, l, arith::SubFOp::create(b, l, hi, lo),
                                   scalarConstant(b, l, f32, 255.0));
    };
    Value scale = buildParallelGeneric(
        rewriter, loc, scalarF32, range.getResults(), {scalarMap, scalarMap},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return scaleOf(b, l, args[0], args[1]);
        });
    Value zeroPointF = buildParallelGeneric(
        rewriter, loc, scalarF32, ValueRange{range.getResult(0), scale},
        {scalarMap, scalarMap},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value lo = arith::MinimumFOp::create(b, l, args[0],
                                               scalarConstant(b, l, f32, 0.0));
          Value zp = arith::SubFOp::create(
              b, l, scalarConstant(b, l, f32, 0.0),
              arith::DivFOp::create(b, l, lo, args[1]));
          // NaN (an all-zero x: 0 / 0) clamps to 0.
          zp = arith::MinNumFOp::create(
              b, l,
              arith::MaxNumFOp::create(b, l, zp, scalarConstant(b, l, f32, 0.0)),
              scalarConstant(b, l, f32, 255.0));
          return math::RoundEvenOp::create(b, l, zp);
        });
    Value zeroPoint = buildParallelGeneric(
        rewriter, loc, RankedTensorType::get({}, u8), zeroPointF, {scalarMap},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return saturateToInteger(b, l, args[0], u8);
        });
    AffineMap readScalar = AffineMap::get(rank, 0, {}, ctx);
    Value y = buildParallelGeneric(
        rewriter, loc, yType, ValueRange{x, scale, zeroPointF},
        {identity, readScalar, readScalar},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value q = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, args[0], args[1]));
          return saturateToInteger(b, l, arith::AddFOp::create(b, l, q, args[2]),
                                   u8);
        },
        dynamicSizes(rewriter, loc, x));
    rewriter.replaceOp(op, {y, scale, zeroPoint});
    return success();
  }
};

/// `v` (int8/uint8) minus its zero point `zp` (none, or a tensor broadcast
/// against `v`; `rowwise` reads a 1-D zp along v's rows, dim rank - 2, as
/// MatMulInteger's per-row a_zero_point) as an int32 tensor.
Value shiftedToI32(OpBuilder &b, Location loc, Operation *op, Value v,
                   Value zp, bool rowwise, StringRef what) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  Type i32 = b.getI32Type();
  Type element = type.getElementType();
  std::optional<ParamAccess> zpAccess;
  Type zpElement;
  if (zp && !isNone(zp)) {
    auto zpType = cast<RankedTensorType>(zp.getType());
    zpElement = zpType.getElementType();
    zpAccess = makeParamAccess(b, loc, op, zp, v,
                               broadcastParamDims(zpType, rank, rowwise), -1, 0,
                               what);
  }
  return buildParallelGeneric(
      b, loc, RankedTensorType::get(type.getShape(), i32), v,
      {b.getMultiDimIdentityMap(rank)},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto widen = [&](Value x, Type t) -> Value {
          Value i = toComputeType(nb, l, x, getComputeType(t));
          return t.isUnsignedInteger()
                     ? Value(arith::ExtUIOp::create(nb, l, i32, i))
                     : Value(arith::ExtSIOp::create(nb, l, i32, i));
        };
        Value x = widen(args[0], element);
        if (zpAccess)
          x = arith::SubIOp::create(nb, l, x,
                                    widen(zpAccess->read(nb, l), zpElement));
        return x;
      },
      dynamicSizes(b, loc, v));
}

/// The int32 product (A - a_zp) x (B - b_zp) of `type`, as an onnx.MatMul
/// that the MatMul lowering lowers in turn.
Value integerMatMul(OpBuilder &b, Location loc, Operation *op, Value a,
                    Value aZp, Value bv, Value bZp, RankedTensorType type) {
  Value a32 = shiftedToI32(b, loc, op, a, aZp, /*rowwise=*/true, "a_zero_point");
  Value b32 =
      shiftedToI32(b, loc, op, bv, bZp, /*rowwise=*/false, "b_zero_point");
  return MatMulOp::create(b, loc, type, a32, b32).getResult();
}

struct MatMulIntegerLowering : OpConversionPattern<MatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!resultType || !isa<RankedTensorType>(adaptor.getA().getType()) ||
        !isa<RankedTensorType>(adaptor.getB().getType()))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    rewriter.replaceOp(
        op, integerMatMul(rewriter, op.getLoc(), op, adaptor.getA(),
                          adaptor.getAZeroPoint(), adaptor.getB(),
                          adaptor.getBZeroPoint(), resultType));
    return success();
  }
};

struct QLinearMatMulLowering : OpConversionPattern<QLinearMatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QLinearMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    auto aType = dyn_cast<RankedTensorType>(adaptor.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(adaptor.getB().getType());
    if (!resultType || !aType || !bType)
      return rewriter.notifyMatchFailure(op, "unranked operands");
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    auto accType = RankedTensorType::get(resultType.getShape(),
                                         rewriter.getI32Type());
    Value acc = integerMatMul(rewriter, loc, op, adaptor.getA(),
                              adaptor.getAZeroPoint(), adaptor.getB(),
                              adaptor.getBZeroPoint(), accType);
    // a_scale per row (1-D of M, read along the result's rows unless A is a
    // vector), b_scale per column (along the last dim), y's per tensor.
    auto access = [&](Value v, bool rowwise, StringRef what) {
      auto type = cast<RankedTensorType>(v.getType());
      return makeParamAccess(
          rewriter, loc, op, v, acc,
          broadcastParamDims(type, rank, rowwise && aType.getRank() >= 2), -1,
          0, what);
    };
    Value aScale = adaptor.getAScale(), bScale = adaptor.getBScale(),
          yScale = adaptor.getYScale(), yZp = adaptor.getYZeroPoint();
    ParamAccess aScaleAccess = access(aScale, true, "a_scale");
    ParamAccess bScaleAccess = access(bScale, false, "b_scale");
    ParamAccess yScaleAccess = access(yScale, false, "y_scale");
    ParamAccess yZpAccess = access(yZp, false, "y_zero_point");
    Type scaleElement = getElementTypeOrSelf(aScale.getType());
    auto scaleCompute = cast<FloatType>(accumulatorType(rewriter, scaleElement));
    Type yZpElement = getElementTypeOrSelf(yZp.getType());
    Type element = resultType.getElementType();
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, acc, {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          // The multiplier rounds to the scales' type after each operation,
          // as computing in that type does.
          auto inScaleType = [&](Value v) {
            return fromComputeType(b, l, v, scaleElement);
          };
          auto wide = [&](Value v) { return toComputeType(b, l, v, scaleCompute); };
          Value ab = inScaleType(arith::MulFOp::create(
              b, l, wide(aScaleAccess.read(b, l)), wide(bScaleAccess.read(b, l))));
          Value m = inScaleType(arith::DivFOp::create(
              b, l, wide(ab), wide(yScaleAccess.read(b, l))));
          FloatType f64 = b.getF64Type();
          Value d = arith::MulFOp::create(
              b, l, arith::SIToFPOp::create(b, l, f64, args[0]),
              elementToFloat(b, l, m, scaleElement, f64));
          d = arith::AddFOp::create(
              b, l, d,
              elementToFloat(b, l, yZpAccess.read(b, l), yZpElement, f64));
          return saturateToInteger(b, l, math::RoundEvenOp::create(b, l, d),
                                   element);
        },
        dynamicSizes(rewriter, loc, acc));
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXQuantizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               DynamicQuantizeLinearLowering, MatMulIntegerLowering,
               QLinearMatMulLowering>(patterns.getContext());
}

} // namespace onnxc::linalg_lowering
