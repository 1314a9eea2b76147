//===- Resize.cpp - Resize to linalg --------------------------------------===//
//
// Resize in nearest and linear mode is one linalg.generic over the output
// that gathers from the input with tensor.extract. Along each resized
// dimension the output index maps to an input coordinate in f32 exactly as
// onnxruntime computes it (coordinate_transformation_mode); nearest rounds
// that coordinate (nearest_mode) and clamps it into the input, linear clamps
// it, reads the two neighbours and weights them by their distances, over
// every resized dimension at once (bilinear for NCHW images); cubic reads
// the 4 around the unclamped coordinate with the cubic convolution weights
// of cubic_coeff_a (exclude_outside: taps outside weigh 0, the rest
// renormalized), 4^n taps in all. A dimension
// whose scale is 1 reads the same index, as in onnxruntime. Integers
// interpolate in f32 and truncate toward zero, as onnxruntime does. With
// static shapes and constant scales or sizes everything above is folded at
// compile time; dims, scales or sizes known only at run time take
// lowerDynamicResize(), which computes the output dims and scales while the
// model runs and samples the same way.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"
#include "DynamicShapes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
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
    return toIndex(clampIndex(roundCoordinate(coordinate, mode), inSize));
  }

  /// `coordinate` rounded by `mode` to an i64, not clamped.
  Value roundCoordinate(Value coordinate, NearestMode mode) {
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
    return arith::FPToSIOp::create(b, loc, b.getI64Type(), rounded);
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

/// The taps of a sample along one dimension: input indices (index type)
/// and their weights (f32).
struct Taps {
  SmallVector<Value, 4> indices, weights;
};

/// Cubic convolution along one dimension of `inSize` (i64), as onnxruntime
/// computes it: the 4 taps at floor(x) - 1 .. floor(x) + 2 (indices clamped
/// into the input)
/// with the weights of coefficient `a` at t = x - floor(x); with
/// `excludeOutside`, taps outside the input weigh 0 and the rest are
/// renormalized to sum to 1.
Taps getCubicTaps(CoordinateBuilder &c, Value coordinate, Value inSize,
                  float a, bool excludeOutside) {
  OpBuilder &b = c.b;
  Location loc = c.loc;
  Value base = math::FloorOp::create(b, loc, coordinate);
  Value t = c.sub(coordinate, base);
  Value first = arith::SubIOp::create(
      b, loc, arith::FPToSIOp::create(b, loc, b.getI64Type(), base), c.i64(1));
  SmallVector<Value, 4> weights = cubicConvolutionWeights(b, loc, t, a);
  Taps taps;
  Value total;
  for (int64_t k = 0; k < 4; ++k) {
    Value index = arith::AddIOp::create(b, loc, first, c.i64(k));
    if (excludeOutside) {
      Value inside = arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, index,
                                c.i64(0)),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index,
                                inSize));
      weights[k] = arith::SelectOp::create(b, loc, inside, weights[k],
                                           c.f32(0));
      total = total ? c.add(total, weights[k]) : weights[k];
    }
    Value last = arith::SubIOp::create(b, loc, inSize, c.i64(1));
    taps.indices.push_back(c.toIndex(arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, index, c.i64(0)), last)));
  }
  if (excludeOutside)
    for (Value &w : weights)
      w = c.div(w, total);
  taps.weights = weights;
  return taps;
}

/// How one dimension is resized when its sizes or scale are known only at
/// run time: index values for the sizes, an f32 value for the scale.
/// `identity` when the scale is the constant 1 (the output index reads the
/// same input index, nothing computed).
struct RunTimeResizedDim {
  bool identity = false;
  Value inSize, outSize, scale;
};

