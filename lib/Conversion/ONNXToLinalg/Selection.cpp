//===- Selection.cpp - ArgMax/ArgMin, TopK and Hardmax to linalg ----------===//
//
// ArgMax and ArgMin reduce the axis with one linalg.generic carrying two
// accumulators, the best value and its index. As in onnxruntime (Eigen's
// maxCoeff), the first element along the axis seeds them and a later one
// replaces them only when strictly better (select_last_index: better or
// equal), so a NaN is the result only when it comes first. Hardmax is the
// first ArgMax followed by a one-hot generic.
//
// TopK with a constant K selects one element per iteration of an scf.for:
// step j reduces the axis to the best element that ranks after the one step
// j - 1 chose, in the order "better value first, then lower index" (NaN
// above every number, equal to NaN), and inserts it at position j of both
// results. That is K passes over the input, without sorting or scatter;
// sorted = 0 leaves the order unspecified, so the sorted order is returned.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// Element types with an order: floats and integers other than bool.
bool isOrdered(Type t) {
  return isa<FloatType>(t) || (isa<IntegerType>(t) && !t.isInteger(1));
}

/// `axis` in [0, rank) for a possibly negative ONNX axis, or nullopt.
std::optional<int64_t> normalizedAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  return axis;
}

/// The position along `axis` of the current iteration of a linalg.generic,
/// as i64.
Value axisPosition(OpBuilder &b, Location loc, int64_t axis) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    linalg::IndexOp::create(b, loc, axis));
}

/// The map reading a tensor that has `axis` of size 1 inside loops over all
/// `rank` dims.
AffineMap keptAxisMap(int64_t rank, int64_t axis, MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    exprs.push_back(d == axis ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Iterators over `rank` dims that reduce `axis`.
SmallVector<utils::IteratorType> reducingAxis(int64_t rank, int64_t axis) {
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  return iterators;
}

/// Index (i64) of the largest (or smallest) element of `input` along `axis`,
/// which is kept with size 1 (`keepAxis`) or dropped. The first element
/// seeds the search; a later one wins when strictly better, or when equal
/// too with `preferLast`.
Value argBestAlongAxis(OpBuilder &b, Location loc, Value input, int64_t axis,
                       bool largest, bool preferLast, bool keepAxis) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  Type element = type.getElementType();
  Type computeType = getComputeType(element);
  bool isUnsigned = element.isUnsignedInteger();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == axis) {
      if (keepAxis) {
        shape.push_back(1);
        outExprs.push_back(getAffineConstantExpr(0, ctx));
      }
      continue;
    }
    shape.push_back(type.getDimSize(d));
    outExprs.push_back(getAffineDimExpr(d, ctx));
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, input, d));
  }
  Value bestValues = zeroAccumulator(b, loc, shape, computeType, sizes);
  Value bestIndices = zeroAccumulator(b, loc, shape, b.getI64Type(), sizes);
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank), outMap,
                                 outMap};
  Ordering wins =
      largest ? (preferLast ? Ordering::GreaterEqual : Ordering::Greater)
              : (preferLast ? Ordering::LessEqual : Ordering::Less);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{bestValues.getType(), bestIndices.getType()}, input,
      ValueRange{bestValues, bestIndices}, maps, reducingAxis(rank, axis),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = toComputeType(nb, nl, args[0], computeType);
        Value index = axisPosition(nb, nl, axis);
        Value zero = arith::ConstantOp::create(nb, nl, nb.getI64IntegerAttr(0));
        Value first = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                            index, zero);
        Value better = compareScalars(nb, nl, wins, v, args[1], isUnsigned);
        Value take = arith::OrIOp::create(nb, nl, first, better);
        linalg::YieldOp::create(
            nb, nl,
            ValueRange{arith::SelectOp::create(nb, nl, take, v, args[1]),
                       arith::SelectOp::create(nb, nl, take, index, args[2])});
      });
  return generic.getResult(1);
}

/// ArgMax (`largest`) and ArgMin.
template <typename ArgOp, bool largest>
struct ArgBestLowering : OpConversionPattern<ArgOp> {
  using OpConversionPattern<ArgOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<ArgOp>::OpAdaptor;
  LogicalResult
  matchAndRewrite(ArgOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    auto type = dyn_cast<RankedTensorType>(data.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || type.getRank() == 0 ||
        !isOrdered(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "ranked ordered input");
    std::optional<int64_t> axis = normalizedAxis(op.getAxis(), type.getRank());
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    Value indices =
        argBestAlongAxis(rewriter, loc, data, *axis, largest,
                         op.getSelectLastIndex() != 0, op.getKeepdims() != 0);
    if (indices.getType() != resultType)
      indices = tensor::CastOp::create(rewriter, loc, resultType, indices);
    rewriter.replaceOp(op, indices);
    return success();
  }
};

/// Hardmax: 1 where the first maximum along the axis is, else 0.
struct HardmaxLowering : OpConversionPattern<HardmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(HardmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || type.getRank() == 0 || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "ranked float input");
    std::optional<int64_t> axis = normalizedAxis(op.getAxis(), type.getRank());
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    Value best = argBestAlongAxis(rewriter, loc, input, *axis, /*largest=*/true,
                                  /*preferLast=*/false, /*keepAxis=*/true);
    SmallVector<AffineMap> maps = {
        keptAxisMap(rank, *axis, rewriter.getContext()),
        rewriter.getMultiDimIdentityMap(rank)};
    Type element = type.getElementType();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, type, best, emptyLike(rewriter, loc, type, input),
            maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value isBest =
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                        axisPosition(b, l, *axis), args[0]);
              Value one = scalarConstant(b, l, element, 1.0);
              Value zero = scalarConstant(b, l, element, 0.0);
              Value v = arith::SelectOp::create(b, l, isBest, one, zero);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The selection order of TopK on scalars of the compute type: `lhs` at
