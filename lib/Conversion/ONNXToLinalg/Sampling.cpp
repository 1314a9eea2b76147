//===- Sampling.cpp - GridSample and AffineGrid to linalg -----------------===//
//
// GridSample is one linalg.generic over Y (N, C, O1..Or) that reads its
// grid point and gathers from X with tensor.extract, as the ONNX reference
// (onnx/reference/ops/op_grid_sample.py) computes it:
//
//   x_j = align_corners ? (g + 1) / 2 * (S_j - 1) : ((g + 1) * S_j - 1) / 2
//
// for spatial dim j of size S_j and grid component g = grid[..., r - 1 - j];
// nearest rounds x_j half to even. A point with a coordinate outside
// [lo, hi] (0 and S - 1 with align_corners, else -0.5 and S - 0.5) has all
// its coordinates clamped into [0, S - 1] (padding "border", but for
// cubic); a coordinate outside is reflected at the borders until inside
// ("reflection"). Then nearest reads one pixel, linear the 2^r around x
// weighted by their distances, cubic the 4^r around it with the cubic
// convolution weights of A = -0.75; a pixel outside X reads 0 ("zeros"),
// its clamped index ("border") or its reflected one ("reflection"). Cubic
// with border padding clamps only the taps' indices, as onnxruntime does
// (onnx.reference clamps the coordinate first: 9.0 where onnxruntime and
// onnx-compile give 9.36 for X = [0, 1, 4, 9] at x = 1.05).
// Floats compute in f32 (f64 for f64).
//
// AffineGrid is one linalg.generic over the grid (N, D1..Dr, r): component
// k at output point p is sum_m theta[n, k, m] * base[m], base being the
// point's normalized coordinates (last spatial dim first) and 1; a
// coordinate along a dim of size S is -1 + 2i / (S - 1) with
// align_corners (-1 for S = 1), else -1 + (2i + 1) / S.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// Scalar float arithmetic in one type.
struct FloatBuilder {
  OpBuilder &b;
  Location loc;
  FloatType type;
  Value c(double v) const {
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
  }
  Value add(Value x, Value y) const { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) const { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) const { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) const { return arith::DivFOp::create(b, loc, x, y); }
  Value lt(Value x, Value y) const {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value gt(Value x, Value y) const {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
  }
  Value select(Value c, Value x, Value y) const {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value clamp(Value x, Value lo, Value hi) const {
    return arith::MinimumFOp::create(b, loc,
                                     arith::MaximumFOp::create(b, loc, x, lo),
                                     hi);
  }
  Value floor(Value x) const { return math::FloorOp::create(b, loc, x); }
  Value fromIndex(Value i) const {
    Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), i);
    return arith::SIToFPOp::create(b, loc, type, i64);
  }
  /// `x` truncated toward zero, as an i64.
  Value toI64(Value x) const {
    return arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
  }
};

/// GridSample's padding modes.
enum class Padding { Zeros, Border, Reflection };

/// `x` reflected at `lo` and `hi` until it lies between them (the
/// reference's _gs_reflect); `lo` when they are equal.
Value reflect(const FloatBuilder &f, Value x, Value lo, Value hi) {
  Value range = f.sub(hi, lo);
  Value positive = f.gt(range, f.c(0));
  Value safeRange = f.select(positive, range, f.c(1));
  // dx past a border folds into n whole ranges and a rest r; an even n
  // comes back from that border, an odd one from the other.
  auto fold = [&](Value dx, Value near, Value far, bool below) {
    Value n = math::TruncOp::create(f.b, f.loc, f.div(dx, safeRange));
    Value r = f.sub(dx, f.mul(n, safeRange));
    Value odd = arith::TruncIOp::create(f.b, f.loc, f.b.getI1Type(),
                                        f.toI64(n));
    Value fromNear = below ? f.add(near, r) : f.sub(near, r);
    Value fromFar = below ? f.sub(far, r) : f.add(far, r);
    return f.select(odd, fromFar, fromNear);
  };
  Value low = fold(f.sub(lo, x), lo, hi, /*below=*/true);
  Value high = fold(f.sub(x, hi), hi, lo, /*below=*/false);
  Value result = f.select(f.lt(x, lo), low, f.select(f.gt(x, hi), high, x));
  return f.select(positive, result, lo);
}

