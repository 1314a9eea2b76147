//===- Gathering.cpp - CenterCropPad, ReverseSequence, Col2Im to linalg ---===//
//
// Each is one linalg.generic over its output that reads the input with
// tensor.extract at indices computed from the output's:
//
//   CenterCropPad   per axis, index + (max(in - out, 0) / 2 - max(out - in,
//                   0) / 2): the crop's start minus the pad's; a read
//                   outside the input is 0 (onnx/reference's center_crop_pad).
//   ReverseSequence along the time axis, t < len[b] ? len[b] - 1 - t : t.
//   Col2Im          a reduction over the block's offsets k: output pixel i
//                   sums input[n, c * prod(block) + k, l] for every block
//                   position l with l * stride - pad_begin + k * dilation = i,
//                   per spatial dim (the adjoint of im2col).
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// Index arithmetic inside a generic's body.
struct IndexBuilder {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) const { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) const { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) const { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) const { return arith::MulIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) const {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value both(Value x, Value y) const {
    return x ? arith::AndIOp::create(b, loc, x, y).getResult() : y;
  }
  /// `x` clamped into [0, size - 1].
  Value clampInto(Value x, Value size) const {
    return arith::MinSIOp::create(b, loc,
                                  arith::MaxSIOp::create(b, loc, x, c(0)),
                                  sub(size, c(1)));
  }
  /// Whether 0 <= x < size.
  Value inRange(Value x, Value size) const {
    return both(cmp(arith::CmpIPredicate::sge, x, c(0)),
                cmp(arith::CmpIPredicate::slt, x, size));
  }
};

