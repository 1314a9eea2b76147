//===- Generators.cpp - Ops computing values from shapes and positions ----===//
//
// Ops whose elements follow from the output position, a shape or an
// attribute rather than from reading an input element by element:
//
//   Range            a linalg.generic computing start + i * delta.
//   ConstantOfShape  linalg.fill of the value attribute.
//   EyeLike, Trilu   a linalg.generic comparing column - row with k.
//   Shape, Size      constants for static dims, tensor.dim otherwise.
//   Dropout          inference only: the input, and an all-true mask.
//   HannWindow,      a linalg.generic computing the cosine sum of
//   HammingWindow,   position n over N (periodic) or N - 1 in f64, then
//   BlackmanWindow   converting to output_datatype.
//   CumSum           an scf.for along the axis carrying the running sum of
//                    one slice (in the compute type: f32 for f16/bf16) and
//                    the output; for an axis known only at run time, a
//                    generic summing along it per output element.
//
// EyeLike, Trilu and CumSum take their sizes from the input, run-time dims
// included.
//
// Range and ConstantOfShape have a static shape when their operands are
// constants (shape inference sized the result, and the conversion folds a
// static ConstantOfShape, Shape or Size to a constant before these patterns
// run); otherwise the sizes are computed from the operands at run time,
// which --emit=linalg shows and the CPU back end rejects.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"
#include "DynamicShapes.h"
#include "IndexingUtils.h"

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// The element count of Range(start, limit, delta) computed at run time:
/// max(ceil((limit - start) / delta), 0).
Value rangeCount(OpBuilder &b, Location loc, Value start, Value limit,
                 Value delta) {
  Value count;
  if (isa<FloatType>(start.getType())) {
    Value steps = arith::DivFOp::create(
        b, loc, arith::SubFOp::create(b, loc, limit, start), delta);
    count = arith::FPToSIOp::create(b, loc, b.getI64Type(),
                                    math::CeilOp::create(b, loc, steps));
  } else {
    count = arith::CeilDivSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, limit, start), delta);
  }
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), count);
  return arith::MaxSIOp::create(b, loc, index,
                                arith::ConstantIndexOp::create(b, loc, 0));
}

/// Range: output[i] = start + i * delta (the ONNX definition, rather than a
/// running sum, so every element rounds once). Shape inference sizes the
/// result when the operands are constants; otherwise the size is computed.
struct RangeLowering : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || resultType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "1-D result expected");
    Type element = resultType.getElementType();
    Location loc = op.getLoc();
    Value start = extractScalar(rewriter, loc, adaptor.getStart());
    Value delta = extractScalar(rewriter, loc, adaptor.getDelta());
    SmallVector<Value> sizes;
    if (resultType.isDynamicDim(0))
      sizes.push_back(
          rangeCount(rewriter, loc, start,
                     extractScalar(rewriter, loc, adaptor.getLimit()), delta));
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Value i = linalg::IndexOp::create(b, l, 0);
          if (isa<FloatType>(element)) {
            Value count = arith::SIToFPOp::create(
                b, l, element,
                arith::IndexCastOp::create(b, l, b.getI64Type(), i));
            return arith::AddFOp::create(
                b, l, start, arith::MulFOp::create(b, l, count, delta));
          }
          Value count = arith::IndexCastOp::create(b, l, element, i);
          return arith::AddIOp::create(
              b, l, start, arith::MulIOp::create(b, l, count, delta));
        },
        sizes);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ConstantOfShape: linalg.fill of the value attribute. A constant shape
/// gives a static result (which the conversion folds to a constant before
/// this pattern runs); other dims are read from the shape operand.
struct ConstantOfShapeLowering : OpConversionPattern<ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op,
                                         "the shape's length must be known");
    // The value attribute is a one-element tensor; absent, it is f32 0.
    TypedAttr value = rewriter.getF32FloatAttr(0);
    if (ElementsAttr attr = op.getValueAttr()) {
      value = getSingleElement(attr);
      if (!value)
        return rewriter.notifyMatchFailure(op, "value must hold one element");
    }
    if (value.getType() != resultType.getElementType())
      return rewriter.notifyMatchFailure(op,
                                         "value type disagrees with result");
    Location loc = op.getLoc();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < resultType.getRank(); ++d) {
      if (!resultType.isDynamicDim(d))
        continue;
      Value size = tensor::ExtractOp::create(
          rewriter, loc, adaptor.getInput(),
          ValueRange{arith::ConstantIndexOp::create(rewriter, loc, d)});
      sizes.push_back(arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(), size));
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType(), sizes);
    Value scalar = elementConstant(rewriter, loc, value);
    rewriter.replaceOp(
        op, linalg::FillOp::create(rewriter, loc, scalar, init).getResult(0));
    return success();
  }
};

