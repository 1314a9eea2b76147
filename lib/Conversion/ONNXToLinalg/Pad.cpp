//===- Pad.cpp - Pad in constant, reflect, edge and wrap modes ------------===//
//
// ONNX Pad (constant axes, opset 18): per dimension d the output is
// `low[d] + size[d] + high[d]` long. Negative pads crop: the
// input is first cut by a tensor.extract_slice, and the positive pads then
// extend the cropped tensor (onnxruntime's order: reflect, edge and wrap read
// the cropped tensor's borders).
//
//   constant  tensor.pad with constant_value (default 0 of the element
//             type, a run-time scalar read by tensor.extract otherwise);
//             dynamic dimensions are fine.
//   reflect,  one linalg.generic over the output that tensor.extracts the
//   edge,     source element, its index per padded dim i computed from
//   wrap      x = i - low (static shapes):
//               edge     clamp(x, 0, n - 1)
//               wrap     x mod n
//               reflect  t = x mod 2(n - 1), then min(t, 2(n - 1) - t):
//                        mirrored without repeating the edge element.
//             x mod m is computed as (i + ((-low) mod m)) remui m, whose
//             operand is never negative. Pads wider than the tensor repeat
//             the pattern (numpy's np.pad does the same; onnxruntime
//             rejects or leaves them undefined). A dim of size 1 reads
//             index 0; padding an empty dim in these modes is an error
//             (onnxruntime's too), reported by node.
//
// Pads known only at run time (and reflect, edge and wrap on run-time dims)
// take lowerDynamicPad(): the same crop, tensor.pad or generic, every size
// computed while the model runs, with run-time checks for a crop wider than
// its dim and an empty dim padded.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "DynamicShapes.h"
#include "IndexingUtils.h"

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

enum class PadMode { Constant, Reflect, Edge, Wrap };

std::optional<PadMode> parsePadMode(StringRef mode) {
  return llvm::StringSwitch<std::optional<PadMode>>(mode)
      .Case("constant", PadMode::Constant)
      .Case("reflect", PadMode::Reflect)
      .Case("edge", PadMode::Edge)
      .Case("wrap", PadMode::Wrap)
      .Default(std::nullopt);
}

/// The non-negative remainder of `value` modulo `modulus` (> 0).
int64_t floorMod(int64_t value, int64_t modulus) {
  int64_t r = value % modulus;
  return r < 0 ? r + modulus : r;
}

/// The index read along one dim of a (cropped) input of static size `size`
/// for output index `i`, which `low` elements of padding precede.
Value sourceIndex(OpBuilder &b, Location loc, PadMode mode, Value i,
                  int64_t low, int64_t high, int64_t size) {
  if (low == 0 && high == 0)
    return i;
  if (size == 1)
    return arith::ConstantIndexOp::create(b, loc, 0);
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  switch (mode) {
  case PadMode::Edge: {
    Value x = i;
    if (low > 0)
      x = arith::MaxSIOp::create(
          b, loc, arith::SubIOp::create(b, loc, i, constant(low)), constant(0));
    if (high > 0)
      x = arith::MinSIOp::create(b, loc, x, constant(size - 1));
    return x;
  }
  case PadMode::Wrap: {
    Value x = i;
    if (int64_t shift = floorMod(-low, size))
      x = arith::AddIOp::create(b, loc, x, constant(shift));
    return arith::RemUIOp::create(b, loc, x, constant(size));
  }
  case PadMode::Reflect: {
    int64_t period = 2 * (size - 1);
    Value periodValue = constant(period);
    Value t = i;
    if (int64_t shift = floorMod(-low, period))
      t = arith::AddIOp::create(b, loc, t, constant(shift));
    t = arith::RemUIOp::create(b, loc, t, periodValue);
    Value mirrored = arith::SubIOp::create(b, loc, periodValue, t);
    return arith::MinUIOp::create(b, loc, t, mirrored);
  }
  case PadMode::Constant:
    break;
  }
  llvm_unreachable("constant mode pads with tensor.pad");
}

