//===- Slicing.cpp - Slice, Split, Tile and the block rearrangements ------===//
//
// Ops that copy a statically known set of input elements to the output. The
// parameters that decide which elements (Slice's starts/ends/axes/steps,
// Split's sizes, Tile's repeats) are constants for static shapes; Slice's
// starts and ends, Split's sizes and the input's dims may also be known
// only at run time (the offsets and sizes are then computed while the model
// runs, with run-time checks where ONNX requires agreement):
//
//   Slice          tensor.extract_slice with positive strides; axes with a
//                  negative step are then reversed by a linalg.generic
//                  reading `size - 1 - d`.
//   Split          one tensor.extract_slice per output.
//   Tile           a linalg.generic broadcasting to [r0, d0, r1, d1, ...]
//                  and a tensor.collapse_shape to [r0*d0, r1*d1, ...].
//   DepthToSpace,  tensor.expand_shape, linalg.transpose and
//   SpaceToDepth   tensor.collapse_shape, exactly the reshape/transpose/
//                  reshape the ONNX spec defines them by (static shapes; a
//                  generic computing each element's source otherwise).
//
// Tile with run-time dims or repeats reads the input at each output index
// modulo the input's dim.
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

namespace onnxc::linalg_lowering {
namespace {

/// Slice's start or end clamped as the ONNX spec defines it: negative values
/// count from the end, then [0, dim] for positive steps; for negative ones
/// a start into [0, dim - 1] and an end into [-1, dim - 1]. (An empty dim
/// gives -1 for both; the caller's count is 0 then.)
int64_t clampSliceIndex(int64_t index, int64_t dim, bool negativeStep,
                        bool isStart) {
  if (index < 0)
    index += dim;
  if (negativeStep)
    return std::max<int64_t>(std::min<int64_t>(index, dim - 1),
                             isStart && dim > 0 ? 0 : -1);
  return std::clamp<int64_t>(index, 0, dim);
}

/// `condition ? x : y` on sizes, folded when the condition is a constant.
OpFoldResult selectIndex(OpBuilder &b, Location loc, Value condition,
                         OpFoldResult x, OpFoldResult y) {
  return arith::SelectOp::create(b, loc, condition,
                                 getValueOrCreateConstantIndexOp(b, loc, x),
                                 getValueOrCreateConstantIndexOp(b, loc, y))
      .getResult();
}

/// clampSliceIndex() of a start or end known only at run time.
OpFoldResult clampSliceIndex(OpBuilder &b, Location loc, OpFoldResult index,
                             OpFoldResult dim, bool negativeStep,
                             bool isStart) {
  if (std::optional<int64_t> c = getConstantIntValue(index))
    if (std::optional<int64_t> d = getConstantIntValue(dim))
      return b.getIndexAttr(clampSliceIndex(*c, *d, negativeStep, isStart));
  Value value = getValueOrCreateConstantIndexOp(b, loc, index);
  Value negative = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::slt, value,
      arith::ConstantIndexOp::create(b, loc, 0));
  OpFoldResult wrapped =
      selectIndex(b, loc, negative, addIndex(b, loc, value, dim), value);
  OpFoldResult low = b.getIndexAttr(negativeStep && !isStart ? -1 : 0);
  OpFoldResult high =
      negativeStep ? subIndex(b, loc, dim, b.getIndexAttr(1)) : dim;
  // min last: an empty dim gives -1 for a negative step's start too.
  return minIndex(b, loc, maxIndex(b, loc, wrapped, low), high);
}

/// Slice with data dims or starts/ends known only at run time (axes and
/// steps constant): the same extract_slice and reversal as the static
/// lowering, with offsets and sizes computed while the model runs.
LogicalResult lowerDynamicSlice(SliceOp op, SliceOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) {
  Value data = adaptor.getData();
  auto dataType = cast<RankedTensorType>(data.getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = dataType.getRank();
  // The number of entries must be known: from the constant or the type.
  auto startsType = dyn_cast<RankedTensorType>(adaptor.getStarts().getType());
  auto endsType = dyn_cast<RankedTensorType>(adaptor.getEnds().getType());
  if (!startsType || !endsType || startsType.getRank() != 1 ||
      endsType.getRank() != 1)
    return rewriter.notifyMatchFailure(op, "static shapes only");
  int64_t n = startsType.getDimSize(0);
  if (std::optional<SmallVector<int64_t>> starts =
          getConstantInts(op.getStarts()))
    n = starts->size();
  SmallVector<int64_t> axes, steps;
  if (!isNone(op.getAxes())) {
    std::optional<SmallVector<int64_t>> constant =
        getConstantInts(op.getAxes());
    if (!constant)
      return rewriter.notifyMatchFailure(op, "axes must be a constant");
    axes = *constant;
    n = axes.size();
  }
  if (!isNone(op.getSteps())) {
    std::optional<SmallVector<int64_t>> constant =
        getConstantInts(op.getSteps());
    if (!constant)
      return rewriter.notifyMatchFailure(op, "steps must be a constant");
    steps = *constant;
    n = steps.size();
  }
  if (ShapedType::isDynamic(n))
    return rewriter.notifyMatchFailure(
        op, "static shapes only: the number of sliced axes is not known");
  if (axes.empty() && isNone(op.getAxes()))
    for (int64_t i = 0; i < n; ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(n, 1);
  if (static_cast<int64_t>(axes.size()) != n ||
      static_cast<int64_t>(steps.size()) != n ||
      (!startsType.isDynamicDim(0) && startsType.getDimSize(0) != n) ||
      (!endsType.isDynamicDim(0) && endsType.getDimSize(0) != n))
    return rewriter.notifyMatchFailure(
        op, "starts, ends, axes and steps have different lengths");

  Location loc = op.getLoc();
  for (Value v : {adaptor.getStarts(), adaptor.getEnds()})
    emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, v, 0),
                 rewriter.getIndexAttr(n),
                 "starts and ends must hold one value per sliced axis");
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = dimsOf(rewriter, loc, data);
  SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
  SmallVector<bool> reversed(rank, false), seen(rank, false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || steps[i] == 0 || seen[axis])
      return rewriter.notifyMatchFailure(
          op, "axis out of range or repeated, or zero step");
    seen[axis] = true;
    int64_t step = steps[i];
    OpFoldResult dim = sizes[axis];
    OpFoldResult start = clampSliceIndex(
        rewriter, loc,
        extractIndex(rewriter, loc, op.getStarts(), adaptor.getStarts(), i),
        dim, step < 0, /*isStart=*/true);
    OpFoldResult end = clampSliceIndex(
        rewriter, loc,
        extractIndex(rewriter, loc, op.getEnds(), adaptor.getEnds(), i), dim,
        step < 0, /*isStart=*/false);
    OpFoldResult zero = rewriter.getIndexAttr(0);
    OpFoldResult count =
        step > 0
            ? ceilDivIndex(rewriter, loc,
                           maxIndex(rewriter, loc,
                                    subIndex(rewriter, loc, end, start), zero),
                           rewriter.getIndexAttr(step))
            : ceilDivIndex(rewriter, loc,
                           maxIndex(rewriter, loc,
                                    subIndex(rewriter, loc, start, end), zero),
                           rewriter.getIndexAttr(-step));
    sizes[axis] = count;
    strides[axis] = rewriter.getIndexAttr(std::abs(step));
    if (step > 0) {
      offsets[axis] = start;
    } else {
      // The lowest element read; for an empty slice (start - step, or -1)
      // anything within [0, dim] does.
      OpFoldResult lowest = addIndex(
          rewriter, loc, start,
          mulIndex(rewriter, loc,
                   subIndex(rewriter, loc, count, rewriter.getIndexAttr(1)),
                   rewriter.getIndexAttr(step)));
      offsets[axis] =
          minIndex(rewriter, loc, maxIndex(rewriter, loc, lowest, zero), dim);
      reversed[axis] = true;
    }
  }
  auto slicedType = refineType(resultType.clone(SmallVector<int64_t>(
                                   rank, ShapedType::kDynamic)),
                               sizes);
  if (failed(verifyCompatibleShape(slicedType, resultType)))
    return rewriter.notifyMatchFailure(op,
                                       "result type disagrees with the slice");
  Value result = tensor::ExtractSliceOp::create(rewriter, loc, slicedType, data,
                                                offsets, sizes, strides);
  if (llvm::is_contained(reversed, true)) {
    SmallVector<Value> last;
    for (int64_t d = 0; d < rank; ++d)
      last.push_back(getValueOrCreateConstantIndexOp(
          rewriter, loc,
          subIndex(rewriter, loc, sizes[d], rewriter.getIndexAttr(1))));
    Value sliced = result;
    result = buildParallelGeneric(
        rewriter, loc, slicedType, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> indices = loopIndices(b, l, rank);
          for (int64_t d = 0; d < rank; ++d)
            if (reversed[d])
              indices[d] = arith::SubIOp::create(b, l, last[d], indices[d]);
          return tensor::ExtractOp::create(b, l, sliced, indices);
        },
        dynamicSizesOf(rewriter, loc, slicedType, sizes));
  }
  if (result.getType() != resultType)
    result = tensor::CastOp::create(rewriter, loc, resultType, result);
  rewriter.replaceOp(op, result);
  return success();
}

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    auto dataType = dyn_cast<RankedTensorType>(data.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !resultType)
      return rewriter.notifyMatchFailure(op, "static shapes only");
    std::optional<SmallVector<int64_t>> starts =
        getConstantInts(op.getStarts());
    std::optional<SmallVector<int64_t>> ends = getConstantInts(op.getEnds());
    if (!dataType.hasStaticShape() || !starts || !ends)
      return lowerDynamicSlice(op, adaptor, rewriter);
    int64_t rank = dataType.getRank();
    SmallVector<int64_t> axes, steps(starts->size(), 1);
    if (!isNone(op.getAxes())) {
      std::optional<SmallVector<int64_t>> constant =
          getConstantInts(op.getAxes());
      if (!constant)
        return rewriter.notifyMatchFailure(op, "axes must be a constant");
      axes = *constant;
    } else {
      for (size_t i = 0; i < starts->size(); ++i)
        axes.push_back(i);
    }
    if (!isNone(op.getSteps())) {
      std::optional<SmallVector<int64_t>> constant =
          getConstantInts(op.getSteps());
      if (!constant)
        return rewriter.notifyMatchFailure(op, "steps must be a constant");
      steps = *constant;
    }
    if (ends->size() != starts->size() || axes.size() != starts->size() ||
        steps.size() != starts->size())
      return rewriter.notifyMatchFailure(
          op, "starts, ends, axes and steps have different lengths");

    SmallVector<int64_t> offsets(rank, 0), sizes(dataType.getShape()),
        strides(rank, 1);
    SmallVector<bool> reversed(rank, false);
    for (size_t i = 0; i < starts->size(); ++i) {
      int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (axis < 0 || axis >= rank || steps[i] == 0)
        return rewriter.notifyMatchFailure(op,
                                           "axis out of range or zero step");
      int64_t step = steps[i], dim = dataType.getDimSize(axis);
      int64_t start = clampSliceIndex((*starts)[i], dim, step < 0, true);
      int64_t end = clampSliceIndex((*ends)[i], dim, step < 0, false);
      int64_t count =
          step > 0 ? llvm::divideCeil(std::max<int64_t>(end - start, 0), step)
                   : llvm::divideCeil(std::max<int64_t>(start - end, 0), -step);
      // A negative step reads start, start + step, ...: slice the same
      // elements upwards from the last one and reverse them afterwards.
      sizes[axis] = count;
      strides[axis] = std::abs(step);
      offsets[axis] = count == 0 ? 0
                      : step > 0 ? start
                                 : start + (count - 1) * step;
      reversed[axis] = step < 0 && count > 1;
    }
    if (ArrayRef<int64_t>(sizes) != resultType.getShape())
      return rewriter.notifyMatchFailure(
          op, "result type disagrees with the slice");

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    // Nothing to read (and an offset into an empty dim would not verify).
    if (resultType.getNumElements() == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(
          op, resultType.getShape(), resultType.getElementType());
      return success();
    }
    Value result = tensor::ExtractSliceOp::create(
        rewriter, loc, resultType, data, getAsIndexOpFoldResult(ctx, offsets),
        getAsIndexOpFoldResult(ctx, sizes),
        getAsIndexOpFoldResult(ctx, strides));
    if (llvm::is_contained(reversed, true)) {
      SmallVector<AffineExpr> exprs;
      for (int64_t d = 0; d < rank; ++d) {
        AffineExpr dim = getAffineDimExpr(d, ctx);
        exprs.push_back(
            reversed[d] ? getAffineConstantExpr(sizes[d] - 1, ctx) - dim : dim);
      }
      result = buildParallelGeneric(
          rewriter, loc, resultType, result,
          AffineMap::get(rank, 0, exprs, ctx),
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Split with dims or split sizes known only at run time: one
/// extract_slice per output, its size along the axis from `split` (checked
/// to sum to the axis at run time) or, without it, equal parts of
/// ceil(dim / outputs) with the last one smaller (opset 18's rule; earlier
/// opsets require dim to divide evenly, which gives the same parts).
LogicalResult lowerDynamicSplit(SplitOp op, Value input, Value split,
                                ConversionPatternRewriter &rewriter) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
  if (axis < 0 || axis >= rank)
    return rewriter.notifyMatchFailure(op, "axis out of range");
  Location loc = op.getLoc();
  int64_t n = op.getNumResults();
  SmallVector<OpFoldResult> dims = dimsOf(rewriter, loc, input);
  OpFoldResult dim = dims[axis];
  SmallVector<OpFoldResult> splitSizes;
  if (!isNone(op.getSplit())) {
    auto splitType = dyn_cast<RankedTensorType>(split.getType());
    if (!splitType || splitType.getRank() != 1 ||
        (!splitType.isDynamicDim(0) && splitType.getDimSize(0) != n))
      return rewriter.notifyMatchFailure(op, "one split size per output");
    emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, split, 0),
                 rewriter.getIndexAttr(n), "split must hold one size per output");
    for (int64_t i = 0; i < n; ++i) {
      splitSizes.push_back(
          extractIndex(rewriter, loc, op.getSplit(), split, i));
      emitAtMostCheck(rewriter, loc, op, rewriter.getIndexAttr(0),
                      splitSizes.back(), "a split size is negative");
    }
  } else {
    OpFoldResult part =
        ceilDivIndex(rewriter, loc, dim, rewriter.getIndexAttr(n));
    for (int64_t i = 0; i < n; ++i)
      splitSizes.push_back(maxIndex(
          rewriter, loc, rewriter.getIndexAttr(0),
          minIndex(rewriter, loc, part,
                   subIndex(rewriter, loc, dim,
                            mulIndex(rewriter, loc, part,
                                     rewriter.getIndexAttr(i))))));
  }
  // The sizes are checked before the outputs are sliced.
  if (!isNone(op.getSplit())) {
    OpFoldResult total = rewriter.getIndexAttr(0);
    for (OpFoldResult size : splitSizes)
      total = addIndex(rewriter, loc, total, size);
    emitDimCheck(rewriter, loc, op, total, dim,
                 "the split sizes do not sum to the axis' size");
  }
  SmallVector<Value> results;
  OpFoldResult offset = rewriter.getIndexAttr(0);
  for (auto [result, size] : llvm::zip(op.getResults(), splitSizes)) {
    auto resultType = dyn_cast<RankedTensorType>(result.getType());
    if (!resultType || resultType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "outputs are not sized");
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes(dims);
    offsets[axis] = offset;
    sizes[axis] = size;
    auto type = refineType(inputType.clone(SmallVector<int64_t>(
                               rank, ShapedType::kDynamic)),
                           sizes);
    if (failed(verifyCompatibleShape(type, resultType)))
      return rewriter.notifyMatchFailure(
          op, "split sizes disagree with the outputs");
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, type, input, offsets, sizes,
        SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(1)));
    if (type != resultType)
      slice = tensor::CastOp::create(rewriter, loc, resultType, slice);
    results.push_back(slice);
    offset = addIndex(rewriter, loc, offset, size);
  }
  rewriter.replaceOp(op, results);
  return success();
}

struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    if (!inputType)
      return rewriter.notifyMatchFailure(op, "static shapes only");
    if (!inputType.hasStaticShape() || llvm::any_of(op.getResults(), [](Value r) {
          auto type = dyn_cast<RankedTensorType>(r.getType());
          return !type || !type.hasStaticShape();
        }))
      return lowerDynamicSplit(op, input, adaptor.getSplit(), rewriter);
    int64_t rank = inputType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    SmallVector<int64_t> splitSizes;
    if (!isNone(op.getSplit())) {
      std::optional<SmallVector<int64_t>> constant =
          getConstantInts(op.getSplit());
      if (!constant)
        return rewriter.notifyMatchFailure(op,
                                           "split sizes must be a constant");
      splitSizes = *constant;
    } else {
      // Equal parts (the last may be smaller): shape inference sized them.
      for (Value result : op.getResults()) {
        auto type = dyn_cast<RankedTensorType>(result.getType());
        if (!type || type.isDynamicDim(axis))
          return rewriter.notifyMatchFailure(op, "outputs are not sized");
        splitSizes.push_back(type.getDimSize(axis));
      }
    }
    if (splitSizes.size() != op.getNumResults())
      return rewriter.notifyMatchFailure(op, "one split size per output");

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<Value> results;
    int64_t offset = 0;
    for (auto [result, size] : llvm::zip(op.getResults(), splitSizes)) {
      SmallVector<int64_t> offsets(rank, 0), sizes(inputType.getShape());
      offsets[axis] = offset;
      sizes[axis] = size;
      offset += size;
      auto type = RankedTensorType::get(sizes, inputType.getElementType());
      if (type != result.getType() || offset > inputType.getDimSize(axis))
        return rewriter.notifyMatchFailure(
            op, "split sizes disagree with the outputs");
      results.push_back(tensor::ExtractSliceOp::create(
          rewriter, loc, type, input, getAsIndexOpFoldResult(ctx, offsets),
          getAsIndexOpFoldResult(ctx, sizes),
          getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(rank, 1))));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Tile with dims or repeats known only at run time: output dim d is
