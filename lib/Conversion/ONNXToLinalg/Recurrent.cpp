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

/// Inserts a size-1 direction dim at `axis` into each direction's result
/// and concatenates them: Y [seq, dirs, batch, H] or states [dirs, batch, H].
Value stackDirections(OpBuilder &b, Location loc, ArrayRef<Value> parts,
                      int64_t axis) {
  SmallVector<Value> expanded;
  for (Value v : parts) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.insert(shape.begin() + axis, 1);
    // The new dim joins its neighbour's reassociation group.
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < type.getRank(); ++d)
      groups.push_back({d + (d >= axis ? 1 : 0)});
    int64_t host = axis == 0 ? 0 : axis - 1;
    groups[host].push_back(axis);
    llvm::sort(groups[host]);
    expanded.push_back(tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, type.getElementType()), v, groups));
  }
  if (expanded.size() == 1)
    return expanded[0];
  auto type = cast<RankedTensorType>(expanded[0].getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = expanded.size();
  return tensor::ConcatOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), axis,
      expanded);
}

/// Adds the bias columns [offset, offset + width) of `bias` (1-D) to every
/// row of the [seq, batch, width] projection.
Value addBias(OpBuilder &b, Location loc, Value projected, Value bias,
              int64_t offset) {
  auto type = cast<RankedTensorType>(projected.getType());
  MLIRContext *ctx = b.getContext();
  Value slice = sliceLastDim(b, loc, bias, offset, type.getShape().back());
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(3),
      AffineMap::get(3, 0, {getAffineDimExpr(2, ctx)}, ctx),
      b.getMultiDimIdentityMap(3)};
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{projected, slice}, init, maps,
             SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value sum = arith::AddFOp::create(nb, nl, args[0], args[1]);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

Value sigmoidScalar(OpBuilder &b, Location l, Value x) {
  Value one = scalarConstant(b, l, x.getType(), 1.0);
  Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
  return arith::DivFOp::create(b, l, one, arith::AddFOp::create(b, l, one, e));
}

/// The index of time step `t` of `seq`, counted from the end when `reverse`.
Value stepIndex(OpBuilder &b, Location loc, Value t, int64_t seq, bool reverse) {
  if (!reverse)
    return t;
  return arith::SubIOp::create(b, loc,
                               arith::ConstantIndexOp::create(b, loc, seq - 1), t);
}

/// The [batch, width] slice at `step` of a [seq, batch, width] tensor.
Value extractStep(OpBuilder &b, Location loc, Value steps, Value step) {
  auto type = cast<RankedTensorType>(steps.getType());
  int64_t batch = type.getDimSize(1), width = type.getDimSize(2);
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({batch, width}, type.getElementType()), steps,
      SmallVector<OpFoldResult>{step, b.getIndexAttr(0), b.getIndexAttr(0)},
      SmallVector<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(batch),
                                b.getIndexAttr(width)},
      SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// Inserts the [batch, H] state `h` into Y [seq, batch, H] at `step`.
