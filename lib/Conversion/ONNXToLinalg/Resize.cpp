//===- Resize.cpp - Resize to linalg --------------------------------------===//
//
// Resize in nearest and linear mode is one linalg.generic over the output
// that gathers from the input with tensor.extract. Along each resized
// dimension the output index maps to an input coordinate in f32 exactly as
// onnxruntime computes it (coordinate_transformation_mode); nearest rounds
// that coordinate (nearest_mode) and clamps it into the input, linear clamps
// it, reads the two neighbours and weights them by their distances, over
// every resized dimension at once (bilinear for NCHW images). A dimension
// whose scale is 1 reads the same index, as in onnxruntime. Integers
// interpolate in f32 and truncate toward zero, as onnxruntime does. Scales
// and sizes must be constants and shapes static.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

enum class CoordinateMode {
  HalfPixel,
  HalfPixelSymmetric,
  PytorchHalfPixel,
  AlignCorners,
  Asymmetric,
  TfHalfPixelForNN,
};

enum class NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

std::optional<CoordinateMode> parseCoordinateMode(StringRef name) {
  return llvm::StringSwitch<std::optional<CoordinateMode>>(name)
      .Case("half_pixel", CoordinateMode::HalfPixel)
      .Case("half_pixel_symmetric", CoordinateMode::HalfPixelSymmetric)
      .Case("pytorch_half_pixel", CoordinateMode::PytorchHalfPixel)
      .Case("align_corners", CoordinateMode::AlignCorners)
      .Case("asymmetric", CoordinateMode::Asymmetric)
      .Case("tf_half_pixel_for_nn", CoordinateMode::TfHalfPixelForNN)
      .Default(std::nullopt);
}

std::optional<NearestMode> parseNearestMode(StringRef name) {
  return llvm::StringSwitch<std::optional<NearestMode>>(name)
      .Case("round_prefer_floor", NearestMode::RoundPreferFloor)
      .Case("round_prefer_ceil", NearestMode::RoundPreferCeil)
      .Case("floor", NearestMode::Floor)
      .Case("ceil", NearestMode::Ceil)
      .Default(std::nullopt);
}

/// How one dimension is resized. onnxruntime keeps scales in f32.
struct ResizedDim {
  int64_t inSize, outSize;
  float scale;
  /// Scale 1: the output index reads the same input index.
  bool isIdentity() const { return scale == 1.0f; }
};

