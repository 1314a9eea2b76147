//===- Spectral.cpp - DFT and STFT to linalg ------------------------------===//
//
// Both are the direct O(n^2) transform, one linalg.generic with a
// reduction over the signal index j:
//
//   X[k] = sum_j x[j] * exp(-+ 2 pi i (j k mod N) / N)       (/ N if inverse)
//
// over an output (..., k, 2) whose last dim is the real and imaginary part;
// the angle is computed from j k mod N (exact in integers) and the sum
// accumulated in f64, rounded to the element type once. DFT pads the
// signal with zeros or truncates it to dft_length (N); its axis may be known
// only at run time (the signal dim is then chosen by selects). STFT frames
// the signal (frame f starts at f * frame_step), weights each frame by the
// window, and transforms the frame_length = N samples.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// The first element of a one-element integer tensor as an index.
Value extractIndexScalar(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<Value> zeros(type.getRank(),
                           arith::ConstantIndexOp::create(b, loc, 0));
  Value v = tensor::ExtractOp::create(b, loc, t, zeros);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

/// Whether every present value of `values` is a ranked tensor.
bool allScalarsRanked(ArrayRef<Value> values) {
  return llvm::all_of(values, [](Value v) {
    return isNone(v) || isa<RankedTensorType>(v.getType());
  });
}

/// The term of input sample (re, im) at index j for output bin k and part
/// `part` (0 real, 1 imaginary) of a length-`n` transform, in `acc`:
/// (re + i im) * exp(-+ 2 pi i (j k mod n) / n), divided by n if inverse.
Value fourierTerm(OpBuilder &b, Location loc, Value re, Value im, Value j,
                  Value k, Value part, Value n, bool inverse, Type acc) {
  Type f64 = b.getF64Type(), i64 = b.getI64Type();
  auto toI64 = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, i64, v).getResult();
  };
  Value jk = arith::RemUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, toI64(j), toI64(k)), toI64(n));
  Value nF = arith::SIToFPOp::create(b, loc, f64, toI64(n));
  Value angle = arith::DivFOp::create(
      b, loc,
      arith::MulFOp::create(
          b, loc, arith::SIToFPOp::create(b, loc, f64, jk),
          arith::ConstantOp::create(b, loc, b.getF64FloatAttr(2 * M_PI))),
      nF);
  auto narrow = [&](Value v) -> Value {
    return acc == f64 ? v : arith::TruncFOp::create(b, loc, acc, v).getResult();
  };
  Value cos = narrow(math::CosOp::create(b, loc, angle));
  Value sin = narrow(math::SinOp::create(b, loc, angle));
  auto mul = [&](Value x, Value y) {
    return arith::MulFOp::create(b, loc, x, y).getResult();
  };
  // Forward: (re cos + im sin) + i (im cos - re sin); inverse: the
  // conjugate angle.
  Value real = inverse ? arith::SubFOp::create(b, loc, mul(re, cos), mul(im, sin))
                             .getResult()
                       : arith::AddFOp::create(b, loc, mul(re, cos), mul(im, sin))
                             .getResult();
  Value imag = inverse ? arith::AddFOp::create(b, loc, mul(im, cos), mul(re, sin))
                             .getResult()
                       : arith::SubFOp::create(b, loc, mul(im, cos), mul(re, sin))
                             .getResult();
  Value isReal = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, part,
      arith::ConstantIndexOp::create(b, loc, 0));
  Value term = arith::SelectOp::create(b, loc, isReal, real, imag);
  if (inverse)
    term = arith::DivFOp::create(b, loc, term, narrow(nF));
  return term;
}

/// The real and imaginary parts of `x` at `at` (all indices but the last)
/// in `acc`: the imaginary part is 0 for a real input (last dim 1), which
/// `isComplex` (i1) tells when the last dim is known only at run time.
std::pair<Value, Value> readParts(OpBuilder &b, Location loc, Value x,
                                  ArrayRef<Value> at, Value isComplex,
                                  Type acc) {
  auto read = [&](Value index) {
    SmallVector<Value> where(at);
    where.push_back(index);
    return toComputeType(b, loc, tensor::ExtractOp::create(b, loc, x, where),
                         acc);
  };
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value re = read(zero);
  // Read at 0 when real (in bounds), then zeroed.
  Value im = read(arith::SelectOp::create(b, loc, isComplex, one, zero));
  im = arith::SelectOp::create(b, loc, isComplex, im,
                               scalarConstant(b, loc, acc, 0));
  return {re, im};
}