/// The input coordinate (f32) of output index `index` (i64) along `dim`,
/// CoordinateBuilder::inputCoordinate() with run-time sizes and scale.
Value runTimeInputCoordinate(CoordinateBuilder &c, Value index,
                             const RunTimeResizedDim &dim,
                             CoordinateMode mode) {
  OpBuilder &b = c.b;
  Location loc = c.loc;
  Type f32 = b.getF32Type(), f64 = b.getF64Type();
  auto toF32 = [&](Value size) -> Value {
    return arith::SIToFPOp::create(
        b, loc, f32,
        arith::IndexCastOp::create(b, loc, b.getI64Type(), size));
  };
  auto sizeIs = [&](arith::CmpIPredicate predicate, int64_t v) -> Value {
    return arith::CmpIOp::create(b, loc, predicate, dim.outSize,
                                 arith::ConstantIndexOp::create(b, loc, v));
  };
  Value x = arith::SIToFPOp::create(b, loc, f32, index);
  Value half = c.f32(0.5f);
  switch (mode) {
  case CoordinateMode::HalfPixel:
    return c.sub(c.div(c.add(x, half), dim.scale), half);
  case CoordinateMode::PytorchHalfPixel:
    return arith::SelectOp::create(
        b, loc, sizeIs(arith::CmpIPredicate::sle, 1), c.f32(0.0f),
        c.sub(c.div(c.add(x, half), dim.scale), half));
  case CoordinateMode::TfHalfPixelForNN:
    return c.div(c.add(x, half), dim.scale);
  case CoordinateMode::AlignCorners: {
    Value one = c.f32(1.0f);
    Value inLast = c.sub(toF32(dim.inSize), one);
    Value outLast = c.sub(toF32(dim.outSize), one);
    return arith::SelectOp::create(b, loc, sizeIs(arith::CmpIPredicate::eq, 1),
                                   c.f32(0.0f),
                                   c.div(c.mul(x, inLast), outLast));
  }
  case CoordinateMode::Asymmetric:
    return c.div(x, dim.scale);
  case CoordinateMode::HalfPixelSymmetric: {
    // As the static lowering: the offset in f32, the rest in f64.
    Value inSize = toF32(dim.inSize);
    Value outputWidth = c.mul(dim.scale, inSize);
    Value adjustment = c.div(toF32(dim.outSize), outputWidth);
    Value center = c.div(inSize, c.f32(2.0f));
    Value offset = c.mul(center, c.sub(c.f32(1.0f), adjustment));
    auto wide = [&](Value v) -> Value {
      return arith::ExtFOp::create(b, loc, f64, v);
    };
    Value halfWide = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0.5));
    Value orig = c.sub(
        c.add(wide(offset),
              c.div(c.add(arith::SIToFPOp::create(b, loc, f64, index), halfWide),
                    wide(dim.scale))),
        halfWide);
    return arith::TruncFOp::create(b, loc, f32, orig);
  }
  }
  llvm_unreachable("unknown coordinate mode");
}