/// The per-dimension scales of `op` over an input of `inputShape` with the
/// result `outputShape`, from its constant scales or sizes.
FailureOr<SmallVector<ResizedDim>>
getResizedDims(ResizeOp op, ArrayRef<int64_t> inputShape,
               ArrayRef<int64_t> outputShape) {
  int64_t rank = inputShape.size();
  SmallVector<int64_t> axes;
  if (std::optional<ArrayRef<int64_t>> attr = op.getAxes()) {
    for (int64_t axis : *attr)
      axes.push_back(axis < 0 ? axis + rank : axis);
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  SmallVector<ResizedDim> dims;
  for (int64_t d = 0; d < rank; ++d)
    dims.push_back({inputShape[d], outputShape[d], 1.0f});

  std::optional<SmallVector<int64_t>> sizes;
  if (!isNone(op.getSizes()))
    sizes = getConstantInts(op.getSizes());
  if (sizes && !sizes->empty()) {
    if (sizes->size() != axes.size())
      return failure();
    // As onnxruntime: f32 ratios, one shared ratio under an aspect policy.
    SmallVector<float> scales;
    for (auto [axis, size] : llvm::zip(axes, *sizes))
      scales.push_back(static_cast<float>(size) /
                       static_cast<float>(inputShape[axis]));
    StringRef policy = op.getKeepAspectRatioPolicy();
    if (policy != "stretch") {
      float shared = policy == "not_larger" ? *llvm::min_element(scales)
                                            : *llvm::max_element(scales);
      scales.assign(scales.size(), shared);
    }
    for (auto [axis, scale] : llvm::zip(axes, scales))
      dims[axis].scale = scale;
    return dims;
  }
  std::optional<ConstantValues> scales;
  if (!isNone(op.getScales()))
    scales = getConstantValues(op.getScales());
  if (!scales || scales->size() != static_cast<int64_t>(axes.size()) ||
      !scales->isFloat)
    return failure();
  for (auto [i, axis] : llvm::enumerate(axes))
    dims[axis].scale = static_cast<float>(scales->asDouble(i));
  return dims;
}

/// Builds the scalar index arithmetic of one output element.
class CoordinateBuilder {
public:
  CoordinateBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value f32(float v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  Value i64(int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }

  /// The output index of loop `dim` as i64.
  Value outputIndex(int64_t dim) {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                      linalg::IndexOp::create(b, loc, dim));
  }

  /// The input coordinate (f32) of output index `index` (i64), computed in
  /// the order onnxruntime evaluates it.
  Value inputCoordinate(Value index, const ResizedDim &dim,
                        CoordinateMode mode) {
    Value x = arith::SIToFPOp::create(b, loc, b.getF32Type(), index);
    if ((mode == CoordinateMode::PytorchHalfPixel && dim.outSize <= 1) ||
        (mode == CoordinateMode::AlignCorners && dim.outSize == 1))
      return f32(0.0f);
    switch (mode) {
    case CoordinateMode::HalfPixel:
    case CoordinateMode::PytorchHalfPixel: {
      Value half = f32(0.5f), scale = f32(dim.scale);
      return sub(div(add(x, half), scale), half);
    }
    case CoordinateMode::TfHalfPixelForNN: {
      Value half = f32(0.5f), scale = f32(dim.scale);
      return div(add(x, half), scale);
    }
    case CoordinateMode::AlignCorners: {
      Value inLast = f32(static_cast<float>(dim.inSize - 1));
      Value outLast = f32(static_cast<float>(dim.outSize - 1));
      return div(mul(x, inLast), outLast);
    }
    case CoordinateMode::Asymmetric:
      return div(x, f32(dim.scale));
    case CoordinateMode::HalfPixelSymmetric: {
      // onnxruntime computes the offset in f32 and the rest in f64.
      float outputWidth = dim.scale * static_cast<float>(dim.inSize);
      float adjustment = static_cast<float>(dim.outSize) / outputWidth;
      float center = static_cast<float>(dim.inSize) / 2;
      float offset = center * (1 - adjustment);
      Type f64 = b.getF64Type();
      auto c = [&](double v) {
        return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
      };
      Value wide = arith::SIToFPOp::create(b, loc, f64, index);
      Value half = c(0.5), scale = c(dim.scale), shift = c(offset);
      Value orig = sub(add(shift, div(add(wide, half), scale)), half);
      return arith::TruncFOp::create(b, loc, b.getF32Type(), orig);
    }
    }
    llvm_unreachable("unknown coordinate mode");
  }

  /// The input index (index type) nearest to `coordinate`, clamped into
  /// [0, inSize).
  Value nearestIndex(Value coordinate, NearestMode mode, int64_t inSize) {
    Value rounded;
    switch (mode) {
    case NearestMode::RoundPreferFloor:
    case NearestMode::RoundPreferCeil: {
      // math.round breaks ties away from zero, which prefers ceil for the
      // coordinates that stay inside the input.
      rounded = math::RoundOp::create(b, loc, coordinate);
      if (mode == NearestMode::RoundPreferFloor) {
        Value half = add(math::TruncOp::create(b, loc, coordinate), f32(0.5f));
        Value isHalf = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                             coordinate, half);
        rounded = arith::SelectOp::create(
            b, loc, isHalf, math::FloorOp::create(b, loc, coordinate), rounded);
      }
      break;
    }
    case NearestMode::Floor:
      rounded = math::FloorOp::create(b, loc, coordinate);
      break;
    case NearestMode::Ceil:
      rounded = math::CeilOp::create(b, loc, coordinate);
      break;
    }
    Value index = arith::FPToSIOp::create(b, loc, b.getI64Type(), rounded);
    return toIndex(clampIndex(index, inSize));
  }

  Value clampIndex(Value index, int64_t inSize) {
    Value low = arith::MaxSIOp::create(b, loc, index, i64(0));
    return arith::MinSIOp::create(b, loc, low, i64(inSize - 1));
  }

  Value toIndex(Value v) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  }

  OpBuilder &b;
  Location loc;
};

/// The two neighbours of a linear sample along one dimension and their
/// weights (onnxruntime's: distances to the other neighbour, 0.5 each when
/// the coordinate is clamped onto the last element).
struct LinearTaps {
  Value lower, upper;             // index type
  Value lowerWeight, upperWeight; // f32
};

LinearTaps getLinearTaps(CoordinateBuilder &c, Value coordinate,
                         int64_t inSize) {
  OpBuilder &b = c.b;
  Location loc = c.loc;
  Value zero = c.f32(0.0f);
  Value last = c.f32(static_cast<float>(inSize - 1));
  Value x = arith::MinimumFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, coordinate, zero), last);
  Value lastIndex = c.i64(inSize - 1), one = c.i64(1);
  Value truncated = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
  Value lower = arith::MinSIOp::create(b, loc, truncated, lastIndex);
  Value upper = arith::MinSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, lower, one), lastIndex);
  auto distance = [&](Value i) {
    Value fi = arith::SIToFPOp::create(b, loc, b.getF32Type(), i);
    return math::AbsFOp::create(b, loc, c.sub(x, fi));
  };
  Value same =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lower, upper);
  Value half = c.f32(0.5f);
  LinearTaps taps;
  taps.lower = c.toIndex(lower);
  taps.upper = c.toIndex(upper);
  taps.lowerWeight =
      arith::SelectOp::create(b, loc, same, half, distance(upper));
  taps.upperWeight =
      arith::SelectOp::create(b, loc, same, half, distance(lower));
  return taps;
}