/// Whether `x`'s last dim (1 or 2, checked at run time when not static)
/// is 2: an i1 value.
Value isComplexInput(OpBuilder &b, Location loc, Operation *op, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t last = type.getRank() - 1;
  if (!type.isDynamicDim(last))
    return arith::ConstantIntOp::create(b, loc, type.getDimSize(last) == 2, 1);
  Value dim = tensor::DimOp::create(b, loc, x, last);
  auto is = [&](int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim,
                                 arith::ConstantIndexOp::create(b, loc, v))
        .getResult();
  };
  emitCheck(b, loc, op, arith::OrIOp::create(b, loc, is(1), is(2)),
            "the input's last dim must be 1 (real) or 2 (complex)");
  return is(2);
}

/// A generic over `resultType`'s dims plus a reduction over `extent`
/// (index) that sums `term(b, loc, indices, j)` in the accumulator type of
/// the result's element type; `sizes` are the result's dynamic sizes.
Value buildTransform(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ValueRange sizes, Value extent,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, Value, Type)>
        term) {
  Type element = resultType.getElementType();
  // f64 throughout: the angles and the sums of a long transform keep the
  // bins that should be 0 within an ulp of f32.
  Type acc = b.getF64Type();
  int64_t rank = resultType.getRank();
  auto accType = RankedTensorType::get(resultType.getShape(), acc);
  Value init = zeroAccumulator(b, loc, resultType.getShape(), acc, sizes);
  Value extents = tensor::EmptyOp::create(
                      b, loc, RankedTensorType::get({ShapedType::kDynamic}, acc),
                      ValueRange{extent})
                      .getResult();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, accType, ValueRange{extents}, init,
      SmallVector<AffineMap>{
          AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank, ctx)}, ctx),
          AffineMap::get(rank + 1, 0, outExprs, ctx)},
      iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(linalg::IndexOp::create(nb, l, d));
        Value j = linalg::IndexOp::create(nb, l, rank);
        Value sum = arith::AddFOp::create(nb, l, args[1],
                                          term(nb, l, indices, j, acc));
        linalg::YieldOp::create(nb, l, sum);
      });
  Value result = generic.getResult(0);
  return acc == element ? result : castTensor(b, loc, result, resultType);
}