/// The padding scalar of constant mode: constant_value (a one-element
/// tensor of the data's element type), or 0 when it is absent.
FailureOr<Value> getPadValue(PadOp op, Value constantValue, Type element,
                             ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  if (isNone(op.getConstantValue()))
    return elementConstant(rewriter, loc, elementAttr(element, 0));
  auto type = dyn_cast<RankedTensorType>(constantValue.getType());
  if (!type || type.getElementType() != element)
    return rewriter.notifyMatchFailure(
        op, "constant_value must be a tensor of the data's element type");
  if (!type.hasStaticShape() || type.getNumElements() != 1)
    return rewriter.notifyMatchFailure(
        op, "constant_value must hold exactly one element");
  Operation *def = op.getConstantValue().getDefiningOp();
  if (TypedAttr value = getSingleElement(getConstantOpValue(def)))
    if (value.getType() == element)
      return elementConstant(rewriter, loc, value);
  return extractScalar(rewriter, loc, constantValue);
}

/// sourceIndex() for pads or a size known only at run time: the index read
/// along one dim of a (cropped) input of `size` elements for output index
/// `i`, which `low` elements of padding precede (`size` > 0).
Value sourceIndexDynamic(OpBuilder &b, Location loc, PadMode mode, Value i,
                         Value low, Value size) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value x = arith::SubIOp::create(b, loc, i, low);
  // x mod m, non-negative whatever the sign of x.
  auto floorMod = [&](Value v, Value m) -> Value {
    Value r = arith::RemSIOp::create(b, loc, v, m);
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
    return arith::SelectOp::create(b, loc, negative,
                                   arith::AddIOp::create(b, loc, r, m), r);
  };
  switch (mode) {
  case PadMode::Edge:
    return arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, x, zero),
        arith::SubIOp::create(b, loc, size, one));
  case PadMode::Wrap:
    return floorMod(x, size);
  case PadMode::Reflect: {
    // The period 2(n - 1) is 0 for n = 1, whose only index is 0.
    Value period = arith::MaxSIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, 2),
                              arith::SubIOp::create(b, loc, size, one)),
        one);
    Value t = floorMod(x, period);
    Value mirrored = arith::SubIOp::create(b, loc, period, t);
    Value index = arith::MinSIOp::create(b, loc, t, mirrored);
    return arith::MinSIOp::create(b, loc, index,
                                  arith::SubIOp::create(b, loc, size, one));
  }
  case PadMode::Constant:
    break;
  }
  llvm_unreachable("constant mode pads with tensor.pad");
}

