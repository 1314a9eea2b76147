//===- Reduction.cpp - Reductions, Softmax and LayerNorm to linalg --------===//
//
// All reductions go through one helper that builds a linalg.generic reducing
// a set of dimensions into a tensor with those dimensions kept as size 1;
// the size-1 form broadcasts straight back in Softmax and LayerNorm, and
// keepdims = 0 collapses it afterwards. Floats accumulate in f32 at least,
// integers in the signless type of their width (unsigned ones compare and
// divide unsigned); the integer forms of ReduceL2, ReduceLogSum and
// ReduceLogSumExp take the square root or logarithm in f64 and truncate.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

using Combiner = function_ref<Value(OpBuilder &, Location, Value acc, Value x)>;
using Mapper = function_ref<Value(OpBuilder &, Location, Value x)>;

/// Reduces the dims of `input` marked in `reduced` (kept with size 1),
/// starting from `init` (of `accType`); each element is mapped by `map`
/// (after conversion to `accType`) before `combine`.
Value reduceKeepDims(OpBuilder &b, Location loc, Value input,
                     ArrayRef<bool> reduced, Type accType, TypedAttr init,
                     Mapper map, Combiner combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    shape.push_back(reduced[d] ? 1 : type.getDimSize(d));
    if (!reduced[d] && type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, input, d));
    outExprs.push_back(reduced[d] ? getAffineConstantExpr(0, ctx)
                                  : getAffineDimExpr(d, ctx));
    iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
  }
  Value empty = tensor::EmptyOp::create(b, loc, shape, accType, sizes);
  Value initValue = arith::ConstantOp::create(b, loc, init);
  Value acc = linalg::FillOp::create(b, loc, initValue, empty).getResult(0);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  return linalg::GenericOp::create(
             b, loc, acc.getType(), input, acc, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value x = toComputeType(nb, nl, args[0], accType);
               if (map)
                 x = map(nb, nl, x);
               linalg::YieldOp::create(nb, nl, combine(nb, nl, args[1], x));
             })
      .getResult(0);
}

/// An elementwise generic over `type` reading each of `inputs` with
/// broadcasting (size-1 dims read at 0).
Value broadcastGeneric(OpBuilder &b, Location loc, RankedTensorType type,
                       ValueRange inputs, Value like,
                       function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : inputs)
    maps.push_back(
        getBroadcastMap(cast<RankedTensorType>(v.getType()), type.getShape(), ctx));
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = emptyLike(b, loc, type, like);
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps,
             SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
             })
      .getResult(0);
}

Value addF(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddFOp::create(b, l, x, y);
}
Value maxF(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MaximumFOp::create(b, l, x, y);
}
Value roundTo(OpBuilder &b, Location l, Value v, Type element) {
  return v.getType() == element ? v
                                : Value(arith::TruncFOp::create(b, l, element, v));
}
Value widenTo(OpBuilder &b, Location l, Value v, Type type) {
  return v.getType() == type ? v : Value(arith::ExtFOp::create(b, l, type, v));
}
/// `v` in the float type `type`, widened or rounded.
Value castFloat(OpBuilder &b, Location l, Value v, Type type) {
  unsigned from = v.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  return from < to ? widenTo(b, l, v, type) : roundTo(b, l, v, type);
}

/// Softmax and LogSoftmax along `axis`: max, exp(x - max), sum, normalize.
template <typename SoftmaxOp, bool isLog>
struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern<SoftmaxOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<SoftmaxOp>::OpAdaptor;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return failure();
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    rewriter.replaceOp(op, buildSoftmax(rewriter, op.getLoc(), x, axis, isLog));
    return success();
  }
};

