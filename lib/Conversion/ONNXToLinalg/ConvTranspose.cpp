//===- ConvTranspose.cpp - ConvTranspose to linalg ------------------------===//
//
// A transposed convolution is a stride-1 convolution of the input dilated
// by the strides (stride - 1 zeros between elements) and padded by the
// kernel extent, with the kernel flipped spatially and its input and output
// channels swapped. The dilated, padded input is one tensor.insert_slice
// with strides into a zero tensor; the kernel is rearranged by one
// linalg.generic (a constant W folds later); the convolution is
// linalg.conv_2d_nchw_fchw, or linalg.conv_2d_ngchw_gfchw for groups.
// The pads crop the full result: where they exceed the kernel extent the
// convolution's result is sliced instead. 1-D ConvTranspose runs as 2-D
// over a unit height. Floats accumulate in f32 at least.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// One spatial dimension of a transposed convolution, resolved against
/// static sizes: the convolution runs over the input dilated by `stride`
/// with `padLow`/`padHigh` zeros around it, and its result from `offset`
/// on, `outSize` long, is the output.
struct TransposedDim {
  int64_t inSize, kernel, stride, dilation, outSize;
  int64_t padLow, padHigh, offset;

  int64_t dilatedSize() const { return stride * (inSize - 1) + 1; }
  int64_t convSize() const {
    return padLow + dilatedSize() + padHigh - dilation * (kernel - 1);
  }
};

/// Resolves the spatial dims of `op`; `head` is how much of the full
/// transposed result (stride * (in - 1) + output_padding + extent) the
/// output skips at the start: the begin pad, or for output_shape and
/// SAME_* auto_pad the share onnxruntime assigns of the total padding.
FailureOr<SmallVector<TransposedDim>>
getTransposedDims(ConvTransposeOp op, ArrayRef<int64_t> inputSpatial,
                  ArrayRef<int64_t> kernel, ArrayRef<int64_t> outputSpatial) {
  int64_t n = inputSpatial.size();
  auto orDefault = [&](std::optional<ArrayRef<int64_t>> attr, int64_t size,
                       int64_t value) {
    return attr ? SmallVector<int64_t>(*attr)
                : SmallVector<int64_t>(size, value);
  };
  SmallVector<int64_t> strides = orDefault(op.getStrides(), n, 1);
  SmallVector<int64_t> dilations = orDefault(op.getDilations(), n, 1);
  SmallVector<int64_t> pads = orDefault(op.getPads(), 2 * n, 0);
  SmallVector<int64_t> outputPadding = orDefault(op.getOutputPadding(), n, 0);
  if (static_cast<int64_t>(strides.size()) != n ||
      static_cast<int64_t>(dilations.size()) != n ||
      static_cast<int64_t>(pads.size()) != 2 * n ||
      static_cast<int64_t>(outputPadding.size()) != n)
    return failure();
  StringRef autoPad = op.getAutoPad();
  bool padsFromTotal =
      op.getOutputShape() || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  SmallVector<TransposedDim> dims;
  for (int64_t i = 0; i < n; ++i) {
    TransposedDim dim;
    dim.inSize = inputSpatial[i];
    dim.kernel = kernel[i];
    dim.stride = strides[i];
    dim.dilation = dilations[i];
    dim.outSize = outputSpatial[i];
    if (dim.stride < 1 || dim.dilation < 1)
      return failure();
    int64_t extent = dim.dilation * (dim.kernel - 1);
    int64_t head = autoPad == "VALID" ? 0 : pads[i];
    if (padsFromTotal) {
      int64_t full =
          dim.stride * (dim.inSize - 1) + outputPadding[i] + extent + 1;
      int64_t total = std::max<int64_t>(0, full - dim.outSize);
      head = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    }
    // The convolution's result at o is the full result at o + extent - padLow.
    int64_t padLow = extent - head;
    dim.offset = std::max<int64_t>(0, -padLow);
    dim.padLow = std::max<int64_t>(0, padLow);
    dim.padHigh = std::max<int64_t>(0, dim.offset + dim.outSize + extent -
                                           dim.padLow - dim.dilatedSize());
    dims.push_back(dim);
  }
  return dims;
}

