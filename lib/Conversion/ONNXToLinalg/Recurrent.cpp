//===- Recurrent.cpp - LSTM to linalg and scf -----------------------------===//
//
// LSTM (layout 0, default activations, no clip, sequence_lens or
// input_forget) per direction: the input projection of all steps is one
// contraction X * W^T + Wb + Rb; an scf.for over time then computes
// H * R^T and one elementwise generic that produces the new cell and hidden
// state from the four gates (ONNX gate order i, o, f, c; optional
// peepholes P = [Pi, Po, Pf]). Each step's H is inserted into Y.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// out[i, j] (+)= sum_k lhs[i, k] * rhs[j, k] (rhs used transposed), into
/// `init`; `lhsMap` reads lhs with loops (i..., j, k).
Value contractTransposed(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value init) {
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t outRank = initType.getRank();
  int64_t loops = outRank + 1;
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> lhsExprs, outExprs;
  for (int64_t d = 0; d < outRank - 1; ++d)
    lhsExprs.push_back(getAffineDimExpr(d, ctx));
  lhsExprs.push_back(getAffineDimExpr(outRank, ctx));
  for (int64_t d = 0; d < outRank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps = {
      AffineMap::get(loops, 0, lhsExprs, ctx),
      AffineMap::get(loops, 0,
                     {getAffineDimExpr(outRank - 1, ctx),
                      getAffineDimExpr(outRank, ctx)},
                     ctx),
      AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(outRank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, initType, ValueRange{lhs, rhs}, init, maps, iterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value p = arith::MulFOp::create(nb, nl, args[0], args[1]);
               Value sum = arith::AddFOp::create(nb, nl, args[2], p);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

Value sliceDirection(OpBuilder &b, Location loc, Value v, int64_t dir) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape().drop_front());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = b.getIndexAttr(dir);
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
  for (int64_t d : shape)
    sizes.push_back(b.getIndexAttr(d));
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, offsets,
      sizes, strides);
}

/// The columns [offset, offset + size) of the last dimension of `v`.
Value sliceLastDim(OpBuilder &b, Location loc, Value v, int64_t offset,
                   int64_t size) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  shape.back() = size;
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  offsets.back() = b.getIndexAttr(offset);
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : shape)
    sizes.push_back(b.getIndexAttr(d));
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, offsets,
      sizes, strides);
}