struct DFTLowering : OpConversionPattern<DFTOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DFTOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "a float input of known rank");
    if (!allScalarsRanked({adaptor.getAxis(), adaptor.getDftLength()}))
      return rewriter.notifyMatchFailure(
          op, "axis and dft_length must have a known rank");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    Value complex = isComplexInput(rewriter, loc, op, x);
    bool inverse = op.getInverse() != 0, onesided = op.getOnesided() != 0;
    if (onesided)
      emitCheck(rewriter, loc, op,
                arith::XOrIOp::create(
                    rewriter, loc, complex,
                    arith::ConstantIntOp::create(rewriter, loc, 1, 1)),
                "onesided needs a real input (last dim 1)");
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    // The signal axis: a constant, or chosen at run time.
    std::optional<int64_t> staticAxis;
    Value axis;
    if (isNone(adaptor.getAxis())) {
      staticAxis = rank - 2;
    } else if (std::optional<SmallVector<int64_t>> v =
                   getConstantInts(op.getAxis())) {
      staticAxis = v->front() < 0 ? v->front() + rank : v->front();
    } else {
      Value a = extractIndexScalar(rewriter, loc, adaptor.getAxis());
      Value negative = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, a, c(0));
      axis = arith::SelectOp::create(
          rewriter, loc, negative,
          arith::AddIOp::create(rewriter, loc, a, c(rank)), a);
      emitCheck(rewriter, loc, op,
                arith::AndIOp::create(
                    rewriter, loc,
                    arith::CmpIOp::create(rewriter, loc,
                                          arith::CmpIPredicate::sge, axis, c(0)),
                    arith::CmpIOp::create(rewriter, loc,
                                          arith::CmpIPredicate::slt, axis,
                                          c(rank - 1))),
                "axis is out of range (the last dim holds the parts)");
    }
    if (staticAxis)
      axis = c(*staticAxis);
    SmallVector<Value> dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    // The dim selected by the axis, by value.
    auto atAxis = [&](OpBuilder &b, Location l, ArrayRef<Value> values) {
      if (staticAxis)
        return values[*staticAxis];
      Value chosen = values[0];
      for (int64_t d = 1; d < rank - 1; ++d)
        chosen = arith::SelectOp::create(
            b, l,
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, axis,
                                  arith::ConstantIndexOp::create(b, l, d)),
            values[d], chosen);
      return chosen;
    };
    Value signal = atAxis(rewriter, loc, dims);
    Value n = isNone(adaptor.getDftLength())
                  ? signal
                  : extractIndexScalar(rewriter, loc, adaptor.getDftLength());
    emitCheck(rewriter, loc, op,
              arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                    n, c(0)),
              "dft_length must be positive");
    Value bins = onesided ? arith::AddIOp::create(
                                rewriter, loc,
                                arith::DivUIOp::create(rewriter, loc, n, c(2)),
                                c(1))
                                .getResult()
                          : n;
    Value used = arith::MinUIOp::create(rewriter, loc, n, signal);
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!resultType.isDynamicDim(d))
        continue;
      Value isAxis = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, axis, c(d));
      sizes.push_back(
          arith::SelectOp::create(rewriter, loc, isAxis, bins, dims[d]));
    }
    Value result = buildTransform(
        rewriter, loc, resultType, sizes, used,
        [&](OpBuilder &b, Location l, ArrayRef<Value> indices, Value j,
            Type acc) {
          SmallVector<Value> at;
          Value k = atAxis(b, l, indices);
          for (int64_t d = 0; d < rank - 1; ++d) {
            if (staticAxis) {
              at.push_back(d == *staticAxis ? j : indices[d]);
              continue;
            }
            Value isAxis = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, axis,
                arith::ConstantIndexOp::create(b, l, d));
            at.push_back(arith::SelectOp::create(b, l, isAxis, j, indices[d]));
          }
          auto [re, im] = readParts(b, l, x, at, complex, acc);
          return fourierTerm(b, l, re, im, j, k, indices[rank - 1], n,
                             inverse, acc);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct STFTLowering : OpConversionPattern<STFTOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(STFTOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value signal = adaptor.getSignal(), window = adaptor.getWindow();
    auto type = dyn_cast<RankedTensorType>(signal.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || type.getRank() != 3 ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(
          op, "a float signal (batch, length, 1 or 2)");
    if (!allScalarsRanked({adaptor.getFrameStep(), adaptor.getFrameLength(),
                           window}))
      return rewriter.notifyMatchFailure(
          op, "frame_step, frame_length and the window must have a known "
              "rank");
    Location loc = op.getLoc();
    Value complex = isComplexInput(rewriter, loc, op, signal);
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    Value step = extractIndexScalar(rewriter, loc, adaptor.getFrameStep());
    Value n = isNone(adaptor.getFrameLength())
                  ? tensor::DimOp::create(rewriter, loc, window, 0).getResult()
                  : extractIndexScalar(rewriter, loc, adaptor.getFrameLength());
    Value length = tensor::DimOp::create(rewriter, loc, signal, 1);
    auto cmp = [&](arith::CmpIPredicate p, Value a, Value b) {
      return arith::CmpIOp::create(rewriter, loc, p, a, b).getResult();
    };
    emitCheck(rewriter, loc, op,
              arith::AndIOp::create(
                  rewriter, loc, cmp(arith::CmpIPredicate::sgt, step, c(0)),
                  arith::AndIOp::create(
                      rewriter, loc, cmp(arith::CmpIPredicate::sgt, n, c(0)),
                      cmp(arith::CmpIPredicate::sle, n, length))),
              "frame_step and frame_length must be positive and a frame no "
              "longer than the signal");
    if (!isNone(window))
      emitDimCheck(rewriter, loc, op,
                   tensor::DimOp::create(rewriter, loc, window, 0).getResult(),
                   n, "the window's length differs from frame_length");
    Value frames = arith::AddIOp::create(
        rewriter, loc,
        arith::DivUIOp::create(rewriter, loc,
                               arith::SubIOp::create(rewriter, loc, length, n),
                               step),
        c(1));
    Value bins = op.getOnesided()
                     ? arith::AddIOp::create(
                           rewriter, loc,
                           arith::DivUIOp::create(rewriter, loc, n, c(2)), c(1))
                           .getResult()
                     : n;
    SmallVector<Value> all{tensor::DimOp::create(rewriter, loc, signal, 0),
                           frames, bins, c(2)};
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < 4; ++d)
      if (resultType.isDynamicDim(d))
        sizes.push_back(all[d]);
      else
        emitDimCheck(rewriter, loc, op, all[d],
                     rewriter.getIndexAttr(resultType.getDimSize(d)),
                     "output dim " + Twine(d) + " differs from its type");
    Value result = buildTransform(
        rewriter, loc, resultType, sizes, n,
        [&](OpBuilder &b, Location l, ArrayRef<Value> indices, Value j,
            Type acc) {
          Value at = arith::AddIOp::create(
              b, l, arith::MulIOp::create(b, l, indices[1], step), j);
          auto [re, im] =
              readParts(b, l, signal, {indices[0], at}, complex, acc);
          if (!isNone(window)) {
            Value w = toComputeType(
                b, l, tensor::ExtractOp::create(b, l, window, ValueRange{j}),
                acc);
            re = arith::MulFOp::create(b, l, re, w);
            im = arith::MulFOp::create(b, l, im, w);
          }
          return fourierTerm(b, l, re, im, j, indices[2], indices[3], n,
                             /*inverse=*/false, acc);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXSpectralToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<DFTLowering, STFTLowering>(patterns.getContext());
}

} // namespace onnxc::linalg_lowering