/// Pad whose pads are known only at run time (a graph input or computed),
/// or a reflect, edge or wrap Pad of a tensor with run-time dims: the crop,
/// padding and output sizes are computed while the model runs, with run-time
/// checks that a crop does not remove more than a dim holds and that
/// reflect, edge and wrap do not pad an empty dim.
LogicalResult lowerDynamicPad(PadOp op, Value data, Value pads,
                              ArrayRef<int64_t> axes, PadMode mode,
                              Value padValue,
                              ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t rank = dataType.getRank(), n = axes.size();
  OpFoldResult zero = rewriter.getIndexAttr(0);
  SmallVector<OpFoldResult> cropLow(rank, zero), cropHigh(rank, zero),
      low(rank, zero), high(rank, zero);
  for (int64_t i = 0; i < n; ++i) {
    OpFoldResult begin = extractIndex(rewriter, loc, op.getPads(), pads, i);
    OpFoldResult end = extractIndex(rewriter, loc, op.getPads(), pads, i + n);
    int64_t axis = axes[i];
    low[axis] = maxIndex(rewriter, loc, begin, zero);
    high[axis] = maxIndex(rewriter, loc, end, zero);
    cropLow[axis] = maxIndex(rewriter, loc, subIndex(rewriter, loc, zero, begin),
                             zero);
    cropHigh[axis] =
        maxIndex(rewriter, loc, subIndex(rewriter, loc, zero, end), zero);
  }
  SmallVector<OpFoldResult> cropped, resultSizes;
  for (int64_t d = 0; d < rank; ++d) {
    OpFoldResult size = subIndex(
        rewriter, loc, dimOf(rewriter, loc, data, d),
        addIndex(rewriter, loc, cropLow[d], cropHigh[d]));
    emitDimCheck(rewriter, loc, op, minIndex(rewriter, loc, size, zero), zero,
                 "negative pads crop more than dim " + Twine(d) + " holds");
    cropped.push_back(size);
    resultSizes.push_back(addIndex(rewriter, loc, size,
                                   addIndex(rewriter, loc, low[d], high[d])));
  }
  Type element = dataType.getElementType();
  auto dynamicType = [&](ArrayRef<OpFoldResult> sizes) {
    SmallVector<int64_t> shape;
    for (OpFoldResult size : sizes)
      shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
    return RankedTensorType::get(shape, element);
  };
  auto resultType = dynamicType(resultSizes);
  if (!tensor::CastOp::areCastCompatible(resultType, op.getType()))
    return rewriter.notifyMatchFailure(op,
                                       "result type disagrees with the pads");
  Value result = tensor::ExtractSliceOp::create(
      rewriter, loc, dynamicType(cropped), data, cropLow, cropped,
      getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(rank, 1)));
  if (mode == PadMode::Constant) {
    result = tensor::PadOp::create(rewriter, loc, resultType, result, low,
                                   high, padValue);
  } else {
    SmallVector<Value> lowValues, sizeValues;
    for (int64_t d = 0; d < rank; ++d) {
      Value padding = getValueOrCreateConstantIndexOp(
          rewriter, loc, addIndex(rewriter, loc, low[d], high[d]));
      Value size = getValueOrCreateConstantIndexOp(rewriter, loc, cropped[d]);
      // An empty dim has nothing to reflect, repeat or wrap.
      Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value bad = arith::AndIOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, size,
                                c0),
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                padding, c0));
      emitDimCheck(rewriter, loc, op,
                   arith::IndexCastOp::create(rewriter, loc,
                                              rewriter.getIndexType(), bad)
                       .getResult(),
                   zero,
                   "cannot pad the empty dim " + Twine(d) + " in " +
                       op.getMode() + " mode");
      lowValues.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, low[d]));
      sizeValues.push_back(size);
    }
    Value source = result;
    result = buildParallelGeneric(
        rewriter, loc, resultType, ValueRange{}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> indices = loopIndices(b, l, rank);
          for (int64_t d = 0; d < rank; ++d)
            indices[d] = sourceIndexDynamic(b, l, mode, indices[d],
                                            lowValues[d], sizeValues[d]);
          return tensor::ExtractOp::create(b, l, source, indices);
        },
        dynamicSizesOf(rewriter, loc, resultType, resultSizes));
  }
  if (result.getType() != op.getType())
    result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
  rewriter.replaceOp(op, result);
  return success();
}

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    auto dataType = dyn_cast<RankedTensorType>(data.getType());
    if (!dataType)
      return rewriter.notifyMatchFailure(op, "data must be ranked");
    std::optional<PadMode> mode = parsePadMode(op.getMode());
    if (!mode)
      return rewriter.notifyMatchFailure(
          op, "mode must be constant, reflect, edge or wrap");
    std::optional<SmallVector<int64_t>> pads = getConstantInts(op.getPads());
    int64_t rank = dataType.getRank();
    SmallVector<int64_t> axes;
    if (!isNone(op.getAxes())) {
      std::optional<SmallVector<int64_t>> constant =
          getConstantInts(op.getAxes());
      if (!constant)
        return rewriter.notifyMatchFailure(op, "axes must be a constant");
      axes = *constant;
    } else {
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    }
    int64_t n = axes.size();
    if (!pads || (*mode != PadMode::Constant && !dataType.hasStaticShape())) {
      auto padsType = dyn_cast<RankedTensorType>(adaptor.getPads().getType());
      if (!padsType || padsType.getRank() != 1 ||
          (!padsType.isDynamicDim(0) && padsType.getDimSize(0) != 2 * n))
        return rewriter.notifyMatchFailure(
            op, "pads must hold two values (begin, end) per axis");
      // A run-time pads tensor must hold 2 * n values.
      if (!pads)
        emitDimCheck(rewriter, op.getLoc(), op,
                     dimOf(rewriter, op.getLoc(), adaptor.getPads(), 0),
                     rewriter.getIndexAttr(2 * n),
                     "pads must hold two values (begin, end) per axis");
      SmallVector<bool> seen(rank, false);
      for (int64_t &axis : axes) {
        axis = axis < 0 ? axis + rank : axis;
        if (axis < 0 || axis >= rank)
          return rewriter.notifyMatchFailure(op, "axis out of range");
        if (seen[axis])
          return rewriter.notifyMatchFailure(op, "axes repeats an axis");
        seen[axis] = true;
      }
      Value padValue;
      if (*mode == PadMode::Constant) {
        FailureOr<Value> value = getPadValue(
            op, adaptor.getConstantValue(), dataType.getElementType(),
            rewriter);
        if (failed(value))
          return failure();
        padValue = *value;
      }
      return lowerDynamicPad(op, data, adaptor.getPads(), axes, *mode,
                             padValue, rewriter);
    }
    if (static_cast<int64_t>(pads->size()) != 2 * n)
      return rewriter.notifyMatchFailure(
          op, "pads must hold two values (begin, end) per axis");

    // Per dim: the crop (from negative pads) and the padding (positive).
    SmallVector<int64_t> cropLow(rank, 0), cropHigh(rank, 0), low(rank, 0),
        high(rank, 0);
    SmallVector<bool> seen(rank, false);
    for (int64_t i = 0; i < n; ++i) {
      int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (axis < 0 || axis >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      if (seen[axis])
        return rewriter.notifyMatchFailure(op, "axes repeats an axis");
      seen[axis] = true;
      int64_t begin = (*pads)[i], end = (*pads)[i + n];
      (begin < 0 ? cropLow : low)[axis] = std::abs(begin);
      (end < 0 ? cropHigh : high)[axis] = std::abs(end);
    }
    SmallVector<int64_t> croppedShape(dataType.getShape()),
        resultShape(dataType.getShape());
    for (int64_t d = 0; d < rank; ++d) {
      if (dataType.isDynamicDim(d))
        continue;
      croppedShape[d] -= cropLow[d] + cropHigh[d];
      if (croppedShape[d] < 0)
        return rewriter.notifyMatchFailure(
            op, "negative pads crop more than the dimension holds");
      resultShape[d] = croppedShape[d] + low[d] + high[d];
    }
    Type element = dataType.getElementType();
    auto resultType = RankedTensorType::get(resultShape, element);
    if (!tensor::CastOp::areCastCompatible(resultType, op.getType()))
      return rewriter.notifyMatchFailure(op,
                                         "result type disagrees with the pads");
    bool padded = llvm::any_of(low, [](int64_t p) { return p != 0; }) ||
                  llvm::any_of(high, [](int64_t p) { return p != 0; });
    if (*mode != PadMode::Constant && padded) {
      for (int64_t d = 0; d < rank; ++d)
        if (croppedShape[d] == 0 && (low[d] != 0 || high[d] != 0)) {
          op->emitOpError() << "cannot pad the empty dimension " << d << " in "
                            << op.getMode() << " mode";
          return rewriter.notifyMatchFailure(op, "empty dimension padded");
        }
    }
    Value padValue;
    if (*mode == PadMode::Constant && padded) {
      FailureOr<Value> value =
          getPadValue(op, adaptor.getConstantValue(), element, rewriter);
      if (failed(value))
        return failure();
      padValue = *value;
    }

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value result = data;
    if (llvm::any_of(cropLow, [](int64_t c) { return c != 0; }) ||
        llvm::any_of(cropHigh, [](int64_t c) { return c != 0; })) {
      SmallVector<OpFoldResult> offsets, sizes;
      for (int64_t d = 0; d < rank; ++d) {
        // An empty crop starts at 0 (an offset at the end is out of bounds).
        offsets.push_back(
            rewriter.getIndexAttr(croppedShape[d] == 0 ? 0 : cropLow[d]));
        if (!dataType.isDynamicDim(d)) {
          sizes.push_back(rewriter.getIndexAttr(croppedShape[d]));
          continue;
        }
        Value size = tensor::DimOp::create(rewriter, loc, data, d);
        if (int64_t crop = cropLow[d] + cropHigh[d])
          size = arith::SubIOp::create(
              rewriter, loc, size,
              arith::ConstantIndexOp::create(rewriter, loc, crop));
        sizes.push_back(size);
      }
      auto croppedType = RankedTensorType::get(croppedShape, element);
      result = tensor::ExtractSliceOp::create(
          rewriter, loc, croppedType, data, offsets, sizes,
          getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(rank, 1)));
    }

    if (padded && *mode == PadMode::Constant) {
      result = tensor::PadOp::create(
          rewriter, loc, resultType, result, getAsIndexOpFoldResult(ctx, low),
          getAsIndexOpFoldResult(ctx, high), padValue);
    } else if (padded) {
      Value source = result;
      result = buildParallelGeneric(
          rewriter, loc, resultType, ValueRange{}, {},
          [&](OpBuilder &b, Location l, ValueRange) -> Value {
            SmallVector<Value> indices = loopIndices(b, l, rank);
            for (int64_t d = 0; d < rank; ++d)
              indices[d] = sourceIndex(b, l, *mode, indices[d], low[d], high[d],
                                       croppedShape[d]);
            return tensor::ExtractOp::create(b, l, source, indices);
          });
    }
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXPadToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<PadLowering>(patterns.getContext());
}

} // namespace onnxc