/// input dim d times repeats[d] (read while running, checked
/// non-negative), and a generic over the output reads the input at each
/// index modulo the input's dim.
LogicalResult lowerDynamicTile(TileOp op, Value input, Value repeats,
                               ConversionPatternRewriter &rewriter) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  auto repeatsType = dyn_cast<RankedTensorType>(repeats.getType());
  int64_t rank = inputType.getRank();
  if (!repeatsType || repeatsType.getRank() != 1 ||
      resultType.getRank() != rank ||
      (!repeatsType.isDynamicDim(0) && repeatsType.getDimSize(0) != rank))
    return rewriter.notifyMatchFailure(op, "one repeat per input dimension");
  Location loc = op.getLoc();
  emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, repeats, 0),
               rewriter.getIndexAttr(rank), "repeats must hold one value per "
                                            "input dim");
  SmallVector<OpFoldResult> inDims = dimsOf(rewriter, loc, input);
  SmallVector<OpFoldResult> sizes;
  SmallVector<Value> inSizes;
  for (int64_t d = 0; d < rank; ++d) {
    OpFoldResult repeat =
        extractIndex(rewriter, loc, op.getRepeats(), repeats, d);
    emitAtMostCheck(rewriter, loc, op, rewriter.getIndexAttr(0), repeat,
                    "a repeat is negative");
    sizes.push_back(mulIndex(rewriter, loc, inDims[d], repeat));
    inSizes.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, inDims[d]));
  }
  if (failed(verifyCompatibleShape(
          refineType(resultType.clone(SmallVector<int64_t>(
                         rank, ShapedType::kDynamic)),
                     sizes),
          resultType)))
    return rewriter.notifyMatchFailure(op,
                                       "result type disagrees with repeats");
  Value result = buildParallelGeneric(
      rewriter, loc, resultType, {}, {},
      [&](OpBuilder &b, Location l, ValueRange) -> Value {
        SmallVector<Value> indices = loopIndices(b, l, rank);
        for (int64_t d = 0; d < rank; ++d)
          if (inputType.getDimSize(d) != 1 ||
              resultType.getDimSize(d) != 1)
            indices[d] = arith::RemUIOp::create(b, l, indices[d], inSizes[d]);
        return tensor::ExtractOp::create(b, l, input, indices);
      },
      dynamicSizesOf(rewriter, loc, resultType, sizes));
  rewriter.replaceOp(op, result);
  return success();
}