/// `column - row` of the innermost two loops compared with `k`.
Value diagonalOffsetCompare(OpBuilder &b, Location loc, int64_t rank,
                            arith::CmpIPredicate predicate, Value k) {
  Value row = linalg::IndexOp::create(b, loc, rank - 2);
  Value column = linalg::IndexOp::create(b, loc, rank - 1);
  Value offset = arith::SubIOp::create(b, loc, column, row);
  return arith::CmpIOp::create(b, loc, predicate, offset, k);
}

struct EyeLikeLowering : OpConversionPattern<EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EyeLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    if (!resultType || !inputType || resultType.getRank() != 2 ||
        inputType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "2-D shapes only");
    Location loc = op.getLoc();
    Type element = resultType.getElementType();
    Value one = elementConstant(rewriter, loc, elementAttr(element, 1));
    Value zero = elementConstant(rewriter, loc, elementAttr(element, 0));
    Value k = arith::ConstantIndexOp::create(rewriter, loc, op.getK());
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Value onDiagonal =
              diagonalOffsetCompare(b, l, 2, arith::CmpIPredicate::eq, k);
          return arith::SelectOp::create(b, l, onDiagonal, one, zero);
        },
        dynamicSizesOf(rewriter, loc, resultType,
                       dimsOf(rewriter, loc, adaptor.getInput())));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Trilu keeps the elements on and above (upper) or on and below (lower)
/// the k-th diagonal of the innermost two dims; k is a run-time scalar.
struct TriluLowering : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || type.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "ranked shapes of rank >= 2 only");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    Value k = isNone(op.getK())
                  ? Value(arith::ConstantIndexOp::create(rewriter, loc, 0))
                  : Value(arith::IndexCastOp::create(
                        rewriter, loc, rewriter.getIndexType(),
                        extractScalar(rewriter, loc, adaptor.getK())));
    Value zero =
        elementConstant(rewriter, loc, elementAttr(type.getElementType(), 0));
    auto predicate =
        op.getUpper() ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle;
    Value result = buildParallelGeneric(
        rewriter, loc, type, input, rewriter.getMultiDimIdentityMap(rank),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value keep = diagonalOffsetCompare(b, l, rank, predicate, k);
          return arith::SelectOp::create(b, l, keep, args[0], zero);
        },
        dynamicSizesOf(rewriter, loc, type, dimsOf(rewriter, loc, input)));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Dimension `d` of `value` as an i64 scalar.
Value dimAsI64(OpBuilder &b, Location loc, Value value, int64_t d) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(d))
    return arith::ConstantOp::create(b, loc,
                                     b.getI64IntegerAttr(type.getDimSize(d)));
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    tensor::DimOp::create(b, loc, value, d));
}

struct ShapeLowering : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    auto dataType = dyn_cast<RankedTensorType>(data.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "ranked input only");
    int64_t rank = dataType.getRank();
    auto clampIndex = [&](int64_t i) {
      return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
    };
    int64_t start = clampIndex(op.getStart());
    int64_t end = op.getEnd() ? clampIndex(*op.getEnd()) : rank;
    if (resultType.getDimSize(0) != std::max<int64_t>(0, end - start))
      return rewriter.notifyMatchFailure(
          op, "result type disagrees with start/end");
    Location loc = op.getLoc();
    ArrayRef<int64_t> dims =
        dataType.getShape().slice(start, resultType.getDimSize(0));
    if (!llvm::is_contained(dims, ShapedType::kDynamic)) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, DenseElementsAttr::get(resultType, dims));
      return success();
    }
    SmallVector<Value> elements;
    for (int64_t d = start; d < end; ++d)
      elements.push_back(dimAsI64(rewriter, loc, data, d));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, resultType,
                                                        elements);
    return success();
  }
};

struct SizeLowering : OpConversionPattern<SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    auto dataType = dyn_cast<RankedTensorType>(data.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !resultType || resultType.getRank() != 0)
      return rewriter.notifyMatchFailure(op, "ranked input only");
    if (dataType.hasStaticShape()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, DenseElementsAttr::get(resultType, {dataType.getNumElements()}));
      return success();
    }
    Location loc = op.getLoc();
    Value size =
        arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(1));
    for (int64_t d = 0; d < dataType.getRank(); ++d)
      size = arith::MulIOp::create(rewriter, loc, size,
                                   dimAsI64(rewriter, loc, data, d));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, resultType, size);
    return success();
  }
};