Value insertStep(OpBuilder &b, Location loc, Value h, Value y, Value step) {
  auto type = cast<RankedTensorType>(h.getType());
  return tensor::InsertSliceOp::create(
      b, loc, h, y, SmallVector<OpFoldResult>{step, b.getIndexAttr(0), b.getIndexAttr(0)},
      SmallVector<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(type.getDimSize(0)),
                                b.getIndexAttr(type.getDimSize(1))},
      SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// Direction `dir` of an optional initial state, or zeros of `type`.
Value initialState(OpBuilder &b, Location loc, Value initial, int64_t dir,
                   RankedTensorType type) {
  if (isa<NoneType>(initial.getType()))
    return zeroAccumulator(b, loc, type.getShape(), type.getElementType(), {});
  return sliceDirection(b, loc, initial, dir);
}

/// An scf.for over `seq` steps carrying `init`.
scf::ForOp timeLoop(OpBuilder &b, Location loc, int64_t seq, ValueRange init,
                    function_ref<void(OpBuilder &, Location, Value, ValueRange)> body) {
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value ub = arith::ConstantIndexOp::create(b, loc, seq);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  return scf::ForOp::create(b, loc, lb, ub, one, init, body);
}

/// The stacked per-direction results for an optional output, or null when
/// the node does not produce it.
Value stackIfUsed(OpBuilder &b, Location loc, Value result,
                  ArrayRef<Value> parts, int64_t axis) {
  return isa<NoneType>(result.getType()) ? Value()
                                         : stackDirections(b, loc, parts, axis);
}

/// The sizes of a recurrent op the lowerings handle: static f32, layout 0,
/// default activations, no clip and no sequence_lens.
struct RecurrentDims {
  int64_t seq, batch, dirs, hidden;
  StringRef direction;
  /// Whether direction `dir` runs from the last step to the first.
  bool isReverse(int64_t dir) const {
    return direction == "reverse" || (direction == "bidirectional" && dir == 1);
  }
};

template <typename RecurrentOp, typename Adaptor>
FailureOr<RecurrentDims> matchRecurrent(RecurrentOp op, Adaptor adaptor,
                                        int64_t gates,
                                        ConversionPatternRewriter &rewriter) {
  auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
  if (!xType || !wType || !xType.hasStaticShape() || !wType.hasStaticShape() ||
      !xType.getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "static f32 only");
  if (op.getLayout() != 0 || op.getClip() || op.getActivations() ||
      !isa<NoneType>(adaptor.getSequenceLens().getType()))
    return rewriter.notifyMatchFailure(op, "unsupported attributes");
  return RecurrentDims{xType.getDimSize(0), xType.getDimSize(1),
                       wType.getDimSize(0), wType.getDimSize(1) / gates,
                       op.getDirection()};
}

struct LSTMLowering : OpConversionPattern<LSTMOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LSTMOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<RecurrentDims> dims = matchRecurrent(op, adaptor, 4, rewriter);
    if (failed(dims))
      return failure();
    if (op.getInputForget())
      return rewriter.notifyMatchFailure(op, "input_forget not lowered");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    int64_t seq = dims->seq, batch = dims->batch, dirs = dims->dirs,
            hidden = dims->hidden;
    auto stateType = RankedTensorType::get({batch, hidden}, f32);
    auto gatesType = RankedTensorType::get({batch, 4 * hidden}, f32);
    auto stepsType = RankedTensorType::get({seq, batch, 4 * hidden}, f32);
    auto yType = RankedTensorType::get({seq, batch, hidden}, f32);
    Value b = adaptor.getB(), p = adaptor.getP();
    bool hasBias = !isa<NoneType>(b.getType()), hasPeephole = !isa<NoneType>(p.getType());

    SmallVector<Value> ys, hs, cs;
    for (int64_t dir = 0; dir < dirs; ++dir) {
      bool reverse = dims->isReverse(dir);
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
      Value h0 = initialState(rewriter, loc, adaptor.getInitialH(), dir, stateType);
      Value c0 = initialState(rewriter, loc, adaptor.getInitialC(), dir, stateType);
      Value peephole = hasPeephole ? sliceDirection(rewriter, loc, p, dir) : Value();
      Value y0 = tensor::EmptyOp::create(rewriter, loc, yType.getShape(), f32);
      auto loop = timeLoop(
          rewriter, loc, seq, ValueRange{h0, c0, y0},
          [&](OpBuilder &nb, Location nl, Value t, ValueRange state) {
            Value step = stepIndex(nb, nl, t, seq, reverse);
            Value xw = extractStep(nb, nl, projected, step);
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
            Value yNew = insertStep(nb, nl, hNew, state[2], step);
            scf::YieldOp::create(nb, nl, ValueRange{hNew, cNew, yNew});
          });
      hs.push_back(loop.getResult(0));
      cs.push_back(loop.getResult(1));
      ys.push_back(loop.getResult(2));
    }

    // Y: [seq, dirs, batch, H]; Y_h, Y_c: [dirs, batch, H].
    rewriter.replaceOp(op, {stackIfUsed(rewriter, loc, op.getY(), ys, 1),
                            stackIfUsed(rewriter, loc, op.getYH(), hs, 0),
                            stackIfUsed(rewriter, loc, op.getYC(), cs, 0)});
    return success();
  }
};

