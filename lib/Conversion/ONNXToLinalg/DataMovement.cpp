//===- DataMovement.cpp - Reshapes, Transpose and Concat to linalg/tensor -===//
//
// Reshape, Flatten, Squeeze and Unsqueeze only change the shape: with static
// shapes they become tensor.collapse_shape to 1-D followed by
// tensor.expand_shape to the result (folded away by canonicalization when
// one of them is trivial). Transpose becomes linalg.transpose and Concat
// tensor.concat. Gather reads `data` at its run-time indices, clamped into
// the axis (clampedIndex, IndexingUtils.h) so that no index reads out of
// bounds.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "DynamicShapes.h"
#include "IndexingUtils.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// Reshapes `source` to the static `resultType` through a 1-D tensor.
Value reshapeStatic(OpBuilder &b, Location loc, Value source,
                    RankedTensorType resultType) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  if (sourceType == resultType)
    return source;
  auto all = [](int64_t rank) {
    ReassociationIndices group;
    for (int64_t i = 0; i < rank; ++i)
      group.push_back(i);
    return group;
  };
  Value flat = source;
  auto flatType = RankedTensorType::get({sourceType.getNumElements()},
                                        sourceType.getElementType());
  if (sourceType.getRank() == 0)
    flat = tensor::ExpandShapeOp::create(b, loc, flatType, source,
                                         SmallVector<ReassociationIndices>{});
  else if (sourceType.getRank() > 1)
    flat = tensor::CollapseShapeOp::create(
        b, loc, flatType, source,
        SmallVector<ReassociationIndices>{all(sourceType.getRank())});
  if (resultType.getRank() == 1)
    return flat;
  if (resultType.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           SmallVector<ReassociationIndices>{});
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, flat,
      SmallVector<ReassociationIndices>{all(resultType.getRank())});
}

/// Reshapes `source` to `resultType` (dims `sizes`) where the reshape
/// merges the source dims of each group of `groups` into one result dim
/// (a collapse, `expand` false) or splits each source dim into the result
/// dims of its group (an expand). Both keep dims known only at run time
/// visible to the later passes, unlike a reshape through a shape tensor.
Value reshapeByGroups(OpBuilder &b, Location loc, Value source,
                      RankedTensorType resultType,
                      ArrayRef<ReassociationIndices> groups,
                      ArrayRef<OpFoldResult> sizes, bool expand) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  if (expand)
    return tensor::ExpandShapeOp::create(b, loc, resultType, source, groups,
                                         sizes);
  // A group holding a run-time dim collapses to a run-time dim, which the
  // result type may know statically (a squeezed `?` beside a static dim).
  SmallVector<int64_t> collapsed;
  for (const ReassociationIndices &group : groups) {
    int64_t size = 1;
    for (int64_t d : group)
      size = sourceType.isDynamicDim(d) || size == ShapedType::kDynamic
                 ? ShapedType::kDynamic
                 : size * sourceType.getDimSize(d);
    collapsed.push_back(size);
  }
  auto collapsedType = resultType.clone(collapsed);
  Value result =
      tensor::CollapseShapeOp::create(b, loc, collapsedType, source, groups);
  if (collapsedType != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);
  return result;
}

/// Squeeze and Unsqueeze: `unit` marks the dims of size 1 that the larger
/// side (the source for Squeeze, the result for Unsqueeze) has and the
/// other lacks; each joins the reassociation group of the kept dim before
/// it (the first kept dim's when it leads). `sizes` are the result's dims.
/// Without a kept dim, a reshape to `sizes`.
static Value reshapeUnitDims(OpBuilder &b, Location loc, Operation *op,
                             Value source, RankedTensorType resultType,
                             ArrayRef<bool> unit,
                             ArrayRef<OpFoldResult> sizes, bool expand) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0, e = unit.size(); d < e; ++d)
    if (!unit[d])
      groups.push_back({d});
  if (groups.empty())
    return reshapeToSizes(b, loc, op, source, resultType, sizes);
  for (int64_t d = 0, g = -1, e = unit.size(); d < e; ++d) {
    if (!unit[d]) {
      ++g;
      continue;
    }
    ReassociationIndices &group = groups[std::max<int64_t>(g, 0)];
    group.push_back(d);
    llvm::sort(group);
  }
  return reshapeByGroups(b, loc, source, resultType, groups, sizes, expand);
}