struct TileLowering : OpConversionPattern<TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType)
      return rewriter.notifyMatchFailure(op, "static shapes only");
    std::optional<SmallVector<int64_t>> repeats =
        getConstantInts(op.getRepeats());
    if (!inputType.hasStaticShape() || !resultType.hasStaticShape() ||
        !repeats)
      return lowerDynamicTile(op, input, adaptor.getRepeats(), rewriter);
    int64_t rank = inputType.getRank();
    if (static_cast<int64_t>(repeats->size()) != rank)
      return rewriter.notifyMatchFailure(op, "one repeat per input dimension");
    if (inputType == resultType) {
      rewriter.replaceOp(op, input);
      return success();
    }
    // Loops over [r0, d0, r1, d1, ...]; the input is read at the d's.
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> tiledShape;
    SmallVector<AffineExpr> inputExprs;
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < rank; ++d) {
      tiledShape.push_back((*repeats)[d]);
      tiledShape.push_back(inputType.getDimSize(d));
      inputExprs.push_back(getAffineDimExpr(2 * d + 1, ctx));
      groups.push_back({2 * d, 2 * d + 1});
    }
    auto tiledType =
        RankedTensorType::get(tiledShape, inputType.getElementType());
    Location loc = op.getLoc();
    Value tiled = buildParallelGeneric(
        rewriter, loc, tiledType, input,
        AffineMap::get(2 * rank, 0, inputExprs, ctx),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType, tiled,
                                                         groups);
    return success();
  }
};