/// `lhsIndex` ranks before `rhs` at `rhsIndex` when its value is better
/// (larger with `largest`, else smaller; NaN is larger than any number and
/// equal to NaN) or the values are equal and its index lower.
class TopKOrder {
public:
  TopKOrder(OpBuilder &b, Location loc, bool largest, bool isUnsigned)
      : b(b), loc(loc), largest(largest), isUnsigned(isUnsigned) {}

  Value ranksBefore(Value lhs, Value lhsIndex, Value rhs, Value rhsIndex) {
    Value lowerIndex = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                             lhsIndex, rhsIndex);
    Value tie = arith::AndIOp::create(b, loc, equal(lhs, rhs), lowerIndex);
    return arith::OrIOp::create(b, loc, better(lhs, rhs), tie);
  }

private:
  Value better(Value lhs, Value rhs) {
    Value ordered =
        compareScalars(b, loc, largest ? Ordering::Greater : Ordering::Less,
                       lhs, rhs, isUnsigned);
    if (!isa<FloatType>(lhs.getType()))
      return ordered;
    // NaN against a number: better when largest and it is lhs, or when
    // smallest and it is rhs.
    Value nanFirst = largest ? andNot(isNaN(lhs), isNaN(rhs))
                             : andNot(isNaN(rhs), isNaN(lhs));
    return arith::OrIOp::create(b, loc, ordered, nanFirst);
  }

  Value equal(Value lhs, Value rhs) {
    Value same = compareScalars(b, loc, Ordering::Equal, lhs, rhs, isUnsigned);
    if (!isa<FloatType>(lhs.getType()))
      return same;
    Value bothNaN = arith::AndIOp::create(b, loc, isNaN(lhs), isNaN(rhs));
    return arith::OrIOp::create(b, loc, same, bothNaN);
  }

  Value isNaN(Value v) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  }

  Value andNot(Value x, Value y) {
    Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
    return arith::AndIOp::create(b, loc, x,
                                 arith::XOrIOp::create(b, loc, y, one));
  }

  OpBuilder &b;
  Location loc;
  bool largest, isUnsigned;
};

