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
#include "IndexingUtils.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

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
    if (!sourceType || !resultType || !sourceType.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic reshapes not lowered yet");
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
    if (!dataType || !indicesType || !resultType ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "static shapes only");
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
    if (dataType.getDimSize(axis) == 0 && resultType.getNumElements() != 0)
      return failOutOfBoundsShapes(op, "indices address an empty axis",
                                   rewriter);
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < indexRank; ++i)
      indexExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, indexExprs, ctx),
                                   rewriter.getMultiDimIdentityMap(rank)};
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
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

/// Expand: broadcast the input to the (static) result shape.
struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "static shapes only");
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