/// The index value of element `i` of the 1-D int64 tensor `t`.
Value extractIndex(OpBuilder &b, Location loc, Value t, int64_t i) {
  Value v = tensor::ExtractOp::create(
      b, loc, t, ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

struct CenterCropPadLowering : OpConversionPattern<CenterCropPadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CenterCropPadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInputData(), shape = adaptor.getShape();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto shapeType = dyn_cast<RankedTensorType>(shape.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType || !shapeType)
      return rewriter.notifyMatchFailure(op, "unranked operands");
    int64_t rank = inputType.getRank();
    SmallVector<int64_t> axes;
    if (std::optional<ArrayRef<int64_t>> given = op.getAxes())
      for (int64_t a : *given)
        axes.push_back(a < 0 ? a + rank : a);
    else if (!shapeType.isDynamicDim(0))
      for (int64_t a = 0; a < shapeType.getDimSize(0); ++a)
        axes.push_back(a);
    else
      return rewriter.notifyMatchFailure(
          op, "without axes, shape's length must be known");
    Location loc = op.getLoc();
    IndexBuilder ib{rewriter, loc};
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, shape, 0).getResult(),
                 rewriter.getIndexAttr(axes.size()),
                 "shape's length differs from the number of axes");
    SmallVector<Value> inSizes, outSizes, offsets(rank);
    for (int64_t d = 0; d < rank; ++d) {
      inSizes.push_back(tensor::DimOp::create(rewriter, loc, input, d));
      outSizes.push_back(inSizes.back());
    }
    for (auto [i, axis] : llvm::enumerate(axes)) {
      Value in = inSizes[axis];
      Value out = extractIndex(rewriter, loc, shape, i);
      // Padding reads clamp into the input: it needs an element there.
      emitCheck(rewriter, loc, op,
                arith::OrIOp::create(
                    rewriter, loc, ib.cmp(arith::CmpIPredicate::sgt, in, ib.c(0)),
                    ib.cmp(arith::CmpIPredicate::eq, out, ib.c(0))),
                "padding an empty dim (axis " + Twine(axis) + ")");
      emitCheck(rewriter, loc, op,
                ib.cmp(arith::CmpIPredicate::sge, out, ib.c(0)),
                "shape has a negative value");
      outSizes[axis] = out;
      auto halfExcess = [&](Value a, Value b) {
        Value excess = arith::MaxSIOp::create(rewriter, loc, ib.sub(a, b),
                                              ib.c(0));
        return arith::DivUIOp::create(rewriter, loc, excess, ib.c(2))
            .getResult();
      };
      offsets[axis] = ib.sub(halfExcess(in, out), halfExcess(out, in));
    }
    SmallVector<Value> dynamic;
    for (int64_t d = 0; d < rank; ++d)
      if (resultType.isDynamicDim(d))
        dynamic.push_back(outSizes[d]);
      else
        emitDimCheck(rewriter, loc, op, outSizes[d],
                     rewriter.getIndexAttr(resultType.getDimSize(d)),
                     "the output's dim " + Twine(d) +
                         " differs from its type");
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType, dynamic);
    Type element = resultType.getElementType();
    Type compute = getComputeType(element);
    Value result = buildIndexedGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> indices) {
          IndexBuilder ib{b, l};
          SmallVector<Value> at;
          Value inside;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = indices[d];
            if (!offsets[d]) {
              at.push_back(i);
              continue;
            }
            Value src = ib.add(i, offsets[d]);
            inside = ib.both(inside, ib.inRange(src, inSizes[d]));
            at.push_back(ib.clampInto(src, inSizes[d]));
          }
          Value v = toComputeType(
              b, l, tensor::ExtractOp::create(b, l, input, at), compute);
          if (inside)
            v = arith::SelectOp::create(b, l, inside, v,
                                        scalarConstant(b, l, compute, 0));
          return fromComputeType(b, l, v, element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ReverseSequenceLowering : OpConversionPattern<ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReverseSequenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput(), lens = adaptor.getSequenceLens();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !isa<RankedTensorType>(op.getType()) ||
        !isa<RankedTensorType>(lens.getType()))
      return rewriter.notifyMatchFailure(op, "unranked operands");
    Location loc = op.getLoc();
    int64_t batchAxis = op.getBatchAxis(), timeAxis = op.getTimeAxis();
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, lens, 0).getResult(),
                 tensor::DimOp::create(rewriter, loc, input, batchAxis)
                     .getResult(),
                 "sequence_lens's length differs from the batch");
    Value time = tensor::DimOp::create(rewriter, loc, input, timeAxis);
    Value init = emptyLike(rewriter, loc, type, input);
    Value result = buildIndexedGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> indices) {
          IndexBuilder ib{b, l};
          SmallVector<Value> at(indices);
          Value len = tensor::ExtractOp::create(b, l, lens, at[batchAxis]);
          // A length outside [0, T] reads as its nearest end.
          len = ib.clampInto(
              arith::IndexCastOp::create(b, l, b.getIndexType(), len),
              ib.add(time, ib.c(1)));
          Value t = at[timeAxis];
          Value reversed = ib.sub(ib.sub(len, ib.c(1)), t);
          at[timeAxis] = arith::SelectOp::create(
              b, l, ib.cmp(arith::CmpIPredicate::slt, t, len), reversed, t);
          return tensor::ExtractOp::create(b, l, input, at).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct Col2ImLowering : OpConversionPattern<Col2ImOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Col2ImOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    Value imageShape = adaptor.getImageShape();
    Value blockShape = adaptor.getBlockShape();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto imageType = dyn_cast<RankedTensorType>(imageShape.getType());
    auto blockType = dyn_cast<RankedTensorType>(blockShape.getType());
    if (!inputType || !resultType || !imageType || imageType.getRank() != 1 ||
        imageType.isDynamicDim(0) || !blockType || blockType.getRank() != 1)
      return rewriter.notifyMatchFailure(
          op, "the input, the result and image_shape's length must be known "
              "(block_shape 1-D)");
    Type element = resultType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "only float inputs are lowered");
    int64_t r = imageType.getDimSize(0);
    auto attr = [&](std::optional<ArrayRef<int64_t>> values, int64_t count,
                    int64_t fallback) {
      return values ? SmallVector<int64_t>(*values)
                    : SmallVector<int64_t>(count, fallback);
    };
    SmallVector<int64_t> strides = attr(op.getStrides(), r, 1);
    SmallVector<int64_t> dilations = attr(op.getDilations(), r, 1);
    SmallVector<int64_t> pads = attr(op.getPads(), 2 * r, 0);
    if (llvm::any_of(strides, [](int64_t v) { return v < 1; }) ||
        llvm::any_of(dilations, [](int64_t v) { return v < 1; }))
      return rewriter.notifyMatchFailure(op, "strides and dilations must be "
                                             "positive");
    Location loc = op.getLoc();
    IndexBuilder ib{rewriter, loc};
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, blockShape, 0).getResult(),
                 rewriter.getIndexAttr(r),
                 "block_shape's length differs from image_shape's");
    // Sizes, block extents and block positions per dim (values: image_shape
    // and block_shape may be graph inputs), as im2col counts them.
    std::optional<SmallVector<int64_t>> staticBlock =
        getConstantInts(op.getBlockShape());
    SmallVector<Value> blocks, positions;
    SmallVector<int64_t> blockDims;
    Value blockSize = ib.c(1), count = ib.c(1);
    for (int64_t j = 0; j < r; ++j) {
      Value image = extractIndex(rewriter, loc, imageShape, j);
      Value block = extractIndex(rewriter, loc, blockShape, j);
      emitCheck(rewriter, loc, op,
                ib.both(ib.cmp(arith::CmpIPredicate::sgt, image, ib.c(0)),
                        ib.cmp(arith::CmpIPredicate::sgt, block, ib.c(0))),
                "image_shape and block_shape values must be positive");
      Value extent = ib.add(ib.mul(ib.c(dilations[j]), ib.sub(block, ib.c(1))),
                            ib.c(1));
      Value span = ib.sub(ib.add(image, ib.c(pads[j] + pads[r + j])), extent);
      emitCheck(rewriter, loc, op, ib.cmp(arith::CmpIPredicate::sge, span, ib.c(0)),
                "the block does not fit the padded image");
      positions.push_back(ib.add(
          arith::DivSIOp::create(rewriter, loc, span, ib.c(strides[j])),
          ib.c(1)));
      blocks.push_back(block);
      blockDims.push_back(staticBlock && staticBlock->size() == (size_t)r
                              ? (*staticBlock)[j]
                              : ShapedType::kDynamic);
      blockSize = ib.mul(blockSize, block);
      count = ib.mul(count, positions.back());
    }
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, input, 2).getResult(),
                 count,
                 "the input's dim 2 differs from the number of block "
                 "positions");
    Value channels = tensor::DimOp::create(rewriter, loc, input, 1);
    emitCheck(rewriter, loc, op,
              ib.cmp(arith::CmpIPredicate::eq,
                     arith::RemUIOp::create(rewriter, loc, channels, blockSize),
                     ib.c(0)),
              "the input's dim 1 is not a multiple of prod(block_shape)");

    // Loops (n, c, i_1..i_r, k_1..k_r), the block offsets k reduced; an
    // empty tensor of the block's shape gives the k loops their extents.
    SmallVector<Value> dynamic;
    for (int64_t d = 0; d < 2 + r; ++d) {
      if (!resultType.isDynamicDim(d))
        continue;
      if (d == 0)
        dynamic.push_back(tensor::DimOp::create(rewriter, loc, input, 0));
      else if (d == 1)
        dynamic.push_back(
            arith::DivUIOp::create(rewriter, loc, channels, blockSize));
      else
        dynamic.push_back(extractIndex(rewriter, loc, imageShape, d - 2));
    }
    Value zero = scalarConstant(rewriter, loc, element, 0);
    Value init = linalg::FillOp::create(
                     rewriter, loc, zero,
                     tensor::EmptyOp::create(rewriter, loc, resultType, dynamic)
                         .getResult())
                     .getResult(0);
    SmallVector<Value> dynamicBlocks;
    for (int64_t j = 0; j < r; ++j)
      if (ShapedType::isDynamic(blockDims[j]))
        dynamicBlocks.push_back(blocks[j]);
    Value extents = tensor::EmptyOp::create(
                        rewriter, loc, RankedTensorType::get(blockDims, element),
                        dynamicBlocks)
                        .getResult();
    int64_t loops = 2 + 2 * r;
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> outExprs, blockExprs;
    for (int64_t d = 0; d < 2 + r; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    for (int64_t j = 0; j < r; ++j)
      blockExprs.push_back(getAffineDimExpr(2 + r + j, ctx));
    SmallVector<utils::IteratorType> iterators(2 + r,
                                               utils::IteratorType::parallel);
    iterators.append(r, utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{extents}, init,
        SmallVector<AffineMap>{AffineMap::get(loops, 0, blockExprs, ctx),
                               AffineMap::get(loops, 0, outExprs, ctx)},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          IndexBuilder ib{b, l};
          Value n = linalg::IndexOp::create(b, l, 0);
          Value c = linalg::IndexOp::create(b, l, 1);
          Value valid, position = ib.c(0), offset = ib.c(0);
          for (int64_t j = 0; j < r; ++j) {
            Value i = linalg::IndexOp::create(b, l, 2 + j);
            Value k = linalg::IndexOp::create(b, l, 2 + r + j);
            // i = p * stride - pad + k * dilation for a block position p.
            Value at = ib.sub(ib.add(i, ib.c(pads[j])),
                              ib.mul(k, ib.c(dilations[j])));
            Value p = arith::DivSIOp::create(b, l, at, ib.c(strides[j]));
            Value exact = ib.cmp(
                arith::CmpIPredicate::eq,
                arith::RemSIOp::create(b, l, at, ib.c(strides[j])), ib.c(0));
            valid = ib.both(valid, ib.both(exact, ib.inRange(p, positions[j])));
            p = ib.clampInto(p, positions[j]);
            position = ib.add(ib.mul(position, positions[j]), p);
            offset = ib.add(ib.mul(offset, blocks[j]), k);
          }
          Value channel = ib.add(ib.mul(c, blockSize), offset);
          Value v = tensor::ExtractOp::create(
              b, l, input, ValueRange{n, channel, position});
          v = arith::SelectOp::create(b, l, valid, v,
                                      scalarConstant(b, l, element, 0));
          linalg::YieldOp::create(
              b, l, arith::AddFOp::create(b, l, args[1], v).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateONNXGatheringToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CenterCropPadLowering, ReverseSequenceLowering, Col2ImLowering>(
      patterns.getContext());
}

} // namespace onnxc::linalg_lowering