/// TopK over a static input, K a constant or a run-time value.
struct TopKLowering : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    auto valuesType = dyn_cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = dyn_cast<RankedTensorType>(op.getIndices().getType());
    if (!type || !valuesType || !indicesType || type.getRank() == 0 ||
        !type.hasStaticShape() || !isOrdered(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "static ordered input");
    std::optional<int64_t> axis = normalizedAxis(op.getAxis(), type.getRank());
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    // K: a constant, or a run-time value (checked into [0, dim] by the
    // run, as onnxruntime checks it), which then sizes the axis of the
    // results.
    std::optional<SmallVector<int64_t>> k = getConstantInts(op.getK());
    auto kType = dyn_cast<RankedTensorType>(adaptor.getK().getType());
    if (k ? k->size() != 1 || (*k)[0] < 0 || (*k)[0] > type.getDimSize(*axis)
          : !kType || kType.getNumElements() != 1)
      return rewriter.notifyMatchFailure(op, "K is not a constant in range");
    Location loc = op.getLoc();
    Value kValue;
    if (!k) {
      Value zeroIndex = arith::ConstantIndexOp::create(rewriter, loc, 0);
      SmallVector<Value> at(kType.getRank(), zeroIndex);
      kValue = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(),
          tensor::ExtractOp::create(rewriter, loc, adaptor.getK(), at));
      Value dim = arith::ConstantIndexOp::create(rewriter, loc,
                                                 type.getDimSize(*axis));
      Value inRange = arith::AndIOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge,
                                kValue, zeroIndex),
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sle,
                                kValue, dim));
      emitCheck(rewriter, loc, op, inRange,
                "K is out of range [0, " + Twine(type.getDimSize(*axis)) + "]");
      // A result type that fixes the axis fixes K.
      if (!valuesType.isDynamicDim(*axis))
        emitDimCheck(rewriter, loc, op, kValue,
                     rewriter.getIndexAttr(valuesType.getDimSize(*axis)),
                     "K differs from the results' size on the axis");
    }
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    Type computeType = getComputeType(element);
    bool largest = op.getLargest() != 0;
    bool isUnsigned = element.isUnsignedInteger();
    Type i64 = rewriter.getI64Type();

    SmallVector<int64_t> stepShape(type.getShape());
    stepShape[*axis] = 1;
    SmallVector<int64_t> resultShape(type.getShape());
    resultShape[*axis] = k ? (*k)[0] : ShapedType::kDynamic;
    SmallVector<Value> resultSizes;
    if (!k)
      resultSizes.push_back(kValue);
    if (resultShape[*axis] == 0) {
      rewriter.replaceOp(
          op, {tensor::EmptyOp::create(rewriter, loc, resultShape, element),
               tensor::EmptyOp::create(rewriter, loc, resultShape, i64)});
      return success();
    }
    // Step j reads the choice of step j - 1 back from the results, so the
    // loop carries nothing but them (step 0 ignores what it reads).
    Value valuesInit =
        zeroAccumulator(rewriter, loc, resultShape, computeType, resultSizes);
    Value indicesInit =
        zeroAccumulator(rewriter, loc, resultShape, i64, resultSizes);

    AffineMap stepMap = keptAxisMap(rank, *axis, ctx);
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   stepMap, stepMap, stepMap, stepMap};
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = k ? arith::ConstantIndexOp::create(rewriter, loc, (*k)[0])
                       .getResult()
                 : kValue;
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<OpFoldResult> sizes;
    for (int64_t size : stepShape)
      sizes.push_back(rewriter.getIndexAttr(size));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    auto loop = scf::ForOp::create(
        rewriter, loc, lb, ub, one, ValueRange{valuesInit, indicesInit},
        [&](OpBuilder &b, Location l, Value step, ValueRange iterArgs) {
          Value firstStep =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, step, lb);
          Value previousStep = arith::SelectOp::create(
              b, l, firstStep, lb, arith::SubIOp::create(b, l, step, one));
          auto stepSlice = [&](Value at) {
            SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
            offsets[*axis] = at;
            return offsets;
          };
          auto stepType = [&](Value of) {
            return RankedTensorType::get(
                stepShape,
                cast<RankedTensorType>(of.getType()).getElementType());
          };
          Value previousValue = tensor::ExtractSliceOp::create(
              b, l, stepType(iterArgs[0]), iterArgs[0], stepSlice(previousStep),
              sizes, strides);
          Value previousIndex = tensor::ExtractSliceOp::create(
              b, l, stepType(iterArgs[1]), iterArgs[1], stepSlice(previousStep),
              sizes, strides);
          Value bestValue = zeroAccumulator(b, l, stepShape, computeType, {});
          Value noneYet =
              arith::ConstantOp::create(b, l, b.getI64IntegerAttr(-1));
          Value noIndices = tensor::EmptyOp::create(b, l, stepShape, i64);
          Value bestIndex =
              linalg::FillOp::create(b, l, noneYet, noIndices).getResult(0);
          auto select = linalg::GenericOp::create(
              b, l, TypeRange{bestValue.getType(), bestIndex.getType()},
              ValueRange{x, previousValue, previousIndex},
              ValueRange{bestValue, bestIndex}, maps, reducingAxis(rank, *axis),
              [&](OpBuilder &nb, Location nl, ValueRange args) {
                TopKOrder order(nb, nl, largest, isUnsigned);
                Value v = toComputeType(nb, nl, args[0], computeType);
                Value index = axisPosition(nb, nl, *axis);
                Value afterPrevious = arith::OrIOp::create(
                    nb, nl, firstStep,
                    order.ranksBefore(args[1], args[2], v, index));
                Value noChoice = arith::CmpIOp::create(
                    nb, nl, arith::CmpIPredicate::eq, args[4], noneYet);
                Value improves = arith::OrIOp::create(
                    nb, nl, noChoice,
                    order.ranksBefore(v, index, args[3], args[4]));
                Value take =
                    arith::AndIOp::create(nb, nl, afterPrevious, improves);
                linalg::YieldOp::create(
                    nb, nl,
                    ValueRange{
                        arith::SelectOp::create(nb, nl, take, v, args[3]),
                        arith::SelectOp::create(nb, nl, take, index, args[4])});
              });
          Value values = tensor::InsertSliceOp::create(
              b, l, select.getResult(0), iterArgs[0], stepSlice(step), sizes,
              strides);
          Value indices = tensor::InsertSliceOp::create(
              b, l, select.getResult(1), iterArgs[1], stepSlice(step), sizes,
              strides);
          scf::YieldOp::create(b, l, ValueRange{values, indices});
        });
    Value values =
        fromComputeTensor(rewriter, loc, loop.getResult(0), valuesType);
    if (values.getType() != valuesType)
      values = tensor::CastOp::create(rewriter, loc, valuesType, values);
    Value indices = loop.getResult(1);
    if (indices.getType() != indicesType)
      indices = tensor::CastOp::create(rewriter, loc, indicesType, indices);
    rewriter.replaceOp(op, {values, indices});
    return success();
  }
};

} // namespace

void populateONNXSelectionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ArgBestLowering<ArgMaxOp, true>,
               ArgBestLowering<ArgMinOp, false>, HardmaxLowering, TopKLowering>(
      patterns.getContext());
}

} // namespace onnxc