struct LayerNormalizationLowering : OpConversionPattern<LayerNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "float elements only");
    auto meanType = dyn_cast<RankedTensorType>(op.getMean().getType());
    auto invStdType = dyn_cast<RankedTensorType>(op.getInvStdDev().getType());
    if ((!meanType && !isa<NoneType>(op.getMean().getType())) ||
        (!invStdType && !isa<NoneType>(op.getInvStdDev().getType())) ||
        (meanType && !isa<FloatType>(meanType.getElementType())) ||
        (invStdType && !isa<FloatType>(invStdType.getElementType())))
      return rewriter.notifyMatchFailure(
          op, "Mean/InvStdDev outputs must be ranked float tensors");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    SmallVector<bool> reduced(rank, false);
    for (int64_t d = axis; d < rank; ++d)
      reduced[d] = true;
    Type element = type.getElementType();
    Type acc = rewriter.getF32Type();
    if (element.isF64())
      acc = element;
    // Two passes over the row: a large mean relative to the spread must not
    // cost the variance its precision (computeCenteredMoments).
    CenteredMoments moments =
        computeCenteredMoments(rewriter, loc, x, reduced, acc);
    double epsilon = op.getEpsilon().convertToDouble();
    auto inverseStd = [&](OpBuilder &b, Location l, Value variance) -> Value {
      return arith::DivFOp::create(
          b, l, scalarConstant(b, l, acc, 1.0),
          math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(b, l, variance,
                                    scalarConstant(b, l, acc, epsilon))));
    };
    // The optional Mean and InvStdDev outputs, per row (the normalized dims
    // kept with size 1), in their own float type (stash_type).
    Value mean, invStdDev;
    if (meanType)
      mean = broadcastGeneric(
          rewriter, loc, meanType,
          ValueRange{moments.estimateSum, moments.sum, moments.sumSquares}, x,
          [&](OpBuilder &b, Location l, ValueRange args) {
            auto [offset, variance] =
                normalizationStats(b, l, args[1], args[2], moments);
            Value estimate = arith::MulFOp::create(
                b, l, args[0], moments.inverseCount(b, l));
            Value m = arith::AddFOp::create(b, l, estimate, offset);
            return castFloat(b, l, m, meanType.getElementType());
          });
    if (invStdType)
      invStdDev = broadcastGeneric(
          rewriter, loc, invStdType, ValueRange{moments.sum, moments.sumSquares},
          x, [&](OpBuilder &b, Location l, ValueRange args) {
            auto [offset, variance] =
                normalizationStats(b, l, args[0], args[1], moments);
            return castFloat(b, l, inverseStd(b, l, variance),
                             invStdType.getElementType());
          });
    SmallVector<Value> inputs = {moments.centered, moments.sum,
                                 moments.sumSquares, adaptor.getScale()};
    bool hasBias = !isa<NoneType>(adaptor.getB().getType());
    // Scale and B broadcast to X; their dims known only at run time must
    // be X's (broadcasting one from 1 is not supported).
    for (Value operand : {adaptor.getScale(), adaptor.getB()}) {
      auto operandType = dyn_cast<RankedTensorType>(operand.getType());
      if (!operandType || operandType.getRank() > rank)
        continue;
      for (int64_t i = 0; i < operandType.getRank(); ++i) {
        int64_t d = i + rank - operandType.getRank();
        if (operandType.getDimSize(i) != 1)
          emitDimCheck(rewriter, loc, op,
                       tensor::getMixedSize(rewriter, loc, operand, i),
                       tensor::getMixedSize(rewriter, loc, x, d),
                       Twine(operand == adaptor.getScale() ? "Scale" : "B") +
                           " dim " + Twine(i) + " differs from X's dim " +
                           Twine(d) + " at run time");
      }
    }
    if (hasBias)
      inputs.push_back(adaptor.getB());
    Value result = broadcastGeneric(
        rewriter, loc, type, inputs, x,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto [offset, variance] =
              normalizationStats(b, l, args[1], args[2], moments);
          Value invStd = inverseStd(b, l, variance);
          Value centered = arith::SubFOp::create(b, l, args[0], offset);
          Value y = arith::MulFOp::create(
              b, l, arith::MulFOp::create(b, l, centered, invStd),
              widenTo(b, l, args[3], acc));
          if (hasBias)
            y = arith::AddFOp::create(b, l, y, widenTo(b, l, args[4], acc));
          return roundTo(b, l, y, element);
        });
    rewriter.replaceOp(op, {result, mean, invStdDev});
    return success();
  }
};

/// Reduce* with constant or absent axes, or with axes known only at run
/// time (keepdims=1, rank <= kMaxRunTimeAxesRank): then the reduced dims are
/// a bit mask computed from the axes, and an scf.index_switch over the mask
/// runs the reduction compiled for each subset of dims (every variant is
/// the constant-axes lowering; the result's dims of one are cast to the
/// dynamic result type).
template <typename ReduceOp>
struct ReduceLowering : OpConversionPattern<ReduceOp> {
  using OpConversionPattern<ReduceOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<ReduceOp>::OpAdaptor;