/// expand_shape(`groupsIn`) -> transpose(`perm`) ->
/// collapse_shape(`groupsOut`).
Value reshapeTransposeReshape(OpBuilder &b, Location loc, Value input,
                              ArrayRef<int64_t> expandedShape,
                              ArrayRef<ReassociationIndices> groupsIn,
                              ArrayRef<int64_t> perm,
                              ArrayRef<ReassociationIndices> groupsOut,
                              RankedTensorType resultType) {
  Type element = resultType.getElementType();
  auto expandedType = RankedTensorType::get(expandedShape, element);
  Value expanded =
      tensor::ExpandShapeOp::create(b, loc, expandedType, input, groupsIn);
  SmallVector<int64_t> transposedShape;
  for (int64_t p : perm)
    transposedShape.push_back(expandedShape[p]);
  Value init = tensor::EmptyOp::create(b, loc, transposedShape, element);
  Value transposed =
      linalg::TransposeOp::create(b, loc, expanded, init, perm).getResult()[0];
  return tensor::CollapseShapeOp::create(b, loc, resultType, transposed,
                                         groupsOut);
}

/// DepthToSpace and SpaceToDepth: NCHW input and result.
template <typename OnnxOp>
LogicalResult matchBlockRearrangement(OnnxOp op, Value input,
                                      ConversionPatternRewriter &rewriter) {
  auto inputType = dyn_cast<RankedTensorType>(input.getType());
  auto resultType = dyn_cast<RankedTensorType>(op.getType());
  if (!inputType || !resultType || inputType.getRank() != 4 ||
      resultType.getRank() != 4)
    return rewriter.notifyMatchFailure(op, "4-D shapes only");
  return success();
}