/// Dropout at inference: the output is the input and the mask, when the
/// node has one, is all true. Training mode (random dropout) is rejected.
struct DropoutLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isNone(op.getTrainingMode())) {
      std::optional<SmallVector<int64_t>> training =
          getConstantInts(op.getTrainingMode());
      if (!training)
        return rewriter.notifyMatchFailure(op,
                                           "training_mode must be a constant");
      if (llvm::any_of(*training, [](int64_t t) { return t != 0; }))
        return rewriter.notifyMatchFailure(op,
                                           "training mode is not supported");
    }
    Value mask;
    if (!isNone(op.getMask())) {
      auto maskType = dyn_cast<RankedTensorType>(op.getMask().getType());
      if (!maskType)
        return rewriter.notifyMatchFailure(op, "static shapes only");
      if (maskType.hasStaticShape()) {
        mask = filledTensor(rewriter, op.getLoc(), maskType,
                            rewriter.getIntegerAttr(rewriter.getI1Type(), 1));
      } else {
        // Shaped like the data, dims known only at run time included.
        Location loc = op.getLoc();
        Value init = tensor::EmptyOp::create(
            rewriter, loc, maskType.getShape(), maskType.getElementType(),
            dynamicSizesOf(rewriter, loc, maskType,
                           dimsOf(rewriter, loc, adaptor.getData())));
        Value one = arith::ConstantOp::create(
            rewriter, loc, rewriter.getIntegerAttr(rewriter.getI1Type(), 1));
        mask = linalg::FillOp::create(rewriter, loc, one, init).getResult(0);
      }
    }
    rewriter.replaceOp(op, {adaptor.getData(), mask});
    return success();
  }
};

/// CumSum along a constant axis: each step adds one input slice to the
/// running sum and writes the sum (inclusive) or the sum before it
/// (exclusive) to the output slice; reverse walks the axis backwards.
/// The cumulative sum of `x` along `axis` (see CumSumLowering).
Value buildCumSum(OpBuilder &rewriter, Location loc, Value x, int64_t axis,
                  bool exclusive, bool reverse) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  int64_t rank = type.getRank();
  Type acc = getComputeType(element);
  // Dims known only at run time size the slices and the loop from x.
  SmallVector<OpFoldResult> dims = dimsOf(rewriter, loc, x);
  SmallVector<int64_t> sliceShape(type.getShape());
  sliceShape[axis] = 1;
  auto sliceType = RankedTensorType::get(sliceShape, element);
  auto accType = RankedTensorType::get(sliceShape, acc);
  SmallVector<OpFoldResult> sizes(dims);
  sizes[axis] = rewriter.getIndexAttr(1);
  Value running = zeroAccumulator(rewriter, loc, sliceShape, acc,
                                  dynamicSizesOf(rewriter, loc, sliceType,
                                                 sizes));
  Value output = tensor::EmptyOp::create(
      rewriter, loc, type.getShape(), element,
      dynamicSizesOf(rewriter, loc, type, dims));
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
  SmallVector<AffineMap> maps(3, rewriter.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);

  Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value ub = getValueOrCreateConstantIndexOp(rewriter, loc, dims[axis]);
  Value last = getValueOrCreateConstantIndexOp(
      rewriter, loc,
      subIndex(rewriter, loc, dims[axis], rewriter.getIndexAttr(1)));
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  auto loop = scf::ForOp::create(
      rewriter, loc, lb, ub, one, ValueRange{output, running},
      [&](OpBuilder &b, Location l, Value step, ValueRange carried) {
        Value position = step;
        if (reverse)
          position = arith::SubIOp::create(b, l, last, step);
        offsets[axis] = position;
        Value slice = tensor::ExtractSliceOp::create(b, l, sliceType, x,
                                                     offsets, sizes, strides);
        Value destination = tensor::ExtractSliceOp::create(
            b, l, sliceType, carried[0], offsets, sizes, strides);
        // Updates the running sum in place and writes the output slice.
        auto update = linalg::GenericOp::create(
            b, l, TypeRange{accType, sliceType}, slice,
            ValueRange{carried[1], destination}, maps, iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value value = toComputeType(nb, nl, args[0], acc);
              Value before = args[1];
              Value sum =
                  isa<FloatType>(acc)
                      ? Value(arith::AddFOp::create(nb, nl, before, value))
                      : Value(arith::AddIOp::create(nb, nl, before, value));
              Value result =
                  fromComputeType(nb, nl, exclusive ? before : sum, element);
              linalg::YieldOp::create(nb, nl, ValueRange{sum, result});
            });
        Value written = tensor::InsertSliceOp::create(
            b, l, update.getResult(1), carried[0], offsets, sizes, strides);
        scf::YieldOp::create(b, l, ValueRange{written, update.getResult(0)});
      });
  return loop.getResult(0);
}