/// Reshape's output dims for a `shape` operand known only at run time (or
/// holding a 0 or -1 for a run-time dim): 0 copies the input's dim unless
/// `allowzero`, -1 is the input's element count over the product of the
/// other dims. Dims static in `resultType` are taken from it.
SmallVector<OpFoldResult> reshapeSizes(OpBuilder &b, Location loc,
                                       ReshapeOp op, Value source, Value shape,
                                       RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  int64_t sourceRank = cast<RankedTensorType>(source.getType()).getRank();
  SmallVector<OpFoldResult> sourceDims = dimsOf(b, loc, source);
  OpFoldResult total = productIndex(b, loc, sourceDims);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value minusOne = arith::ConstantIndexOp::create(b, loc, -1);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  // Each entry after the 0 rule; `inferred[i]` when it is -1 (a constant
  // flag, or an i1 for a run-time entry).
  SmallVector<OpFoldResult> entries;
  SmallVector<Value> isInferred(rank);
  SmallVector<bool> constantInferred(rank, false);
  for (int64_t i = 0; i < rank; ++i) {
    OpFoldResult entry = extractIndex(b, loc, op.getShape(), shape, i);
    OpFoldResult copied =
        i < sourceRank ? sourceDims[i] : OpFoldResult(b.getIndexAttr(0));
    if (std::optional<int64_t> c = getConstantIntValue(entry)) {
      if (*c == 0 && !op.getAllowzero())
        entry = copied;
      constantInferred[i] = *c == -1;
      entries.push_back(entry);
      continue;
    }
    Value value = cast<Value>(entry);
    if (!op.getAllowzero()) {
      Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           value, zero);
      value = arith::SelectOp::create(
          b, loc, isZero, getValueOrCreateConstantIndexOp(b, loc, copied),
          value);
    }
    isInferred[i] = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          value, minusOne);
    entries.push_back(value);
  }
  // The product of the entries that are not -1 (at least 1, so that a -1
  // beside a 0 is 0 rather than a division by zero).
  OpFoldResult known = b.getIndexAttr(1);
  for (int64_t i = 0; i < rank; ++i) {
    if (constantInferred[i])
      continue;
    OpFoldResult factor = entries[i];
    if (isInferred[i])
      factor = arith::SelectOp::create(
                   b, loc, isInferred[i], one,
                   getValueOrCreateConstantIndexOp(b, loc, factor))
                   .getResult();
    known = mulIndex(b, loc, known, factor);
  }
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i < rank; ++i) {
    if (!resultType.isDynamicDim(i)) {
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(i)));
      continue;
    }
    if (!constantInferred[i] && !isInferred[i]) {
      sizes.push_back(entries[i]);
      continue;
    }
    OpFoldResult inferred = floorDivIndex(
        b, loc, total, maxIndex(b, loc, known, b.getIndexAttr(1)));
    if (constantInferred[i]) {
      sizes.push_back(inferred);
      continue;
    }
    sizes.push_back(
        arith::SelectOp::create(
            b, loc, isInferred[i],
            getValueOrCreateConstantIndexOp(b, loc, inferred),
            getValueOrCreateConstantIndexOp(b, loc, entries[i]))
            .getResult());
  }
  return sizes;
}