/// DepthToSpace (`toSpace`) and SpaceToDepth over NCHW dims known only at
/// run time: one generic over the output reading the input element the
/// ONNX definition moves there (DepthToSpace: in[n, c', h / b, w / b] with
/// c' from c and the offsets h % b, w % b in DCR or CRD order;
/// SpaceToDepth: in[n, c % C, h * b + bh, w * b + bw] with (bh, bw) from
/// c / C). The dims the block size must divide are checked at run time.
LogicalResult lowerDynamicBlockRearrangement(Operation *op, Value input,
                                             int64_t blockSize, bool toSpace,
                                             bool crd,
                                             ConversionPatternRewriter &rewriter) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Location loc = op->getLoc();
  SmallVector<OpFoldResult> in = dimsOf(rewriter, loc, input);
  OpFoldResult b = rewriter.getIndexAttr(blockSize);
  OpFoldResult bb = rewriter.getIndexAttr(blockSize * blockSize);
  SmallVector<OpFoldResult> sizes;
  auto checkDivides = [&](OpFoldResult dim, OpFoldResult by, StringRef what) {
    emitDimCheck(rewriter, loc, op,
                 mulIndex(rewriter, loc, floorDivIndex(rewriter, loc, dim, by),
                          by),
                 dim, what);
  };
  if (toSpace) {
    checkDivides(in[1], bb, "the channels are not a multiple of blocksize^2");
    sizes = {in[0], floorDivIndex(rewriter, loc, in[1], bb),
             mulIndex(rewriter, loc, in[2], b),
             mulIndex(rewriter, loc, in[3], b)};
  } else {
    checkDivides(in[2], b, "the height is not a multiple of blocksize");
    checkDivides(in[3], b, "the width is not a multiple of blocksize");
    sizes = {in[0], mulIndex(rewriter, loc, in[1], bb),
             floorDivIndex(rewriter, loc, in[2], b),
             floorDivIndex(rewriter, loc, in[3], b)};
  }
  if (failed(verifyCompatibleShape(
          refineType(resultType.clone(SmallVector<int64_t>(
                         4, ShapedType::kDynamic)),
                     sizes),
          resultType)))
    return rewriter.notifyMatchFailure(op, "result type disagrees");
  // The channels of the smaller-channel side: output C for DepthToSpace,
  // input C for SpaceToDepth.
  Value channels = getValueOrCreateConstantIndexOp(
      rewriter, loc, toSpace ? sizes[1] : in[1]);
  Value result = buildParallelGeneric(
      rewriter, loc, resultType, {}, {},
      [&](OpBuilder &nb, Location l, ValueRange) -> Value {
        SmallVector<Value> i = loopIndices(nb, l, 4);
        auto c = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        auto add = [&](Value x, Value y) -> Value {
          return arith::AddIOp::create(nb, l, x, y);
        };
        auto mul = [&](Value x, Value y) -> Value {
          return arith::MulIOp::create(nb, l, x, y);
        };
        auto div = [&](Value x, Value y) -> Value {
          return arith::DivUIOp::create(nb, l, x, y);
        };
        auto rem = [&](Value x, Value y) -> Value {
          return arith::RemUIOp::create(nb, l, x, y);
        };
        Value block = c(blockSize);
        SmallVector<Value> coords(4);
        coords[0] = i[0];
        if (toSpace) {
          Value bh = rem(i[2], block), bw = rem(i[3], block);
          Value offset = add(mul(bh, block), bw);
          coords[1] = crd ? add(mul(i[1], c(blockSize * blockSize)), offset)
                          : add(mul(offset, channels), i[1]);
          coords[2] = div(i[2], block);
          coords[3] = div(i[3], block);
        } else {
          Value offset = div(i[1], channels);
          coords[1] = rem(i[1], channels);
          coords[2] = add(mul(i[2], block), div(offset, block));
          coords[3] = add(mul(i[3], block), rem(offset, block));
        }
        return tensor::ExtractOp::create(nb, l, input, coords);
      },
      dynamicSizesOf(rewriter, loc, resultType, sizes));
  rewriter.replaceOp(op, result);
  return success();
}