/// Resize whose input dims, output dims or scales/sizes are known only at
/// run time: the output dims and scales are computed while the model runs
/// as shape inference computes them at compile time (floor(in * scale) for
/// scales; sizes as given, or round(scale * in) under a keep_aspect_ratio
/// policy, with f32 scales size / in), then one generic samples as the
/// static lowering does. Fails (a match failure naming why) for antialias,
/// and when neither or both of scales and sizes are usable.
LogicalResult lowerDynamicResize(ResizeOp op, Value x, Value scalesTensor,
                                 Value sizesTensor, CoordinateMode coordinateMode,
                                 NearestMode nearestMode,
                                 ConversionPatternRewriter &rewriter) {
  auto type = cast<RankedTensorType>(x.getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = type.getRank();
  Location loc = op.getLoc();
  // Whether it downsamples is known only at run time.
  if (op.getAntialias())
    return rewriter.notifyMatchFailure(
        op, "antialias with dims, scales or sizes known only at run time");
  SmallVector<int64_t> axes;
  if (std::optional<ArrayRef<int64_t>> attr = op.getAxes()) {
    for (int64_t axis : *attr)
      axes.push_back(axis < 0 ? axis + rank : axis);
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  int64_t n = axes.size();
  // Which of scales and sizes applies: a constant empty one does not.
  auto usable = [&](Value onnxValue, Value tensor) {
    if (isNone(onnxValue))
      return false;
    if (std::optional<ConstantValues> values = getConstantValues(onnxValue))
      return values->size() > 0;
    auto tensorType = dyn_cast<RankedTensorType>(tensor.getType());
    return tensorType && tensorType.getRank() == 1 &&
           tensorType.getDimSize(0) != 0;
  };
  bool useSizes = usable(op.getSizes(), sizesTensor);
  bool useScales = usable(op.getScales(), scalesTensor);
  if (useSizes == useScales)
    return rewriter.notifyMatchFailure(
        op, "exactly one of scales and sizes must be given (a run-time one "
            "counts as given)");
  Value values = useSizes ? sizesTensor : scalesTensor;
  Value onnxValues = useSizes ? op.getSizes() : op.getScales();
  auto valuesType = cast<RankedTensorType>(values.getType());
  if (valuesType.getRank() != 1 ||
      (!valuesType.isDynamicDim(0) && valuesType.getDimSize(0) != n))
    return rewriter.notifyMatchFailure(op,
                                       "one scale or size per resized axis");
  emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, values, 0),
               rewriter.getIndexAttr(n),
               (useSizes ? "sizes" : "scales") +
                   Twine(" must hold one value per resized axis"));

  Type f32 = rewriter.getF32Type(), f64 = rewriter.getF64Type();
  Type i64 = rewriter.getI64Type();
  CoordinateBuilder c(rewriter, loc);
  auto indexToF64 = [&](Value v) -> Value {
    return arith::SIToFPOp::create(
        rewriter, loc, f64, arith::IndexCastOp::create(rewriter, loc, i64, v));
  };
  auto f64ToIndex = [&](Value v) -> Value {
    return arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(),
        arith::FPToSIOp::create(rewriter, loc, i64, v));
  };
  SmallVector<RunTimeResizedDim> dims(rank);
  for (int64_t d = 0; d < rank; ++d) {
    dims[d].identity = true;
    dims[d].inSize = getValueOrCreateConstantIndexOp(
        rewriter, loc, dimOf(rewriter, loc, x, d));
    dims[d].outSize = dims[d].inSize;
  }
  std::optional<ConstantValues> constants = getConstantValues(onnxValues);
  if (!useSizes) {
    for (auto [i, axis] : llvm::enumerate(axes)) {
      RunTimeResizedDim &dim = dims[axis];
      if (constants && constants->asDouble(i) == 1.0)
        continue;
      dim.identity = false;
      dim.scale = constants ? c.f32(static_cast<float>(constants->asDouble(i)))
                            : tensor::ExtractOp::create(
                                  rewriter, loc, values,
                                  ValueRange{arith::ConstantIndexOp::create(
                                      rewriter, loc, i)})
                                  .getResult();
      // floor(in * scale) in f64, as shape inference.
      dim.outSize = f64ToIndex(math::FloorOp::create(
          rewriter, loc,
          c.mul(indexToF64(dim.inSize),
                arith::ExtFOp::create(rewriter, loc, f64, dim.scale))));
    }
  } else {
    SmallVector<Value> sizes, scales;
    for (auto [i, axis] : llvm::enumerate(axes)) {
      sizes.push_back(getValueOrCreateConstantIndexOp(
          rewriter, loc, extractIndex(rewriter, loc, onnxValues, values, i)));
      Value ratio = arith::DivFOp::create(
          rewriter, loc, indexToF64(sizes.back()),
          indexToF64(dims[axis].inSize));
      scales.push_back(arith::TruncFOp::create(rewriter, loc, f32, ratio));
    }
    StringRef policy = op.getKeepAspectRatioPolicy();
    if (policy != "stretch") {
      // One shared scale (f64, as shape inference), output round(s * in).
      Value shared;
      for (auto [i, axis] : llvm::enumerate(axes)) {
        Value ratio = arith::DivFOp::create(rewriter, loc,
                                            indexToF64(sizes[i]),
                                            indexToF64(dims[axis].inSize));
        shared = !shared ? ratio
                 : policy == "not_larger"
                     ? Value(arith::MinimumFOp::create(rewriter, loc, shared,
                                                       ratio))
                     : Value(arith::MaximumFOp::create(rewriter, loc, shared,
                                                       ratio));
      }
      for (auto [i, axis] : llvm::enumerate(axes)) {
        sizes[i] = f64ToIndex(math::RoundOp::create(
            rewriter, loc, c.mul(shared, indexToF64(dims[axis].inSize))));
        scales[i] = arith::TruncFOp::create(rewriter, loc, f32, shared);
      }
    }
    for (auto [i, axis] : llvm::enumerate(axes)) {
      dims[axis].identity = false;
      dims[axis].outSize = sizes[i];
      dims[axis].scale = scales[i];
    }
  }
  SmallVector<OpFoldResult> outSizes;
  for (int64_t d = 0; d < rank; ++d) {
    outSizes.push_back(dims[d].outSize);
    if (!resultType.isDynamicDim(d))
      emitDimCheck(rewriter, loc, op, dims[d].outSize,
                   rewriter.getIndexAttr(resultType.getDimSize(d)),
                   "output dim " + Twine(d) +
                       " differs from the one known at compile time");
  }
  bool cubic = op.getMode() == "cubic";
  bool linear = op.getMode() == "linear" || cubic;
  Type element = type.getElementType();
  bool isInteger = isa<IntegerType>(element);
  bool isUnsigned = element.isUnsignedInteger();
  Type signless = getComputeType(element);
  Type interpolationType = signless;
  if (isInteger)
    interpolationType = element.getIntOrFloatBitWidth() == 64 ? f64 : f32;
  Value init = tensor::EmptyOp::create(
      rewriter, loc, resultType.getShape(), element,
      dynamicSizesOf(rewriter, loc, resultType, outSizes));
  Value result =
      linalg::GenericOp::create(
          rewriter, loc, resultType, ValueRange{}, init,
          rewriter.getMultiDimIdentityMap(rank),
          SmallVector<utils::IteratorType>(rank,
                                           utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange) {
            CoordinateBuilder c(b, l);
            auto lastOf = [&](Value size) -> Value {
              return arith::SubIOp::create(
                  b, l, arith::IndexCastOp::create(b, l, b.getI64Type(), size),
                  c.i64(1));
            };
            SmallVector<Value> nearest(rank);
            SmallVector<std::optional<Taps>> taps(rank);
            SmallVector<int64_t> interpolated;
            for (int64_t d = 0; d < rank; ++d) {
              const RunTimeResizedDim &dim = dims[d];
              Value same = linalg::IndexOp::create(b, l, d);
              if (dim.identity) {
                nearest[d] = same;
                continue;
              }
              Value coordinate = runTimeInputCoordinate(
                  c, c.outputIndex(d), dim, coordinateMode);
              // A run-time scale of 1 reads the same index, as onnxruntime.
              Value isIdentity = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, dim.scale, c.f32(1.0f));
              Value last = lastOf(dim.inSize);
              if (!linear) {
                Value index = c.roundCoordinate(coordinate, nearestMode);
                index = arith::MinSIOp::create(
                    b, l, arith::MaxSIOp::create(b, l, index, c.i64(0)), last);
                nearest[d] = arith::SelectOp::create(b, l, isIdentity, same,
                                                     c.toIndex(index));
                continue;
              }
              if (cubic) {
                // An identity scale samples at integers: weights 0, 1, 0, 0.
                taps[d] = getCubicTaps(
                    c, coordinate,
                    arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               dim.inSize),
                    op.getCubicCoeffA().convertToFloat(),
                    op.getExcludeOutside() != 0);
                interpolated.push_back(d);
                continue;
              }
              // Linear: the two neighbours clamped into the input.
              Value lastF = arith::SIToFPOp::create(b, l, b.getF32Type(), last);
              Value xc = arith::MinimumFOp::create(
                  b, l, arith::MaximumFOp::create(b, l, coordinate, c.f32(0.0f)),
                  lastF);
              Value truncated =
                  arith::FPToSIOp::create(b, l, b.getI64Type(), xc);
              Value lower = arith::MinSIOp::create(b, l, truncated, last);
              Value upper = arith::MinSIOp::create(
                  b, l, arith::AddIOp::create(b, l, lower, c.i64(1)), last);
              auto distance = [&](Value i) {
                Value fi = arith::SIToFPOp::create(b, l, b.getF32Type(), i);
                return math::AbsFOp::create(b, l, c.sub(xc, fi));
              };
              Value equal = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq, lower, upper);
              Value half = c.f32(0.5f);
              LinearTaps t;
              Value sameI64 = arith::IndexCastOp::create(b, l, b.getI64Type(), same);
              // Identity: both taps on the same index, weights 1/2 each
              // (exact).
              Value merge = arith::OrIOp::create(b, l, equal, isIdentity);
              t.lower = c.toIndex(
                  arith::SelectOp::create(b, l, isIdentity, sameI64, lower));
              t.upper = c.toIndex(
                  arith::SelectOp::create(b, l, isIdentity, sameI64, upper));
              t.lowerWeight =
                  arith::SelectOp::create(b, l, merge, half, distance(upper));
              t.upperWeight =
                  arith::SelectOp::create(b, l, merge, half, distance(lower));
              taps[d] = Taps{{t.lower, t.upper}, {t.lowerWeight, t.upperWeight}};
              interpolated.push_back(d);
            }
            auto toInterpolation = [&](Value v) -> Value {
              v = toComputeType(b, l, v, signless);
              if (!isInteger)
                return v;
              return isUnsigned
                         ? Value(arith::UIToFPOp::create(b, l, interpolationType, v))
                         : Value(arith::SIToFPOp::create(b, l, interpolationType, v));
            };
            if (interpolated.empty()) {
              linalg::YieldOp::create(
                  b, l, tensor::ExtractOp::create(b, l, x, nearest).getResult());
              return;
            }
            int64_t perDim = cubic ? 4 : 2, count = 1;
            for (size_t i = 0; i < interpolated.size(); ++i)
              count *= perDim;
            Value sum;
            for (int64_t corner = 0; corner < count; ++corner) {
              SmallVector<Value> coords(nearest);
              Value weight;
              int64_t rest = corner;
              for (int64_t d : interpolated) {
                int64_t k = rest % perDim;
                rest /= perDim;
                coords[d] = taps[d]->indices[k];
                Value w = taps[d]->weights[k];
                weight = weight ? c.mul(weight, w) : w;
              }
              Value v = toInterpolation(tensor::ExtractOp::create(b, l, x, coords));
              if (weight.getType() != interpolationType)
                weight = arith::ExtFOp::create(b, l, interpolationType, weight);
              Value term = arith::MulFOp::create(b, l, v, weight);
              sum = sum ? Value(arith::AddFOp::create(b, l, sum, term)) : term;
            }
            if (isInteger)
              sum = isUnsigned
                        ? Value(arith::FPToUIOp::create(b, l, signless, sum))
                        : Value(arith::FPToSIOp::create(b, l, signless, sum));
            linalg::YieldOp::create(b, l, fromComputeType(b, l, sum, element));
          })
          .getResult(0);
  rewriter.replaceOp(op, result);
  return success();
}