/// The reshapes with a dim known only at run time. Flatten, Squeeze and
/// Unsqueeze merge or split dims in groups (collapse_shape/expand_shape);
/// Reshape computes its output dims by the ONNX rules and reshapes through
/// a shape tensor. Each checks at run time what the op requires: the
/// squeezed dims are 1, Reshape keeps the element count.
LogicalResult lowerDynamicReshape(Operation *op, Value source,
                                  RankedTensorType resultType,
                                  ArrayRef<Value> operands,
                                  ConversionPatternRewriter &rewriter) {
  Location loc = op->getLoc();
  auto sourceType = cast<RankedTensorType>(source.getType());
  int64_t rank = sourceType.getRank();
  int64_t resultRank = resultType.getRank();
  SmallVector<OpFoldResult> sourceDims = dimsOf(rewriter, loc, source);
  if (auto flatten = dyn_cast<FlattenOp>(op)) {
    int64_t axis =
        flatten.getAxis() < 0 ? flatten.getAxis() + rank : flatten.getAxis();
    ArrayRef<OpFoldResult> dims(sourceDims);
    SmallVector<OpFoldResult> sizes = {
        productIndex(rewriter, loc, dims.take_front(axis)),
        productIndex(rewriter, loc, dims.drop_front(axis))};
    if (axis > 0 && axis < rank) {
      ReassociationIndices front, back;
      for (int64_t d = 0; d < rank; ++d)
        (d < axis ? front : back).push_back(d);
      rewriter.replaceOp(op, reshapeByGroups(rewriter, loc, source, resultType,
                                             {front, back}, sizes, false));
    } else {
      rewriter.replaceOp(op, reshapeToSizes(rewriter, loc, op, source,
                                            resultType, sizes));
    }
    return success();
  }
  if (auto squeeze = dyn_cast<SqueezeOp>(op)) {
    std::optional<SmallVector<int64_t>> axes =
        isNone(squeeze.getAxes()) ? std::nullopt
                                  : getConstantInts(squeeze.getAxes());
    if (!axes)
      return rewriter.notifyMatchFailure(
          op, "dynamic reshapes not lowered yet: axes are not constant");
    SmallVector<bool> removed(rank, false);
    for (int64_t axis : *axes) {
      axis = axis < 0 ? axis + rank : axis;
      if (axis < 0 || axis >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      removed[axis] = true;
      emitDimCheck(rewriter, loc, op, sourceDims[axis],
                   rewriter.getIndexAttr(1),
                   "a squeezed dim is not 1 (dim " + Twine(axis) + ")");
    }
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d)
      if (!removed[d])
        sizes.push_back(sourceDims[d]);
    if (static_cast<int64_t>(sizes.size()) != resultRank)
      return rewriter.notifyMatchFailure(op, "result rank disagrees with axes");
    rewriter.replaceOp(op, reshapeUnitDims(rewriter, loc, op, source, resultType,
                                           removed, sizes, /*expand=*/false));
    return success();
  }
  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(op)) {
    std::optional<SmallVector<int64_t>> axes =
        getConstantInts(unsqueeze.getAxes());
    if (!axes)
      return rewriter.notifyMatchFailure(
          op, "dynamic reshapes not lowered yet: axes are not constant");
    SmallVector<bool> inserted(resultRank, false);
    for (int64_t axis : *axes) {
      axis = axis < 0 ? axis + resultRank : axis;
      if (axis < 0 || axis >= resultRank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      inserted[axis] = true;
    }
    SmallVector<OpFoldResult> sizes;
    int64_t next = 0;
    for (int64_t d = 0; d < resultRank; ++d)
      sizes.push_back(inserted[d] ? OpFoldResult(rewriter.getIndexAttr(1))
                                  : sourceDims[next++]);
    if (next != rank)
      return rewriter.notifyMatchFailure(op, "result rank disagrees with axes");
    rewriter.replaceOp(op, reshapeUnitDims(rewriter, loc, op, source, resultType,
                                           inserted, sizes, /*expand=*/true));
    return success();
  }
  auto reshape = cast<ReshapeOp>(op);
  SmallVector<OpFoldResult> sizes =
      reshapeSizes(rewriter, loc, reshape, source, operands[1], resultType);
  rewriter.replaceOp(op, reshapeToSizes(rewriter, loc, op, source, resultType,
                                        sizes));
  return success();
}

template <typename OnnxOp>
struct ReshapeLikeLowering : OpConversionPattern<OnnxOp> {
  using OpConversionPattern<OnnxOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OnnxOp>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OnnxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value source = adaptor.getOperands()[0];
    auto sourceType = dyn_cast<RankedTensorType>(source.getType());
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!sourceType || !resultType)
      return rewriter.notifyMatchFailure(op, "dynamic reshapes not lowered yet");
    if (!sourceType.hasStaticShape() || !resultType.hasStaticShape())
      return lowerDynamicReshape(op, source, resultType,
                                 llvm::to_vector(adaptor.getOperands()),
                                 rewriter);
    rewriter.replaceOp(op, reshapeStatic(rewriter, op.getLoc(), source,
                                         resultType));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto sourceType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!sourceType || !resultType)
      return failure();
    SmallVector<int64_t> perm;
    if (std::optional<ArrayRef<int64_t>> attr = op.getPerm())
      perm.assign(attr->begin(), attr->end());
    else
      for (int64_t i = sourceType.getRank() - 1; i >= 0; --i)
        perm.push_back(i);
    Location loc = op.getLoc();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      if (resultType.isDynamicDim(d))
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc, adaptor.getData(), perm[d]));
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType(), sizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, loc,
                                                       adaptor.getData(), init,
                                                       perm)
                               .getResult());
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType)
      return failure();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + resultType.getRank()
                                    : op.getAxis();
    SmallVector<Value> inputs;
    for (Value v : adaptor.getInputs())
      if (cast<RankedTensorType>(v.getType()).getDimSize(axis) != 0)
        inputs.push_back(v);
    // Dims known only at run time off the axis must agree (tensor.concat
    // assumes they do).
    Value first = adaptor.getInputs().front();
    for (auto [i, v] : llvm::enumerate(adaptor.getInputs()))
      for (int64_t d = 0; i > 0 && d < resultType.getRank(); ++d)
        if (d != axis)
          emitDimCheck(rewriter, op.getLoc(), op,
                       dimOf(rewriter, op.getLoc(), v, d),
                       dimOf(rewriter, op.getLoc(), first, d),
                       "dim " + Twine(d) + " of input " + Twine(i) +
                           " differs from input 0's");
    if (inputs.size() == 1) {
      rewriter.replaceOp(op, inputs[0]);
      return success();
    }
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(op, resultType, axis, inputs);
    return success();
  }
};