/// GRU (layout 0, default activations, no clip or sequence_lens), gate order
/// z, r, h. With linear_before_reset the reset gate scales H * Rh^T + Rbh;
/// without it, (r * H) * Rh^T is a second contraction inside the step.
struct GRULowering : OpConversionPattern<GRUOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GRUOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<RecurrentDims> dims = matchRecurrent(op, adaptor, 3, rewriter);
    if (failed(dims))
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    int64_t seq = dims->seq, batch = dims->batch, dirs = dims->dirs,
            hidden = dims->hidden;
    bool linearBeforeReset = op.getLinearBeforeReset() != 0;
    auto stateType = RankedTensorType::get({batch, hidden}, f32);
    auto stepsType = RankedTensorType::get({seq, batch, 3 * hidden}, f32);
    auto yType = RankedTensorType::get({seq, batch, hidden}, f32);
    Value b = adaptor.getB();
    bool hasBias = !isa<NoneType>(b.getType());
    AffineMap id = rewriter.getMultiDimIdentityMap(2);
    AffineMap column = AffineMap::get(
        2, 0, {getAffineDimExpr(1, rewriter.getContext())}, rewriter.getContext());

    SmallVector<Value> ys, hs;
    for (int64_t dir = 0; dir < dirs; ++dir) {
      bool reverse = dims->isReverse(dir);
      Value w = sliceDirection(rewriter, loc, adaptor.getW(), dir);
      Value r = sliceDirection(rewriter, loc, adaptor.getR(), dir);
      Value projected = contractTransposed(
          rewriter, loc, adaptor.getX(), w,
          zeroAccumulator(rewriter, loc, stepsType.getShape(), f32, {}));
      // Wb joins the projection; Rb is added per gate inside the step.
      Value rb = zeroAccumulator(rewriter, loc, {3 * hidden}, f32, {});
      if (hasBias) {
        Value bias = sliceDirection(rewriter, loc, b, dir);
        projected = addBias(rewriter, loc, projected, bias, 0);
        rb = sliceLastDim(rewriter, loc, bias, 3 * hidden, 3 * hidden);
      }
      Value h0 = initialState(rewriter, loc, adaptor.getInitialH(), dir, stateType);
      Value y0 = tensor::EmptyOp::create(rewriter, loc, yType.getShape(), f32);
      auto loop = timeLoop(
          rewriter, loc, seq, ValueRange{h0, y0},
          [&](OpBuilder &nb, Location nl, Value t, ValueRange state) {
            Value step = stepIndex(nb, nl, t, seq, reverse);
            Value xw = extractStep(nb, nl, projected, step);
            Value hPrev = state[0];
            Value hr = contractTransposed(
                nb, nl, hPrev, r,
                zeroAccumulator(nb, nl, {batch, 3 * hidden}, f32, {}));
            auto gate = [&](Value v, int k) {
              return sliceLastDim(nb, nl, v, k * hidden, hidden);
            };
            // z and r (and, with linear_before_reset, the whole step).
            SmallVector<Value> inputs = {gate(xw, 0), gate(xw, 1), gate(xw, 2),
                                         gate(hr, 0), gate(hr, 1), gate(hr, 2),
                                         gate(rb, 0), gate(rb, 1), gate(rb, 2),
                                         hPrev};
            SmallVector<AffineMap> maps = {id, id, id, id, id, id,
                                           column, column, column, id};
            Value hNew;
            if (linearBeforeReset) {
              maps.push_back(id);
              // Written over the loop-carried H so the loop bufferizes in place.
              hNew = linalg::GenericOp::create(
                         nb, nl, stateType, inputs, hPrev, maps,
                         SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                         [&](OpBuilder &gb, Location gl, ValueRange a) {
                           auto add = [&](Value x, Value y) -> Value {
                             return arith::AddFOp::create(gb, gl, x, y);
                           };
                           Value z = sigmoidScalar(gb, gl, add(a[0], add(a[3], a[6])));
                           Value rg = sigmoidScalar(gb, gl, add(a[1], add(a[4], a[7])));
                           Value hh = math::TanhOp::create(
                               gb, gl,
                               add(a[2], arith::MulFOp::create(gb, gl, rg,
                                                               add(a[5], a[8]))));
                           // (1 - z) * hh + z * H = hh + z * (H - hh)
                           Value diff = arith::SubFOp::create(gb, gl, a[9], hh);
                           Value h = add(hh, arith::MulFOp::create(gb, gl, z, diff));
                           linalg::YieldOp::create(gb, gl, h);
                         })
                         .getResult(0);
            } else {
              // z and r * H first, then (r * H) * Rh^T, then the new state.
              maps.push_back(id);
              maps.push_back(id);
              Value zInit = tensor::EmptyOp::create(nb, nl, stateType.getShape(), f32);
              Value rhInit = tensor::EmptyOp::create(nb, nl, stateType.getShape(), f32);
              auto gates = linalg::GenericOp::create(
                  nb, nl, TypeRange{stateType, stateType}, inputs,
                  ValueRange{zInit, rhInit}, maps,
                  SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                  [&](OpBuilder &gb, Location gl, ValueRange a) {
                    auto add = [&](Value x, Value y) -> Value {
                      return arith::AddFOp::create(gb, gl, x, y);
                    };
                    Value z = sigmoidScalar(gb, gl, add(a[0], add(a[3], a[6])));
                    Value rg = sigmoidScalar(gb, gl, add(a[1], add(a[4], a[7])));
                    Value rh = arith::MulFOp::create(gb, gl, rg, a[9]);
                    linalg::YieldOp::create(gb, gl, ValueRange{z, rh});
                  });
              Value rhInitAcc = zeroAccumulator(nb, nl, stateType.getShape(), f32, {});
              // Rh: rows [2H, 3H) of R.
              Value rh = tensor::ExtractSliceOp::create(
                  nb, nl, RankedTensorType::get({hidden, hidden}, f32), r,
                  SmallVector<OpFoldResult>{nb.getIndexAttr(2 * hidden), nb.getIndexAttr(0)},
                  SmallVector<OpFoldResult>{nb.getIndexAttr(hidden), nb.getIndexAttr(hidden)},
                  SmallVector<OpFoldResult>(2, nb.getIndexAttr(1)));
              Value resetProduct =
                  contractTransposed(nb, nl, gates.getResult(1), rh, rhInitAcc);
              SmallVector<Value> last = {gates.getResult(0), gate(xw, 2),
                                         resetProduct, gate(rb, 2), hPrev};
              SmallVector<AffineMap> lastMaps = {id, id, id, column, id, id};
              hNew = linalg::GenericOp::create(
                         nb, nl, stateType, last, hPrev, lastMaps,
                         SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                         [&](OpBuilder &gb, Location gl, ValueRange a) {
                           Value pre = arith::AddFOp::create(
                               gb, gl, a[1], arith::AddFOp::create(gb, gl, a[2], a[3]));
                           Value hh = math::TanhOp::create(gb, gl, pre);
                           Value diff = arith::SubFOp::create(gb, gl, a[4], hh);
                           Value h = arith::AddFOp::create(
                               gb, gl, hh, arith::MulFOp::create(gb, gl, a[0], diff));
                           linalg::YieldOp::create(gb, gl, h);
                         })
                         .getResult(0);
            }
            Value yNew = insertStep(nb, nl, hNew, state[1], step);
            scf::YieldOp::create(nb, nl, ValueRange{hNew, yNew});
          });
      hs.push_back(loop.getResult(0));
      ys.push_back(loop.getResult(1));
    }
    rewriter.replaceOp(op, {stackIfUsed(rewriter, loc, op.getY(), ys, 1),
                            stackIfUsed(rewriter, loc, op.getYH(), hs, 0)});
    return success();
  }
};