struct ResizeLowering : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "static shapes only");
    bool dynamic = !type.hasStaticShape() || !resultType.hasStaticShape();
    StringRef mode = op.getMode();
    bool cubic = mode == "cubic";
    bool linear = mode == "linear" || cubic;
    if (!linear && mode != "nearest")
      return rewriter.notifyMatchFailure(
          op, "mode '" + mode + "' is not supported");
    Type element = type.getElementType();
    if (linear && element.isInteger(1))
      return rewriter.notifyMatchFailure(op, "linear mode on bool");
    // Cubic overshoots the range of an integer type (onnxruntime has no
    // integer cubic kernel either).
    if (cubic && !isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "cubic mode on integers");
    std::optional<CoordinateMode> coordinateMode =
        parseCoordinateMode(op.getCoordinateTransformationMode());
    if (!coordinateMode)
      return rewriter.notifyMatchFailure(
          op, "tf_crop_and_resize (roi) not lowered");
    std::optional<NearestMode> nearestMode =
        parseNearestMode(op.getNearestMode());
    if (!nearestMode)
      return rewriter.notifyMatchFailure(op, "unknown nearest_mode");
    bool dynamicDims =
        dynamic ||
        failed(getResizedDims(op, type.getShape(), resultType.getShape()));
    if (dynamicDims)
      return lowerDynamicResize(op, x, adaptor.getScales(), adaptor.getSizes(),
                                *coordinateMode, *nearestMode, rewriter);
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
              SmallVector<std::optional<Taps>> taps;
              for (auto [d, dim] : llvm::enumerate(*dims)) {
                if (dim.isIdentity()) {
                  nearest.push_back(linalg::IndexOp::create(b, l, d));
                  taps.push_back(std::nullopt);
                  continue;
                }
                Value coordinate =
                    c.inputCoordinate(c.outputIndex(d), dim, *coordinateMode);
                if (cubic) {
                  nearest.push_back(Value());
                  taps.push_back(getCubicTaps(
                      c, coordinate, c.i64(dim.inSize),
                      op.getCubicCoeffA().convertToFloat(),
                      op.getExcludeOutside() != 0));
                } else if (linear) {
                  nearest.push_back(Value());
                  LinearTaps t = getLinearTaps(c, coordinate, dim.inSize);
                  taps.push_back(Taps{{t.lower, t.upper},
                                      {t.lowerWeight, t.upperWeight}});
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
              // Sum over the taps around the sample: 2^n corners (linear),
              // 4^n (cubic).
              int64_t perDim = cubic ? 4 : 2, count = 1;
              for (size_t i = 0; i < interpolated.size(); ++i)
                count *= perDim;
              Value sum;
              for (int64_t corner = 0; corner < count; ++corner) {
                SmallVector<Value> coords(nearest);
                Value weight;
                int64_t rest = corner;
                for (int64_t d : interpolated) {
                  int64_t k = rest % perDim;
                  rest /= perDim;
                  coords[d] = taps[d]->indices[k];
                  Value w = taps[d]->weights[k];
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