/// Gather: a generic over the output that extracts from `data` at the
/// index read from `indices` (negative indices count from the end; indices
/// out of range are invalid and clamped into the axis).
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = dyn_cast<RankedTensorType>(data.getType());
    auto indicesType = dyn_cast<RankedTensorType>(indices.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !indicesType || !resultType)
      return rewriter.notifyMatchFailure(op, "unranked data, indices or result");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + dataType.getRank()
                                    : op.getAxis();
    int64_t indexRank = indicesType.getRank();
    SmallVector<int64_t> expectedShape(dataType.getShape().take_front(axis));
    llvm::append_range(expectedShape, indicesType.getShape());
    llvm::append_range(expectedShape, dataType.getShape().drop_front(axis + 1));
    if (!succeeded(verifyCompatibleShape(expectedShape, resultType.getShape())))
      return rewriter.notifyMatchFailure(op,
                                         "result shape disagrees with indices");
    if (dataType.getDimSize(axis) == 0 && resultType.hasStaticShape() &&
        resultType.getNumElements() != 0)
      return failOutOfBoundsShapes(op, "indices address an empty axis",
                                   rewriter);
    // Run-time dims: the output's come from data and indices, and an empty
    // axis may only be addressed by no index (checked while running).
    SmallVector<OpFoldResult> sizes;
    if (!resultType.hasStaticShape()) {
      for (int64_t d = 0; d < axis; ++d)
        sizes.push_back(dimOf(rewriter, op.getLoc(), data, d));
      llvm::append_range(sizes, dimsOf(rewriter, op.getLoc(), indices));
      for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
        sizes.push_back(dimOf(rewriter, op.getLoc(), data, d));
      OpFoldResult count = productIndex(rewriter, op.getLoc(), sizes);
      emitAtMostCheck(
          rewriter, op.getLoc(), op, count,
          mulIndex(rewriter, op.getLoc(), count,
                   dimOf(rewriter, op.getLoc(), data, axis)),
          "indices address an empty axis");
    }
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < indexRank; ++i)
      indexExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, indexExprs, ctx),
                                   rewriter.getMultiDimIdentityMap(rank)};
    Value init = tensor::EmptyOp::create(
        rewriter, loc, resultType.getShape(), resultType.getElementType(),
        dynamicSizesOf(rewriter, loc, resultType, sizes));
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, resultType, indices, init, maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value index =
                  dataType.isDynamicDim(axis)
                      ? clampedIndex(b, l, args[0],
                                     tensor::DimOp::create(b, l, data, axis))
                      : clampedIndex(b, l, args[0], dataType.getDimSize(axis));
              SmallVector<Value> coords;
              for (int64_t d = 0; d < axis; ++d)
                coords.push_back(linalg::IndexOp::create(b, l, d));
              coords.push_back(index);
              for (int64_t d = axis + indexRank; d < rank; ++d)
                coords.push_back(linalg::IndexOp::create(b, l, d));
              Value v = tensor::ExtractOp::create(b, l, data, coords);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Expand to a shape known only at run time (or onto run-time dims): each