/// The cumulative sum of `x` along the run-time `axis` (in [0, rank)): a
/// generic over the output whose body sums the input elements before (or
/// after, `reverse`) its own along that axis. Quadratic in the axis length,
/// but one loop nest whatever the axis, which only the model's run knows.
Value buildCumSumAtRunTimeAxis(OpBuilder &rewriter, Location loc, Value x,
                               Value axis, bool exclusive, bool reverse) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  Type acc = getComputeType(element);
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> dims = dimsOf(rewriter, loc, x);
  SmallVector<Value> isAxis;
  Value length = arith::ConstantIndexOp::create(rewriter, loc, 0);
  for (int64_t d = 0; d < rank; ++d) {
    isAxis.push_back(arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, axis,
        arith::ConstantIndexOp::create(rewriter, loc, d)));
    length = arith::SelectOp::create(
        rewriter, loc, isAxis[d],
        getValueOrCreateConstantIndexOp(rewriter, loc, dims[d]), length);
  }
  return buildParallelGeneric(
      rewriter, loc, type, {}, {},
      [&](OpBuilder &b, Location l, ValueRange) -> Value {
        SmallVector<Value> indices = loopIndices(b, l, rank);
        Value position = arith::ConstantIndexOp::create(b, l, 0);
        for (int64_t d = 0; d < rank; ++d)
          position =
              arith::SelectOp::create(b, l, isAxis[d], indices[d], position);
        Value one = arith::ConstantIndexOp::create(b, l, 1);
        Value next = arith::AddIOp::create(b, l, position, one);
        Value lb = arith::ConstantIndexOp::create(b, l, 0), ub = next;
        if (exclusive)
          ub = position;
        if (reverse) {
          lb = exclusive ? next : position;
          ub = length;
        }
        Value zero = scalarConstant(b, l, acc, 0);
        auto loop = scf::ForOp::create(
            b, l, lb, ub, one, ValueRange{zero},
            [&](OpBuilder &nb, Location nl, Value j, ValueRange sum) {
              SmallVector<Value> coords;
              for (int64_t d = 0; d < rank; ++d)
                coords.push_back(
                    arith::SelectOp::create(nb, nl, isAxis[d], j, indices[d]));
              Value value = toComputeType(
                  nb, nl, tensor::ExtractOp::create(nb, nl, x, coords), acc);
              Value added =
                  isa<FloatType>(acc)
                      ? Value(arith::AddFOp::create(nb, nl, sum[0], value))
                      : Value(arith::AddIOp::create(nb, nl, sum[0], value));
              scf::YieldOp::create(nb, nl, added);
            });
        return fromComputeType(b, l, loop.getResult(0), element);
      },
      dynamicSizesOf(rewriter, loc, type, dims));
}

/// CumSum: an scf.for along the axis (buildCumSum). An axis known only at
/// run time (a graph input) is checked to be in range while running and
/// summed along by buildCumSumAtRunTimeAxis.
struct CumSumLowering : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    auto axisType = dyn_cast<RankedTensorType>(adaptor.getAxis().getType());
    if (!type || !axisType)
      return rewriter.notifyMatchFailure(op, "ranked input only");
    int64_t rank = type.getRank();
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    Location loc = op.getLoc();
    std::optional<SmallVector<int64_t>> axisValue =
        getConstantInts(op.getAxis());
    if (!axisValue) {
      if (axisType.getRank() > 1 ||
          (axisType.getRank() == 1 && axisType.getDimSize(0) == 0) ||
          rank == 0)
        return rewriter.notifyMatchFailure(op, "axis must be a scalar");
      if (axisType.getRank() == 1)
        emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, adaptor.getAxis(), 0),
                     rewriter.getIndexAttr(1), "axis must hold one value");
      OpFoldResult axis = extractIndex(rewriter, loc, op.getAxis(),
                                       adaptor.getAxis(), 0);
      Value raw = getValueOrCreateConstantIndexOp(rewriter, loc, axis);
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value negative = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, raw, zero);
      Value normalized = arith::SelectOp::create(
          rewriter, loc, negative,
          arith::AddIOp::create(
              rewriter, loc, raw,
              arith::ConstantIndexOp::create(rewriter, loc, rank)),
          raw);
      emitAtMostCheck(rewriter, loc, op, normalized,
                      rewriter.getIndexAttr(rank - 1), "axis out of range");
      emitAtMostCheck(rewriter, loc, op, rewriter.getIndexAttr(0), normalized,
                      "axis out of range");
      rewriter.replaceOp(op, buildCumSumAtRunTimeAxis(rewriter, loc, x,
                                                      normalized, exclusive,
                                                      reverse));
      return success();
    }
    if (axisValue->size() != 1)
      return rewriter.notifyMatchFailure(op, "axis must be a constant");
    int64_t axis =
        axisValue->front() < 0 ? axisValue->front() + rank : axisValue->front();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    rewriter.replaceOp(op,
                       buildCumSum(rewriter, loc, x, axis, exclusive, reverse));
    return success();
  }
};