struct DepthToSpaceLowering : OpConversionPattern<DepthToSpaceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DepthToSpaceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    if (failed(matchBlockRearrangement(op, input, rewriter)))
      return failure();
    bool crd = op.getMode() == "CRD";
    if (!crd && op.getMode() != "DCR")
      return rewriter.notifyMatchFailure(op, "mode must be DCR or CRD");
    if (!cast<RankedTensorType>(input.getType()).hasStaticShape() ||
        !cast<RankedTensorType>(op.getType()).hasStaticShape())
      return lowerDynamicBlockRearrangement(op, input, op.getBlocksize(),
                                            /*toSpace=*/true, crd, rewriter);
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(input.getType()).getShape();
    int64_t n = shape[0], c = shape[1], h = shape[2], w = shape[3];
    int64_t b = op.getBlocksize(), depth = c / (b * b);
    // DCR splits the channels as [b, b, C/b^2], CRD as [C/b^2, b, b]; both
    // end as [N, C/b^2, H, b, W, b].
    SmallVector<int64_t> expanded =
        crd ? SmallVector<int64_t>{n, depth, b, b, h, w}
            : SmallVector<int64_t>{n, b, b, depth, h, w};
    SmallVector<int64_t> perm = crd ? SmallVector<int64_t>{0, 1, 4, 2, 5, 3}
                                    : SmallVector<int64_t>{0, 3, 4, 1, 5, 2};
    rewriter.replaceOp(
        op, reshapeTransposeReshape(rewriter, op.getLoc(), input, expanded,
                                    {{0}, {1, 2, 3}, {4}, {5}}, perm,
                                    {{0}, {1}, {2, 3}, {4, 5}},
                                    cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct SpaceToDepthLowering : OpConversionPattern<SpaceToDepthOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SpaceToDepthOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    if (failed(matchBlockRearrangement(op, input, rewriter)))
      return failure();
    if (!cast<RankedTensorType>(input.getType()).hasStaticShape() ||
        !cast<RankedTensorType>(op.getType()).hasStaticShape())
      return lowerDynamicBlockRearrangement(op, input, op.getBlocksize(),
                                            /*toSpace=*/false, false, rewriter);
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(input.getType()).getShape();
    int64_t b = op.getBlocksize();
    // [N, C, H/b, b, W/b, b] -> [N, b, b, C, H/b, W/b].
    SmallVector<int64_t> expanded = {shape[0], shape[1],     shape[2] / b,
                                     b,        shape[3] / b, b};
    rewriter.replaceOp(op, reshapeTransposeReshape(
                               rewriter, op.getLoc(), input, expanded,
                               {{0}, {1}, {2, 3}, {4, 5}}, {0, 3, 5, 1, 2, 4},
                               {{0}, {1, 2, 3}, {4}, {5}},
                               cast<RankedTensorType>(op.getType())));
    return success();
  }
};

} // namespace

void populateONNXSlicingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SliceLowering, SplitLowering, TileLowering, DepthToSpaceLowering,
               SpaceToDepthLowering>(patterns.getContext());
}

} // namespace onnxc::linalg_lowering