/// output dim is the broadcast of the input's dim and the shape's entry
/// (trailing dims aligned), which must be equal unless one is 1 (checked
/// while running); a generic over the output reads the input at index 0
/// along the dims where the input's is 1.
LogicalResult lowerDynamicExpand(ExpandOp op, Value input, Value shape,
                                 ConversionPatternRewriter &rewriter) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  auto shapeType = dyn_cast<RankedTensorType>(shape.getType());
  int64_t rank = resultType.getRank(), inputRank = inputType.getRank();
  if (!shapeType || shapeType.getRank() != 1 || rank < inputRank ||
      shapeType.isDynamicDim(0) ||
      std::max(shapeType.getDimSize(0), inputRank) != rank)
    return rewriter.notifyMatchFailure(
        op, "static shapes only (the shape's length must be known)");
  Location loc = op.getLoc();
  int64_t shapeLength = shapeType.getDimSize(0);
  SmallVector<OpFoldResult> sizes;
  SmallVector<Value> isOne(rank);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t s = d - (rank - shapeLength), i = d - (rank - inputRank);
    OpFoldResult entry =
        s >= 0 ? extractIndex(rewriter, loc, op.getShape(), shape, s)
               : OpFoldResult(rewriter.getIndexAttr(1));
    if (i < 0) {
      sizes.push_back(entry);
      continue;
    }
    OpFoldResult dim = dimOf(rewriter, loc, input, i);
    std::optional<int64_t> staticDim = getConstantIntValue(dim);
    std::optional<int64_t> staticEntry = getConstantIntValue(entry);
    if (staticDim && *staticDim == 1) {
      sizes.push_back(entry);
      continue;
    }
    if (staticEntry && *staticEntry == 1) {
      sizes.push_back(dim);
      continue;
    }
    Value dimValue = getValueOrCreateConstantIndexOp(rewriter, loc, dim);
    Value entryValue = getValueOrCreateConstantIndexOp(rewriter, loc, entry);
    Value dimIsOne = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, dimValue, one);
    Value entryIsOne = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, entryValue, one);
    // Equal unless one of them is 1.
    emitDimCheck(rewriter, loc, op,
                 arith::SelectOp::create(rewriter, loc, entryIsOne, dimValue,
                                         entryValue)
                     .getResult(),
                 arith::SelectOp::create(rewriter, loc, dimIsOne, entryValue,
                                         dimValue)
                     .getResult(),
                 "dim " + Twine(d) + " of the shape and of the input differ "
                                     "and neither is 1");
    if (!staticDim)
      isOne[d] = dimIsOne;
    sizes.push_back(arith::SelectOp::create(rewriter, loc, dimIsOne,
                                            entryValue, dimValue)
                        .getResult());
  }
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value init = tensor::EmptyOp::create(
      rewriter, loc, resultType.getShape(), resultType.getElementType(),
      dynamicSizesOf(rewriter, loc, resultType, sizes));
  Value result =
      linalg::GenericOp::create(
          rewriter, loc, resultType, ValueRange{}, init,
          rewriter.getMultiDimIdentityMap(rank),
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange) {
            SmallVector<Value> coords;
            for (int64_t i = 0; i < inputRank; ++i) {
              int64_t d = i + rank - inputRank;
              if (inputType.getDimSize(i) == 1) {
                coords.push_back(zero);
                continue;
              }
              Value index = linalg::IndexOp::create(b, l, d);
              coords.push_back(isOne[d] ? arith::SelectOp::create(
                                              b, l, isOne[d], zero, index)
                                              .getResult()
                                        : index);
            }
            linalg::YieldOp::create(
                b, l, tensor::ExtractOp::create(b, l, input, coords).getResult());
          })
          .getResult(0);
  rewriter.replaceOp(op, result);
  return success();
}

/// Expand: broadcast the input to the result shape (static here;
/// lowerDynamicExpand otherwise).
struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType)
      return rewriter.notifyMatchFailure(op, "static shapes only");
    if (!resultType.hasStaticShape())
      return lowerDynamicExpand(op, input, adaptor.getShape(), rewriter);
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = resultType.getRank();
    SmallVector<AffineMap> maps = {
        getBroadcastMap(inputType, resultType.getShape(), ctx),
        rewriter.getMultiDimIdentityMap(rank)};
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, resultType, input, init, maps,
            SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l, args[0]);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXDataMovementToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLikeLowering<ReshapeOp>, ReshapeLikeLowering<FlattenOp>,
               ReshapeLikeLowering<SqueezeOp>, ReshapeLikeLowering<UnsqueezeOp>,
               TransposeLowering, ConcatLowering, GatherLowering,
               ExpandLowering>(patterns.getContext());
}

} // namespace onnxc