  /// 2^4 variants at most: the code grows with each.
  static constexpr int64_t kMaxRunTimeAxesRank = 4;
  /// The switch case of empty axes with noop_with_empty_axes.
  static constexpr int64_t kNoop = int64_t(1) << 20;

  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getData();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || !isSupportedElement(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "float or integer elements only");
    int64_t rank = type.getRank();
    SmallVector<bool> reduced(rank, false);
    if (isNone(op.getAxes())) {
      if (op.getNoopWithEmptyAxes()) {
        rewriter.replaceOp(op, x);
        return success();
      }
      reduced.assign(rank, true);
    } else {
      std::optional<SmallVector<int64_t>> axes = getConstantInts(op.getAxes());
      if (!axes)
        return lowerRunTimeAxes(op, adaptor, rewriter);
      if (axes->empty() && op.getNoopWithEmptyAxes()) {
        rewriter.replaceOp(op, x);
        return success();
      }
      if (axes->empty())
        reduced.assign(rank, true);
      for (int64_t a : *axes)
        reduced[a < 0 ? a + rank : a] = true;
    }
    rewriter.replaceOp(op, lower(op, rewriter, x, reduced, resultType));
    return success();
  }

  /// Axes from a run-time tensor (keepdims=1): a switch over the reduced
  /// dims.
  LogicalResult lowerRunTimeAxes(ReduceOp op, OpAdaptor adaptor,
                                 ConversionPatternRewriter &rewriter) const {
    Value x = adaptor.getData();
    auto type = cast<RankedTensorType>(x.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto axesType = dyn_cast<RankedTensorType>(adaptor.getAxes().getType());
    int64_t rank = type.getRank();
    if (!axesType || axesType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "axes are not a 1-D tensor");
    // Without keepdims the result keeps rank - L dims: L axes, unique.
    int64_t count = rank - resultType.getRank();
    if (op.getKeepdims() ? count != 0
                         : axesType.isDynamicDim(0) ||
                               axesType.getDimSize(0) != count || count < 1)
      return rewriter.notifyMatchFailure(
          op, "axes are not constant and the result's rank is not known");
    if (rank > kMaxRunTimeAxesRank)
      return rewriter.notifyMatchFailure(
          op, "axes are not constant and the rank is above " +
                  std::to_string(kMaxRunTimeAxesRank));
    // Every variant's result is cast to the result type: its dims must be
    // dynamic (as shape inference makes them).
    if (!llvm::all_of(resultType.getShape(), ShapedType::isDynamic))
      return rewriter.notifyMatchFailure(op, "result type fixes a dim");
    Location loc = op.getLoc();
    Value axes = adaptor.getAxes();
    Value mask = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value rankValue = arith::ConstantIndexOp::create(rewriter, loc, rank);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // The mask of reduced dims, over the axes' run-time length.
    Value length = tensor::DimOp::create(rewriter, loc, axes, 0);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, length, one, ValueRange{mask},
        [&](OpBuilder &b, Location l, Value i, ValueRange carried) {
          Value axis = arith::IndexCastOp::create(
              b, l, b.getIndexType(),
              tensor::ExtractOp::create(b, l, axes, ValueRange{i}));
          Value negative =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, axis, zero);
          axis = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, axis, rankValue), axis);
          // An axis out of range is invalid ONNX: an error of the run, as
          // onnxruntime's (and, after it, it reduces nothing).
          Value inRange = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, axis, zero),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, axis,
                                    rankValue));
          emitCheck(b, l, op, inRange,
                    "an axis is out of range [-" + Twine(rank) + ", " +
                        Twine(rank - 1) + "]");
          Value bit = arith::SelectOp::create(
              b, l, inRange,
              arith::ShLIOp::create(
                  b, l, one, arith::SelectOp::create(b, l, inRange, axis, zero)),
              zero);
          scf::YieldOp::create(
              b, l, ValueRange{arith::OrIOp::create(b, l, carried[0], bit)});
        });
    mask = loop.getResult(0);
    // No axes: every dim, or none with noop_with_empty_axes (the input).
    int64_t allBits = (int64_t(1) << rank) - 1;
    Value empty = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                        length, zero);
    Value noAxes = arith::ConstantIndexOp::create(
        rewriter, loc, op.getNoopWithEmptyAxes() ? kNoop : allBits);
    mask = arith::SelectOp::create(rewriter, loc, empty, noAxes, mask);
    // Cases 0 .. 2^rank - 2 (and kNoop: the input as it is); the default
    // is every dim reduced.
    int64_t all = allBits;
    SmallVector<int64_t> cases = llvm::to_vector(llvm::seq<int64_t>(0, all));
    if (op.getNoopWithEmptyAxes())
      cases.push_back(kNoop);
    auto sw = scf::IndexSwitchOp::create(rewriter, loc, TypeRange{resultType},
                                         mask, cases, cases.size());
    auto emitCase = [&](Region &region, int64_t bits) {
      Block *block = rewriter.createBlock(&region);
      rewriter.setInsertionPointToStart(block);
      SmallVector<bool> reduced(rank);
      SmallVector<int64_t> shape;
      for (int64_t d = 0; d < rank; ++d) {
        reduced[d] = bits != kNoop && ((bits >> d) & 1);
        if (!reduced[d])
          shape.push_back(type.getDimSize(d));
        else if (op.getKeepdims())
          shape.push_back(1);
      }
      if (static_cast<int64_t>(shape.size()) != resultType.getRank()) {
        // Repeated or out-of-range axes: invalid, and no result fits.
        emitCheck(rewriter, loc, op,
                  arith::ConstantIntOp::create(rewriter, loc, 0, 1),
                  "the axes repeat or are out of range");
        SmallVector<Value> zeros(resultType.getRank(), zero);
        scf::YieldOp::create(
            rewriter, loc,
            ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                               resultType.getShape(),
                                               resultType.getElementType(),
                                               zeros)});
        return;
      }
      auto caseType = RankedTensorType::get(shape, resultType.getElementType());
      Value r = bits == kNoop ? x : lower(op, rewriter, x, reduced, caseType);
      if (r.getType() != resultType)
        r = tensor::CastOp::create(rewriter, loc, resultType, r);
      scf::YieldOp::create(rewriter, loc, r);
    };
    for (auto [i, bits] : llvm::enumerate(cases))
      emitCase(sw.getCaseRegions()[i], bits);
    emitCase(sw.getDefaultRegion(), all);
    rewriter.setInsertionPointAfter(sw);
    rewriter.replaceOp(op, sw.getResults());
    return success();
  }

  /// The reduction over the dims `reduced`, as the op's result (its
  /// keepdims applied).
  Value lower(ReduceOp op, ConversionPatternRewriter &rewriter, Value x,
              ArrayRef<bool> reduced, RankedTensorType resultType) const {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    Location loc = op.getLoc();
    Type element = type.getElementType();
    Type acc = accumulatorType(rewriter, element);
    bool isFloat = isa<FloatType>(acc);
    bool isUnsigned = element.isUnsignedInteger();
    // Elements per reduced group: a constant, or a product of dims known
    // only at run time (ReduceMean divides by it).
    int64_t count = 1;
    Value dynamicCount;
    for (int64_t d = 0; d < rank; ++d) {
      if (!reduced[d])
        continue;
      if (!type.isDynamicDim(d)) {
        count *= type.getDimSize(d);
        continue;
      }
      Value dim = tensor::DimOp::create(rewriter, op.getLoc(), x, d);
      dynamicCount = dynamicCount ? Value(arith::MulIOp::create(
                                        rewriter, op.getLoc(), dynamicCount, dim))
                                  : dim;
    }
    TypedAttr zero = rewriter.getZeroAttr(acc);
    TypedAttr one = isFloat ? TypedAttr(rewriter.getFloatAttr(acc, 1.0))
                            : TypedAttr(rewriter.getIntegerAttr(acc, 1));
    auto add = [&](OpBuilder &b, Location l, Value a, Value v) -> Value {
      return isFloat ? Value(arith::AddFOp::create(b, l, a, v))
                     : Value(arith::AddIOp::create(b, l, a, v));
    };
    auto mul = [&](OpBuilder &b, Location l, Value a, Value v) -> Value {
      return isFloat ? Value(arith::MulFOp::create(b, l, a, v))
                     : Value(arith::MulIOp::create(b, l, a, v));
    };
    auto max = [&](OpBuilder &b, Location l, Value a, Value v) -> Value {
      return maxScalar(b, l, a, v, isUnsigned);
    };
    auto min = [&](OpBuilder &b, Location l, Value a, Value v) -> Value {
      return minScalar(b, l, a, v, isUnsigned);
    };
    auto square = [&](OpBuilder &b, Location l, Value v) -> Value {
      return mul(b, l, v, v);
    };
    auto abs = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (isFloat)
        return math::AbsFOp::create(b, l, v);
      return isUnsigned ? v : Value(math::AbsIOp::create(b, l, v));
    };
    auto exp = [](OpBuilder &b, Location l, Value v) -> Value {
      return math::ExpOp::create(b, l, v);
    };
    // Square roots and logarithms of integers are taken in f64 and
    // truncated toward zero, as onnxruntime does.
    Type f64 = rewriter.getF64Type();
    auto toFloat = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (isa<FloatType>(v.getType()))
        return v;
      return isUnsigned ? Value(arith::UIToFPOp::create(b, l, f64, v))
                        : Value(arith::SIToFPOp::create(b, l, f64, v));
    };
    auto fromFloat = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (isFloat)
        return v;
      return isUnsigned ? Value(arith::FPToUIOp::create(b, l, acc, v))
                        : Value(arith::FPToSIOp::create(b, l, acc, v));
    };
    auto inFloat = [&](auto function) {
      return [=](OpBuilder &b, Location l, Value v) -> Value {
        return fromFloat(b, l, function(b, l, toFloat(b, l, v)));
      };
    };
    auto sqrt = [](OpBuilder &b, Location l, Value v) -> Value {
      return math::SqrtOp::create(b, l, v);
    };
    auto log = [](OpBuilder &b, Location l, Value v) -> Value {
      return math::LogOp::create(b, l, v);
    };
    Value r;
    // Post-processing of the reduced value, per op, in the accumulator type.
    std::function<Value(OpBuilder &, Location, Value)> finish;
    Operation *raw = op.getOperation();
    if (isa<ReduceSumOp>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc, zero, nullptr, add);
    } else if (isa<ReduceMeanOp>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc, zero, nullptr, add);
      // Integer means truncate toward zero, as onnxruntime's do.
      finish = [&](OpBuilder &b, Location l, Value v) -> Value {
        Value n = scalarConstant(b, l, acc, count);
        if (dynamicCount) {
          Value i64 = arith::IndexCastOp::create(
              b, l, b.getI64Type(),
              arith::MulIOp::create(b, l, dynamicCount,
                                    arith::ConstantIndexOp::create(b, l, count)));
          n = isFloat ? Value(arith::UIToFPOp::create(b, l, acc, i64))
              : acc.getIntOrFloatBitWidth() == 64
                  ? i64
                  : Value(arith::TruncIOp::create(b, l, acc, i64));
        }
        if (isFloat)
          return arith::DivFOp::create(b, l, v, n);
        return isUnsigned ? Value(arith::DivUIOp::create(b, l, v, n))
                          : Value(arith::DivSIOp::create(b, l, v, n));
      };
    } else if (isa<ReduceMaxOp>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc,
                         getMaxMinIdentity(element, /*forMax=*/true), nullptr,
                         max);
    } else if (isa<ReduceMinOp>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc,
                         getMaxMinIdentity(element, /*forMax=*/false), nullptr,
                         min);
    } else if (isa<ReduceProdOp>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc, one, nullptr, mul);
    } else if (isa<ReduceL1Op>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc, zero, abs, add);
    } else if (isa<ReduceSumSquareOp>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc, zero, square, add);
    } else if (isa<ReduceL2Op>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc, zero, square, add);
      finish = inFloat(sqrt);
    } else if (isa<ReduceLogSumOp>(raw)) {
      r = reduceKeepDims(rewriter, loc, x, reduced, acc, zero, nullptr, add);
      finish = inFloat(log);
    } else {
      // ReduceLogSumExp, stabilized by the maximum; integers go through f64
      // from the start (exp of an integer is not one).
      Type wide = isFloat ? acc : f64;
      Value maximum = reduceKeepDims(
          rewriter, loc, x, reduced, acc,
          getMaxMinIdentity(element, /*forMax=*/true), nullptr, max);
      auto wideType = RankedTensorType::get(type.getShape(), wide);
      Value shifted = broadcastGeneric(
          rewriter, loc, wideType, ValueRange{x, maximum}, x,
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value v = toFloat(b, l, toComputeType(b, l, args[0], acc));
            return arith::SubFOp::create(b, l, v, toFloat(b, l, args[1]));
          });
      Value sum = reduceKeepDims(rewriter, loc, shifted, reduced, wide,
                                 rewriter.getFloatAttr(wide, 0.0), exp, addF);
      auto keptType = cast<RankedTensorType>(maximum.getType());
      r = broadcastGeneric(rewriter, loc, keptType, ValueRange{sum, maximum},
                           maximum,
                           [&](OpBuilder &b, Location l, ValueRange args) {
                             Value v = arith::AddFOp::create(
                                 b, l, math::LogOp::create(b, l, args[0]),
                                 toFloat(b, l, args[1]));
                             return fromFloat(b, l, v);
                           });
    }
    auto keptType = cast<RankedTensorType>(r.getType());
    auto keptResult = RankedTensorType::get(keptType.getShape(), element);
    if (finish || acc != element)
      r = broadcastGeneric(rewriter, loc, keptResult, ValueRange{r}, r,
                           [&](OpBuilder &b, Location l, ValueRange args) {
                             Value v = finish ? finish(b, l, args[0]) : args[0];
                             return fromComputeType(b, l, v, element);
                           });
    if (!op.getKeepdims()) {
      SmallVector<ReassociationIndices> groups;
      ReassociationIndices pending;
      for (int64_t d = 0; d < rank; ++d) {
        pending.push_back(d);
        if (!reduced[d]) {
          groups.push_back(pending);
          pending.clear();
        }
      }
      if (!pending.empty()) {
        if (groups.empty())
          groups.push_back({});
        groups.back().append(pending.begin(), pending.end());
      }
      if (resultType.getRank() == 0)
        groups.clear();
      r = tensor::CollapseShapeOp::create(rewriter, loc, resultType, r, groups);
    }
    return r;
  }
};

} // namespace