struct LSTMLowering : OpConversionPattern<LSTMOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LSTMOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
    if (!xType || !wType || !xType.hasStaticShape() || !wType.hasStaticShape() ||
        !xType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "static f32 LSTMs only");
    if (op.getLayout() != 0 || op.getInputForget() || op.getClip() ||
        op.getActivations() || !isa<NoneType>(adaptor.getSequenceLens().getType()))
      return rewriter.notifyMatchFailure(op, "unsupported LSTM attributes");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    int64_t seq = xType.getDimSize(0), batch = xType.getDimSize(1);
    int64_t dirs = wType.getDimSize(0), hidden = wType.getDimSize(1) / 4;
    bool bidirectional = op.getDirection() == "bidirectional";
    bool reverseOnly = op.getDirection() == "reverse";
    auto stateType = RankedTensorType::get({batch, hidden}, f32);
    auto gatesType = RankedTensorType::get({batch, 4 * hidden}, f32);
    auto stepsType = RankedTensorType::get({seq, batch, 4 * hidden}, f32);
    auto yType = RankedTensorType::get({seq, batch, hidden}, f32);
    Value b = adaptor.getB(), p = adaptor.getP();
    bool hasBias = !isa<NoneType>(b.getType()), hasPeephole = !isa<NoneType>(p.getType());

    SmallVector<Value> ys, hs, cs;
    for (int64_t dir = 0; dir < dirs; ++dir) {
      bool reverse = reverseOnly || (bidirectional && dir == 1);
      Value w = sliceDirection(rewriter, loc, adaptor.getW(), dir);
      Value r = sliceDirection(rewriter, loc, adaptor.getR(), dir);
      // All input projections at once: [seq, batch, 4H], bias included.
      Value projected = contractTransposed(
          rewriter, loc, adaptor.getX(), w,
          zeroAccumulator(rewriter, loc, stepsType.getShape(), f32, {}));
      if (hasBias) {
        Value bias = sliceDirection(rewriter, loc, b, dir); // [8H] = Wb, Rb
        Value wb = sliceLastDim(rewriter, loc, bias, 0, 4 * hidden);
        Value rb = sliceLastDim(rewriter, loc, bias, 4 * hidden, 4 * hidden);
        AffineExpr g = getAffineDimExpr(2, ctx);
        SmallVector<AffineMap> maps = {
            rewriter.getMultiDimIdentityMap(3), AffineMap::get(3, 0, {g}, ctx),
            AffineMap::get(3, 0, {g}, ctx), rewriter.getMultiDimIdentityMap(3)};
        Value init = tensor::EmptyOp::create(rewriter, loc, stepsType.getShape(), f32);
        projected =
            linalg::GenericOp::create(
                rewriter, loc, stepsType, ValueRange{projected, wb, rb}, init,
                maps, SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
                [](OpBuilder &nb, Location nl, ValueRange args) {
                  Value s = arith::AddFOp::create(nb, nl, args[0], args[1]);
                  Value sum = arith::AddFOp::create(nb, nl, s, args[2]);
                  linalg::YieldOp::create(nb, nl, sum);
                })
                .getResult(0);
      }
      Value h0 = isa<NoneType>(adaptor.getInitialH().getType())
                     ? zeroAccumulator(rewriter, loc, stateType.getShape(), f32, {})
                     : sliceDirection(rewriter, loc, adaptor.getInitialH(), dir);
      Value c0 = isa<NoneType>(adaptor.getInitialC().getType())
                     ? zeroAccumulator(rewriter, loc, stateType.getShape(), f32, {})
                     : sliceDirection(rewriter, loc, adaptor.getInitialC(), dir);
      Value peephole = hasPeephole ? sliceDirection(rewriter, loc, p, dir) : Value();
      Value y0 = tensor::EmptyOp::create(rewriter, loc, yType.getShape(), f32);
      Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value ub = arith::ConstantIndexOp::create(rewriter, loc, seq);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      auto loop = scf::ForOp::create(
          rewriter, loc, lb, ub, one, ValueRange{h0, c0, y0},
          [&](OpBuilder &nb, Location nl, Value t, ValueRange state) {
            Value step = t;
            if (reverse)
              step = arith::SubIOp::create(
                  nb, nl, arith::ConstantIndexOp::create(nb, nl, seq - 1), t);
            SmallVector<OpFoldResult> offsets = {step, nb.getIndexAttr(0),
                                                 nb.getIndexAttr(0)};
            SmallVector<OpFoldResult> strides(3, nb.getIndexAttr(1));
            Value xw = tensor::ExtractSliceOp::create(
                nb, nl, gatesType, projected, offsets,
                SmallVector<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(batch),
                                          nb.getIndexAttr(4 * hidden)},
                strides);
            Value hr = contractTransposed(
                nb, nl, state[0], r,
                zeroAccumulator(nb, nl, gatesType.getShape(), f32, {}));
            // Gates and the new state in one generic over [batch, hidden].
            AffineMap id = nb.getMultiDimIdentityMap(2);
            SmallVector<Value> inputs;
            for (Value all : {xw, hr})
              for (int k = 0; k < 4; ++k)
                inputs.push_back(sliceLastDim(nb, nl, all, k * hidden, hidden));
            inputs.push_back(state[1]);
            SmallVector<AffineMap> maps(9, id);
            if (peephole) {
              AffineMap column = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
              for (int k = 0; k < 3; ++k) {
                inputs.push_back(sliceLastDim(nb, nl, peephole, k * hidden, hidden));
                maps.push_back(column);
              }
            }
            maps.push_back(id);
            maps.push_back(id);
            // The new state overwrites the loop-carried tensors, so that the
            // loop bufferizes in place.
            auto cell = linalg::GenericOp::create(
                nb, nl, TypeRange{stateType, stateType}, inputs,
                ValueRange{state[1], state[0]}, maps,
                SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                [&](OpBuilder &gb, Location gl, ValueRange a) {
                  auto add = [&](Value x, Value y) -> Value {
                    return arith::AddFOp::create(gb, gl, x, y);
                  };
                  auto mul = [&](Value x, Value y) -> Value {
                    return arith::MulFOp::create(gb, gl, x, y);
                  };
                  auto sigmoid = [&](Value x) -> Value {
                    Value oneF = scalarConstant(gb, gl, f32, 1.0);
                    Value e = math::ExpOp::create(
                        gb, gl, arith::NegFOp::create(gb, gl, x));
                    return arith::DivFOp::create(gb, gl, oneF, add(oneF, e));
                  };
                  Value cPrev = a[8];
                  Value iPre = add(a[0], a[4]), oPre = add(a[1], a[5]),
                        fPre = add(a[2], a[6]), gPre = add(a[3], a[7]);
                  if (peephole) {
                    iPre = add(iPre, mul(a[9], cPrev));
                    fPre = add(fPre, mul(a[11], cPrev));
                  }
                  Value i = sigmoid(iPre), f = sigmoid(fPre);
                  Value g = math::TanhOp::create(gb, gl, gPre);
                  Value c = add(mul(f, cPrev), mul(i, g));
                  if (peephole)
                    oPre = add(oPre, mul(a[10], c));
                  Value o = sigmoid(oPre);
                  Value h = mul(o, math::TanhOp::create(gb, gl, c));
                  linalg::YieldOp::create(gb, gl, ValueRange{c, h});
                });
            Value cNew = cell.getResult(0), hNew = cell.getResult(1);
            Value yNew = tensor::InsertSliceOp::create(
                nb, nl, hNew, state[2], offsets,
                SmallVector<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(batch),
                                          nb.getIndexAttr(hidden)},
                strides);
            scf::YieldOp::create(nb, nl, ValueRange{hNew, cNew, yNew});
          });
      hs.push_back(loop.getResult(0));
      cs.push_back(loop.getResult(1));
      ys.push_back(loop.getResult(2));
    }

    // Y: [seq, dirs, batch, H]; Y_h, Y_c: [dirs, batch, H].
    auto stack = [&](ArrayRef<Value> parts, int64_t axis,
                     ArrayRef<int64_t> shape) -> Value {
      SmallVector<Value> expanded;
      for (Value v : parts) {
        auto type = cast<RankedTensorType>(v.getType());
        SmallVector<int64_t> newShape(type.getShape());
        newShape.insert(newShape.begin() + axis, 1);
        SmallVector<ReassociationIndices> groups;
        for (int64_t d = 0; d < type.getRank(); ++d)
          groups.push_back({d + (d >= axis ? 1 : 0)});
        groups[axis == 0 ? 0 : axis - 1].push_back(axis);
        llvm::sort(groups[axis == 0 ? 0 : axis - 1]);
        expanded.push_back(tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get(newShape, f32), v, groups));
      }
      if (expanded.size() == 1)
        return expanded[0];
      return tensor::ConcatOp::create(rewriter, loc,
                                      RankedTensorType::get(shape, f32), axis,
                                      expanded);
    };
    SmallVector<Value> results;
    results.push_back(isa<NoneType>(op.getY().getType())
                          ? Value()
                          : stack(ys, 1, {seq, dirs, batch, hidden}));
    results.push_back(isa<NoneType>(op.getYH().getType())
                          ? Value()
                          : stack(hs, 0, {dirs, batch, hidden}));
    results.push_back(isa<NoneType>(op.getYC().getType())
                          ? Value()
                          : stack(cs, 0, {dirs, batch, hidden}));
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateONNXRecurrentToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LSTMLowering>(patterns.getContext());
}

} // namespace onnxc