struct ResizeLowering : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || type.getRank() == 0 || !type.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "static shapes only");
    StringRef mode = op.getMode();
    bool linear = mode == "linear";
    if (!linear && mode != "nearest")
      return rewriter.notifyMatchFailure(
          op, "mode '" + mode + "' is not supported (nearest and linear are)");
    Type element = type.getElementType();
    if (linear && element.isInteger(1))
      return rewriter.notifyMatchFailure(op, "linear mode on bool");
    std::optional<CoordinateMode> coordinateMode =
        parseCoordinateMode(op.getCoordinateTransformationMode());
    if (!coordinateMode)
      return rewriter.notifyMatchFailure(
          op, "tf_crop_and_resize (roi) not lowered");
    std::optional<NearestMode> nearestMode =
        parseNearestMode(op.getNearestMode());
    if (!nearestMode)
      return rewriter.notifyMatchFailure(op, "unknown nearest_mode");
    FailureOr<SmallVector<ResizedDim>> dims =
        getResizedDims(op, type.getShape(), resultType.getShape());
    if (failed(dims))
      return rewriter.notifyMatchFailure(op, "scales/sizes not constant");
    for (const ResizedDim &dim : *dims)
      if (dim.scale <= 0 || (op.getAntialias() && dim.scale < 1.0f))
        return rewriter.notifyMatchFailure(op, "antialiased downsampling");

    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    // Linear interpolates in f32 at least; integers too, truncating the
    // result toward zero as onnxruntime does (f64 for 64-bit integers).
    bool isInteger = isa<IntegerType>(element);
    bool isUnsigned = element.isUnsignedInteger();
    Type signless = getComputeType(element);
    Type interpolationType = signless;
    if (isInteger)
      interpolationType = element.getIntOrFloatBitWidth() == 64
                              ? rewriter.getF64Type()
                              : rewriter.getF32Type();
    auto toInterpolation = [&](OpBuilder &b, Location l, Value v) -> Value {
      v = toComputeType(b, l, v, signless);
      if (!isInteger)
        return v;
      return isUnsigned
                 ? Value(arith::UIToFPOp::create(b, l, interpolationType, v))
                 : Value(arith::SIToFPOp::create(b, l, interpolationType, v));
    };
    auto fromInterpolation = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (isInteger)
        v = isUnsigned ? Value(arith::FPToUIOp::create(b, l, signless, v))
                       : Value(arith::FPToSIOp::create(b, l, signless, v));
      return fromComputeType(b, l, v, element);
    };
    Value init =
        tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), element);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, resultType, ValueRange{}, init,
            rewriter.getMultiDimIdentityMap(rank),
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              CoordinateBuilder c(b, l);
              SmallVector<Value> nearest;
              SmallVector<std::optional<LinearTaps>> taps;
              for (auto [d, dim] : llvm::enumerate(*dims)) {
                if (dim.isIdentity()) {
                  nearest.push_back(linalg::IndexOp::create(b, l, d));
                  taps.push_back(std::nullopt);
                  continue;
                }
                Value coordinate =
                    c.inputCoordinate(c.outputIndex(d), dim, *coordinateMode);
                if (linear) {
                  nearest.push_back(Value());
                  taps.push_back(getLinearTaps(c, coordinate, dim.inSize));
                } else {
                  nearest.push_back(
                      c.nearestIndex(coordinate, *nearestMode, dim.inSize));
                  taps.push_back(std::nullopt);
                }
              }
              SmallVector<int64_t> interpolated;
              for (int64_t d = 0; d < rank; ++d)
                if (taps[d])
                  interpolated.push_back(d);
              if (interpolated.empty()) {
                linalg::YieldOp::create(
                    b, l,
                    tensor::ExtractOp::create(b, l, x, nearest).getResult());
                return;
              }
              // Sum over the 2^n corners around the sample.
              Value sum;
              for (int64_t corner = 0; corner < (1 << interpolated.size());
                   ++corner) {
                SmallVector<Value> coords(nearest);
                Value weight;
                for (auto [bit, d] : llvm::enumerate(interpolated)) {
                  bool upper = (corner >> bit) & 1;
                  coords[d] = upper ? taps[d]->upper : taps[d]->lower;
                  Value w = upper ? taps[d]->upperWeight : taps[d]->lowerWeight;
                  weight = weight ? c.mul(weight, w) : w;
                }
                Value v = toInterpolation(
                    b, l, tensor::ExtractOp::create(b, l, x, coords));
                if (weight.getType() != interpolationType)
                  weight =
                      arith::ExtFOp::create(b, l, interpolationType, weight);
                Value term = arith::MulFOp::create(b, l, v, weight);
                sum =
                    sum ? Value(arith::AddFOp::create(b, l, sum, term)) : term;
              }
              linalg::YieldOp::create(b, l, fromInterpolation(b, l, sum));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXResizeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(patterns.getContext());
}

} // namespace onnxc