Value linalg_lowering::buildSoftmax(OpBuilder &b, Location loc, Value x,
                                    int64_t axis, bool isLog) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<bool> reduced(rank, false);
  reduced[axis] = true;
  Type element = type.getElementType();
  Type acc = accumulatorType(b, element);
  Value max = reduceKeepDims(b, loc, x, reduced, acc,
                             getMaxMinIdentity(element, /*forMax=*/true),
                             nullptr, maxF);
  auto accType = RankedTensorType::get(type.getShape(), acc);
  Value shifted = broadcastGeneric(
      b, loc, accType, ValueRange{x, max}, x,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        return arith::SubFOp::create(nb, l, widenTo(nb, l, args[0], acc),
                                     args[1]);
      });
  Value expSum = reduceKeepDims(
      b, loc, shifted, reduced, acc, b.getFloatAttr(acc, 0.0),
      [](OpBuilder &nb, Location l, Value v) -> Value {
        return math::ExpOp::create(nb, l, v);
      },
      addF);
  return broadcastGeneric(
      b, loc, type, ValueRange{shifted, expSum}, x,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value v = isLog ? Value(arith::SubFOp::create(
                              nb, l, args[0], math::LogOp::create(nb, l, args[1])))
                        : Value(arith::DivFOp::create(
                              nb, l, math::ExpOp::create(nb, l, args[0]), args[1]));
        return roundTo(nb, l, v, element);
      });
}

void populateONNXReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering<SoftmaxOp, false>,
               SoftmaxLowering<LogSoftmaxOp, true>, LayerNormalizationLowering,
               ReduceLowering<ReduceSumOp>, ReduceLowering<ReduceMeanOp>,
               ReduceLowering<ReduceMaxOp>, ReduceLowering<ReduceMinOp>,
               ReduceLowering<ReduceProdOp>, ReduceLowering<ReduceL1Op>,
               ReduceLowering<ReduceL2Op>, ReduceLowering<ReduceSumSquareOp>,
               ReduceLowering<ReduceLogSumOp>,
               ReduceLowering<ReduceLogSumExpOp>>(patterns.getContext());
}

} // namespace onnxc