/// Adds the per-channel `bias` [C] (widened to the accumulator) to `acc`.
Value addChannelBias(OpBuilder &b, Location loc, Value acc, Value bias) {
  auto type = cast<RankedTensorType>(acc.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
      b.getMultiDimIdentityMap(rank)};
  Value init = emptyLike(b, loc, type, acc);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{acc, bias}, init, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value bv = toComputeType(nb, nl, args[1], args[0].getType());
               Value sum = arith::AddFOp::create(nb, nl, args[0], bv);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getX(), w = adaptor.getW();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    // Static but for the batch N, which may be known only at run time.
    auto staticButBatch = [](RankedTensorType type) {
      return type && type.getRank() > 0 &&
             llvm::none_of(type.getShape().drop_front(), ShapedType::isDynamic);
    };
    if (!staticButBatch(xType) || !wType || !wType.hasStaticShape() ||
        !staticButBatch(resultType) ||
        xType.isDynamicDim(0) != resultType.isDynamicDim(0) ||
        (xType.getRank() != 3 && xType.getRank() != 4) ||
        wType.getRank() != xType.getRank() ||
        !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(
          op, "only 1-D/2-D float with static dims but the batch");
    int64_t rank = xType.getRank();
    if (std::optional<ArrayRef<int64_t>> kernel = op.getKernelShape())
      if (*kernel != wType.getShape().drop_front(2))
        return rewriter.notifyMatchFailure(op, "kernel_shape differs from W");
    FailureOr<SmallVector<TransposedDim>> spatial = getTransposedDims(
        op, xType.getShape().drop_front(2), wType.getShape().drop_front(2),
        resultType.getShape().drop_front(2));
    if (failed(spatial))
      return rewriter.notifyMatchFailure(op, "unsupported attributes");

    // 1-D runs as 2-D over a unit height.
    if (rank == 3) {
      auto unitHeight = [&](Value v) {
        auto type = cast<RankedTensorType>(v.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape.insert(shape.begin() + 2, 1);
        return tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
            v, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      };
      x = unitHeight(x);
      w = unitHeight(w);
      spatial->insert(spatial->begin(), TransposedDim{1, 1, 1, 1, 1, 0, 0, 0});
    }
    auto xType4 = cast<RankedTensorType>(x.getType());
    auto wType4 = cast<RankedTensorType>(w.getType());
    const TransposedDim &h = (*spatial)[0], &wd = (*spatial)[1];

    int64_t group = op.getGroup();
    int64_t n = xType4.getDimSize(0), c = xType4.getDimSize(1);
    int64_t kh = wType4.getDimSize(2), kw = wType4.getDimSize(3);
    if (group < 1 || c % group || wType4.getDimSize(0) != c)
      return rewriter.notifyMatchFailure(op, "channels do not split in groups");
    int64_t cPerGroup = c / group, mPerGroup = wType4.getDimSize(1);
    int64_t m = mPerGroup * group;
    Type element = resultType.getElementType();
    Type accType = getComputeType(element);
    // The run-time batch, when N is dynamic: every buffer below is sized by
    // it.
    SmallVector<Value> batch;
    OpFoldResult nSize = rewriter.getIndexAttr(n);
    if (ShapedType::isDynamic(n)) {
      batch.push_back(tensor::DimOp::create(rewriter, loc, x, 0));
      nSize = batch.front();
    }

    // The input dilated by the strides and padded.
    SmallVector<int64_t> paddedShape = {
        n, c, h.padLow + h.dilatedSize() + h.padHigh,
        wd.padLow + wd.dilatedSize() + wd.padHigh};
    Value zeros = zeroAccumulator(rewriter, loc, paddedShape,
                                  xType4.getElementType(), batch);
    SmallVector<OpFoldResult> xSizes =
        getAsIndexOpFoldResult(ctx, xType4.getShape());
    xSizes[0] = nSize;
    Value padded = tensor::InsertSliceOp::create(
        rewriter, loc, x, zeros,
        getAsIndexOpFoldResult(ctx, {0, 0, h.padLow, wd.padLow}), xSizes,
        getAsIndexOpFoldResult(ctx, {1, 1, h.stride, wd.stride}));

    // The kernel per group, flipped, output channels first:
    // filter[g, f, c, i, j] = W[g * C/group + c, f, kh-1-i, kw-1-j].
    SmallVector<int64_t> filterShape = {group, mPerGroup, cPerGroup, kh, kw};
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineMap readW =
        AffineMap::get(5, 0,
                       {d(0) * cPerGroup + d(2), d(1),
                        getAffineConstantExpr(kh - 1, ctx) - d(3),
                        getAffineConstantExpr(kw - 1, ctx) - d(4)},
                       ctx);
    auto filterType =
        RankedTensorType::get(filterShape, wType4.getElementType());
    Value filter =
        linalg::GenericOp::create(
            rewriter, loc, filterType, w,
            tensor::EmptyOp::create(rewriter, loc, filterShape,
                                    wType4.getElementType())
                .getResult(),
            ArrayRef<AffineMap>{readW, rewriter.getMultiDimIdentityMap(5)},
            SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l, args[0]);
            })
            .getResult(0);

    DenseIntElementsAttr unitStrides = rewriter.getI64TensorAttr({1, 1});
    DenseIntElementsAttr dilations =
        rewriter.getI64TensorAttr({h.dilation, wd.dilation});
    int64_t convH = h.convSize(), convW = wd.convSize();
    Value conv;
    if (group == 1) {
      Value flatFilter = tensor::CollapseShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({m, c, kh, kw}, wType4.getElementType()),
          filter, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
      SmallVector<int64_t> convShape = {n, m, convH, convW};
      Value acc = zeroAccumulator(rewriter, loc, convShape, accType, batch);
      conv = linalg::Conv2DNchwFchwOp::create(
                 rewriter, loc,
                 TypeRange{RankedTensorType::get(convShape, accType)},
                 ValueRange{padded, flatFilter}, ValueRange{acc}, unitStrides,
                 dilations)
                 .getResult(0);
    } else {
      Value groupedInput = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(
              {n, group, cPerGroup, paddedShape[2], paddedShape[3]},
              xType4.getElementType()),
          padded, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      SmallVector<int64_t> groupedShape = {n, group, mPerGroup, convH, convW};
      Value acc = zeroAccumulator(rewriter, loc, groupedShape, accType, batch);
      Value grouped =
          linalg::Conv2DNgchwGfchwOp::create(
              rewriter, loc,
              TypeRange{RankedTensorType::get(groupedShape, accType)},
              ValueRange{groupedInput, filter}, ValueRange{acc}, unitStrides,
              dilations)
              .getResult(0);
      conv = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({n, m, convH, convW}, accType),
          grouped, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    }
    if (h.offset || wd.offset || convH != h.outSize || convW != wd.outSize) {
      SmallVector<OpFoldResult> sizes =
          getAsIndexOpFoldResult(ctx, {n, m, h.outSize, wd.outSize});
      sizes[0] = nSize;
      conv = tensor::ExtractSliceOp::create(
          rewriter, loc,
          RankedTensorType::get({n, m, h.outSize, wd.outSize}, accType), conv,
          getAsIndexOpFoldResult(ctx, {0, 0, h.offset, wd.offset}), sizes,
          getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
    }
    if (!isa<NoneType>(adaptor.getB().getType()))
      conv = addChannelBias(rewriter, loc, conv, adaptor.getB());
    if (rank == 3)
      conv = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(resultType.getShape(), accType),
          conv, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    rewriter.replaceOp(op, fromComputeTensor(rewriter, loc, conv, resultType));
    return success();
  }
};

} // namespace

void populateONNXConvTransposeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvTransposeLowering>(patterns.getContext());
}

} // namespace onnxc