struct GridSampleLowering : OpConversionPattern<GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GridSampleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX(), grid = adaptor.getGrid();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto gridType = dyn_cast<RankedTensorType>(grid.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!xType || !gridType || !resultType)
      return rewriter.notifyMatchFailure(op, "unranked operands");
    Type element = xType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(
          op, "only float X is lowered (integer and bool X are not)");
    Location loc = op.getLoc();
    int64_t r = xType.getRank() - 2;
    FloatType compute =
        element.isF64() ? rewriter.getF64Type() : rewriter.getF32Type();
    StringRef mode = op.getMode();
    Padding padding = op.getPaddingMode() == "border" ? Padding::Border
                      : op.getPaddingMode() == "reflection"
                          ? Padding::Reflection
                          : Padding::Zeros;
    bool alignCorners = op.getAlignCorners() != 0;

    // The grid's batch must be X's.
    Value n = tensor::DimOp::create(rewriter, loc, x, 0);
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, grid, 0).getResult(), n,
                 "grid's batch dim differs from X's");
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, grid, r + 1).getResult(),
                 rewriter.getIndexAttr(r),
                 "grid's last dim differs from the number of spatial dims");
    SmallVector<Value> sizes;
    for (int64_t j = 0; j < r; ++j) {
      sizes.push_back(tensor::DimOp::create(rewriter, loc, x, 2 + j));
      // The reads clamp into X: it must have a pixel to read.
      emitCheck(rewriter, loc, op,
                arith::CmpIOp::create(
                    rewriter, loc, arith::CmpIPredicate::sgt, sizes.back(),
                    arith::ConstantIndexOp::create(rewriter, loc, 0)),
                "X has an empty spatial dim");
    }
    SmallVector<Value> outSizes;
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      if (resultType.isDynamicDim(d))
        outSizes.push_back(
            d < 2 ? tensor::DimOp::create(rewriter, loc, x, d).getResult()
                  : tensor::DimOp::create(rewriter, loc, grid, d - 1)
                        .getResult());
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType, outSizes);
    Value result = buildIndexedGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> index) {
          FloatBuilder f{b, l, compute};
          // The point's coordinate along each spatial dim.
          SmallVector<Value> coordinates, lo, hi, last;
          for (int64_t j = 0; j < r; ++j) {
            SmallVector<Value> at{index[0]};
            for (int64_t d = 0; d < r; ++d)
              at.push_back(index[2 + d]);
            at.push_back(arith::ConstantIndexOp::create(b, l, r - 1 - j));
            Value g = tensor::ExtractOp::create(b, l, grid, at);
            g = toComputeType(b, l, g, compute);
            // Far outside [-1, 1] every mode reads padding: bound the
            // coordinate so that it converts to an integer exactly; NaN
            // reads the padding too.
            g = f.select(arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO,
                                               g, g),
                         f.c(1e6), f.clamp(g, f.c(-1e6), f.c(1e6)));
            Value size = f.fromIndex(sizes[j]);
            last.push_back(f.sub(size, f.c(1)));
            Value xj =
                alignCorners
                    ? f.mul(f.div(f.add(g, f.c(1)), f.c(2)), last.back())
                    : f.div(f.sub(f.mul(f.add(g, f.c(1)), size), f.c(1)),
                            f.c(2));
            if (mode == "nearest")
              xj = math::RoundEvenOp::create(b, l, xj);
            lo.push_back(alignCorners ? f.c(0) : f.c(-0.5));
            hi.push_back(alignCorners ? last.back() : f.sub(size, f.c(0.5)));
            if (padding == Padding::Reflection)
              xj = reflect(f, xj, lo.back(), hi.back());
            coordinates.push_back(xj);
          }
          // Border: a point outside [lo, hi] along any dim has all its
          // coordinates clamped into [0, S - 1] (onnxruntime's and the
          // reference's reading), except for cubic, whose taps only read
          // clamped indices (as onnxruntime's do).
          if (padding == Padding::Border && mode != "cubic") {
            Value outside;
            for (int64_t j = 0; j < r; ++j) {
              Value out = arith::OrIOp::create(b, l, f.lt(coordinates[j], lo[j]),
                                               f.gt(coordinates[j], hi[j]));
              outside = outside ? arith::OrIOp::create(b, l, outside, out)
                                      .getResult()
                                : out;
            }
            for (int64_t j = 0; j < r; ++j)
              coordinates[j] = f.select(
                  outside, f.clamp(coordinates[j], f.c(0), last[j]),
                  coordinates[j]);
          }
          // X at integer coordinates `at` (i64, one per spatial dim), as
          // the padding mode reads outside X.
          auto pixel = [&](ArrayRef<Value> at) -> Value {
            SmallVector<Value> indices{index[0], index[1]};
            Value inside;
            for (int64_t j = 0; j < r; ++j) {
              Value i = at[j];
              Value lastI = f.toI64(last[j]);
              if (padding == Padding::Reflection)
                i = f.toI64(reflect(f, arith::SIToFPOp::create(b, l, compute, i),
                                    lo[j], hi[j]));
              Value zero = arith::ConstantIntOp::create(b, l, b.getI64Type(), 0);
              if (padding == Padding::Zeros) {
                Value ok = arith::AndIOp::create(
                    b, l,
                    arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, i,
                                          zero),
                    arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle, i,
                                          lastI));
                inside = inside ? arith::AndIOp::create(b, l, inside, ok)
                                      .getResult()
                                : ok;
              }
              // Clamped in every mode: the read stays inside X.
              i = arith::MinSIOp::create(
                  b, l, arith::MaxSIOp::create(b, l, i, zero), lastI);
              indices.push_back(arith::IndexCastOp::create(
                  b, l, b.getIndexType(), i));
            }
            Value v = toComputeType(
                b, l, tensor::ExtractOp::create(b, l, x, indices), compute);
            return inside ? f.select(inside, v, f.c(0)) : v;
          };
          Value result;
          if (mode == "nearest") {
            SmallVector<Value> at;
            for (Value xj : coordinates)
              at.push_back(f.toI64(xj));
            result = pixel(at);
          } else {
            // Taps and weights per dim, then their tensor product.
            bool cubic = mode == "cubic";
            int64_t taps = cubic ? 4 : 2;
            SmallVector<SmallVector<Value, 4>> weights;
            SmallVector<Value> firsts;
            for (Value xj : coordinates) {
              Value base = f.floor(xj);
              Value t = f.sub(xj, base);
              weights.push_back(cubic ? cubicConvolutionWeights(b, l, t, -0.75)
                                      : SmallVector<Value, 4>{
                                            f.sub(f.c(1), t), t});
              firsts.push_back(f.toI64(cubic ? f.sub(base, f.c(1)) : base));
            }
            result = f.c(0);
            int64_t count = 1;
            for (int64_t j = 0; j < r; ++j)
              count *= taps;
            for (int64_t k = 0; k < count; ++k) {
              SmallVector<Value> at;
              Value weight;
              int64_t rest = k;
              for (int64_t j = r - 1; j >= 0; --j) {
                int64_t tap = rest % taps;
                rest /= taps;
                at.insert(at.begin(),
                          arith::AddIOp::create(
                              b, l, firsts[j],
                              arith::ConstantIntOp::create(b, l, b.getI64Type(),
                                                           tap)));
                weight = weight ? f.mul(weight, weights[j][tap])
                                : weights[j][tap];
              }
              result = f.add(result, f.mul(weight, pixel(at)));
            }
          }
          return fromComputeType(b, l, result, element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AffineGridLowering : OpConversionPattern<AffineGridOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AffineGridOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value theta = adaptor.getTheta(), size = adaptor.getSize();
    auto thetaType = dyn_cast<RankedTensorType>(theta.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getGrid().getType());
    if (!thetaType || !resultType)
      return rewriter.notifyMatchFailure(op, "unranked operands or result");
    Location loc = op.getLoc();
    int64_t r = resultType.getRank() - 2;
    Type element = resultType.getElementType();
    FloatType compute =
        element.isF64() ? rewriter.getF64Type() : rewriter.getF32Type();
    bool alignCorners = op.getAlignCorners() != 0;

    // The output dims: size's values (read at run time when not constant).
    SmallVector<Value> dims;
    for (int64_t d = 0; d < r + 1; ++d) {
      int64_t from = d == 0 ? 0 : d + 1;
      if (!resultType.isDynamicDim(d)) {
        dims.push_back(arith::ConstantIndexOp::create(
            rewriter, loc, resultType.getDimSize(d)));
        continue;
      }
      Value v = tensor::ExtractOp::create(
          rewriter, loc, size,
          ValueRange{arith::ConstantIndexOp::create(rewriter, loc, from)});
      dims.push_back(arith::IndexCastOp::create(rewriter, loc,
                                                rewriter.getIndexType(), v));
    }
    for (Value dim : dims)
      emitCheck(rewriter, loc, op,
                arith::CmpIOp::create(
                    rewriter, loc, arith::CmpIPredicate::sge, dim,
                    arith::ConstantIndexOp::create(rewriter, loc, 0)),
                "size has a negative value");
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, theta, 0).getResult(),
                 dims[0], "size's N differs from theta's batch dim");
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, theta, 1).getResult(),
                 rewriter.getIndexAttr(r), "theta's dim 1 differs from " +
                                               Twine(r) + " (size's rank - 2)");
    emitDimCheck(rewriter, loc, op,
                 tensor::DimOp::create(rewriter, loc, theta, 2).getResult(),
                 rewriter.getIndexAttr(r + 1),
                 "theta's dim 2 differs from " + Twine(r + 1));
    SmallVector<Value> outSizes;
    for (int64_t d = 0; d <= r; ++d)
      if (resultType.isDynamicDim(d))
        outSizes.push_back(dims[d]);
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType, outSizes);
    Value grid = buildIndexedGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> index) {
          FloatBuilder f{b, l, compute};
          Value n = index[0], k = index[r + 1];
          // base[m]: the coordinate of spatial dim r - 1 - m, then 1.
          SmallVector<Value> base;
          for (int64_t m = 0; m < r; ++m) {
            int64_t j = r - 1 - m;
            Value i = f.fromIndex(index[1 + j]);
            Value s = f.fromIndex(dims[1 + j]);
            Value coordinate;
            if (alignCorners) {
              Value step = f.div(f.c(2), f.sub(s, f.c(1)));
              coordinate = f.select(f.gt(s, f.c(1)),
                                    f.add(f.c(-1), f.mul(i, step)), f.c(-1));
            } else {
              coordinate =
                  f.sub(f.div(f.add(f.mul(f.c(2), i), f.c(1)), s), f.c(1));
            }
            base.push_back(coordinate);
          }
          base.push_back(f.c(1));
          Value sum = f.c(0);
          for (int64_t m = 0; m <= r; ++m) {
            Value t = tensor::ExtractOp::create(
                b, l, theta,
                ValueRange{n, k, arith::ConstantIndexOp::create(b, l, m)});
            sum = f.add(sum, f.mul(toComputeType(b, l, t, compute), base[m]));
          }
          return fromComputeType(b, l, sum, element);
        });
    rewriter.replaceOp(op, grid);
    return success();
  }
};

} // namespace

void populateONNXSamplingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GridSampleLowering, AffineGridLowering>(patterns.getContext());
}

} // namespace onnxc::linalg_lowering