/// The window functions a0 - a1 cos(2 pi n / M) + a2 cos(4 pi n / M), with
/// M = N for a periodic window and N - 1 otherwise (the definitions of the
/// ONNX operators: Hann is sin^2(pi n / M) = 0.5 - 0.5 cos(2 pi n / M)).
template <typename WindowOp>
struct WindowLowering : OpConversionPattern<WindowOp> {
  WindowLowering(MLIRContext *ctx, double a0, double a1, double a2)
      : OpConversionPattern<WindowOp>(ctx), a0(a0), a1(a1), a2(a2) {}
  using OpAdaptor = typename OpConversionPattern<WindowOp>::OpAdaptor;
  LogicalResult
  matchAndRewrite(WindowOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || resultType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "1-D result expected");
    Location loc = op.getLoc();
    Value size = extractScalar(rewriter, loc, adaptor.getSize());
    Value count = arith::MaxSIOp::create(
        rewriter, loc,
        arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), size),
        arith::ConstantIndexOp::create(rewriter, loc, 0));
    SmallVector<Value> sizes;
    if (resultType.isDynamicDim(0))
      sizes.push_back(count);
    FloatType f64 = rewriter.getF64Type();
    Type element = resultType.getElementType();
    bool periodic = op.getPeriodic() != 0;
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          auto toF64 = [&](Value index) -> Value {
            return arith::SIToFPOp::create(
                b, l, f64, arith::IndexCastOp::create(b, l, b.getI64Type(), index));
          };
          Value n = toF64(linalg::IndexOp::create(b, l, 0));
          Value m = toF64(count);
          if (!periodic)
            m = arith::SubFOp::create(b, l, m, scalarConstant(b, l, f64, 1.0));
          Value phase = arith::DivFOp::create(
              b, l, arith::MulFOp::create(b, l, n, scalarConstant(b, l, f64, 2 * M_PI)),
              m);
          Value w = arith::SubFOp::create(
              b, l, scalarConstant(b, l, f64, a0),
              arith::MulFOp::create(b, l, scalarConstant(b, l, f64, a1),
                                    math::CosOp::create(b, l, phase)));
          if (a2 != 0.0) {
            Value twice = arith::MulFOp::create(
                b, l, phase, scalarConstant(b, l, f64, 2.0));
            w = arith::AddFOp::create(
                b, l, w,
                arith::MulFOp::create(b, l, scalarConstant(b, l, f64, a2),
                                      math::CosOp::create(b, l, twice)));
          }
          if (isa<FloatType>(element))
            return fromComputeType(b, l, arith::TruncFOp::create(
                                             b, l, cast<FloatType>(getComputeType(element)), w)
                                             .getResult(),
                                   element);
          // Integer windows truncate, as a cast does.
          Type signless = getComputeType(element);
          Value i = element.isUnsignedInteger()
                        ? Value(arith::FPToUIOp::create(b, l, signless, w))
                        : Value(arith::FPToSIOp::create(b, l, signless, w));
          return fromComputeType(b, l, i, element);
        },
        sizes);
    rewriter.replaceOp(op, result);
    return success();
  }

  double a0, a1, a2;
};

} // namespace

void populateONNXGeneratorsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RangeLowering, ConstantOfShapeLowering, EyeLikeLowering,
               TriluLowering, ShapeLowering, SizeLowering, DropoutLowering,
               CumSumLowering>(patterns.getContext());
  MLIRContext *ctx = patterns.getContext();
  patterns.add<WindowLowering<HannWindowOp>>(ctx, 0.5, 0.5, 0.0);
  patterns.add<WindowLowering<HammingWindowOp>>(ctx, 25.0 / 46.0, 21.0 / 46.0,
                                                0.0);
  patterns.add<WindowLowering<BlackmanWindowOp>>(ctx, 0.42, 0.5, 0.08);
}

} // namespace onnxc::linalg_lowering