/// RNN (layout 0, default Tanh activation): H = tanh(X W^T + H R^T + Wb + Rb).
struct RNNLowering : OpConversionPattern<RNNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RNNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<RecurrentDims> dims = matchRecurrent(op, adaptor, 1, rewriter);
    if (failed(dims))
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    int64_t seq = dims->seq, batch = dims->batch, dirs = dims->dirs,
            hidden = dims->hidden;
    auto stateType = RankedTensorType::get({batch, hidden}, f32);
    auto stepsType = RankedTensorType::get({seq, batch, hidden}, f32);
    Value b = adaptor.getB();
    AffineMap id = rewriter.getMultiDimIdentityMap(2);
    SmallVector<Value> ys, hs;
    for (int64_t dir = 0; dir < dirs; ++dir) {
      bool reverse = dims->isReverse(dir);
      Value w = sliceDirection(rewriter, loc, adaptor.getW(), dir);
      Value r = sliceDirection(rewriter, loc, adaptor.getR(), dir);
      Value projected = contractTransposed(
          rewriter, loc, adaptor.getX(), w,
          zeroAccumulator(rewriter, loc, stepsType.getShape(), f32, {}));
      if (!isa<NoneType>(b.getType())) {
        Value bias = sliceDirection(rewriter, loc, b, dir);
        projected = addBias(rewriter, loc, projected, bias, 0);
        projected = addBias(rewriter, loc, projected, bias, hidden);
      }
      Value h0 = initialState(rewriter, loc, adaptor.getInitialH(), dir, stateType);
      Value y0 = tensor::EmptyOp::create(rewriter, loc, stepsType.getShape(), f32);
      auto loop = timeLoop(
          rewriter, loc, seq, ValueRange{h0, y0},
          [&](OpBuilder &nb, Location nl, Value t, ValueRange state) {
            Value step = stepIndex(nb, nl, t, seq, reverse);
            Value xw = extractStep(nb, nl, projected, step);
            Value hr = contractTransposed(
                nb, nl, state[0], r,
                zeroAccumulator(nb, nl, stateType.getShape(), f32, {}));
            // Written over the loop-carried H so the loop bufferizes in place.
            Value hNew =
                linalg::GenericOp::create(
                    nb, nl, stateType, ValueRange{xw, hr}, state[0],
                    SmallVector<AffineMap>(3, id),
                    SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                    [](OpBuilder &gb, Location gl, ValueRange a) {
                      Value h = math::TanhOp::create(
                          gb, gl, arith::AddFOp::create(gb, gl, a[0], a[1]));
                      linalg::YieldOp::create(gb, gl, h);
                    })
                    .getResult(0);
            Value yNew = insertStep(nb, nl, hNew, state[1], step);
            scf::YieldOp::create(nb, nl, ValueRange{hNew, yNew});
          });
      hs.push_back(loop.getResult(0));
      ys.push_back(loop.getResult(1));
    }
    rewriter.replaceOp(op, {stackIfUsed(rewriter, loc, op.getY(), ys, 1),
                            stackIfUsed(rewriter, loc, op.getYH(), hs, 0)});
    return success();
  }
};

} // namespace

void populateONNXRecurrentToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LSTMLowering, GRULowering, RNNLowering>(patterns.getContext());
}

} // namespace onnxc
