//===- Indexing.cpp - Gathers, scatters and OneHot to linalg/tensor/scf ---===//
//
// Ops whose element positions come from a run-time index tensor:
//
//   GatherElements,  a linalg.generic over the output that reads the index
//   GatherND         tensor and tensor.extracts the data element it names.
//   ScatterElements  an scf.for nest over the indices carrying the output
//                    (initially `data`) and tensor.inserting each update.
//   ScatterND        an scf.for nest over the index tuples carrying the
//                    output and tensor.insert_slicing each update slice.
//   OneHot           a linalg.generic comparing each index with the
//                    position along the new axis.
//   Compress         with a constant condition and an axis, a gather of the
//                    selected positions; otherwise, like NonZero, an error:
//                    the output's size depends on run-time values.
//
// Negative indices count from the end of their dimension. Indices still out
// of range are invalid ONNX input, which onnxruntime reports as an error; the
// kernels cannot report one yet, so every index that addresses memory is
// clamped into its dimension (clampedIndex) and no input makes them read or
// write out of bounds. (OneHot only compares its indices: one out of range
// gives a row of off values, as in onnxruntime.) Static shapes that would
// access out of bounds whatever the indices are a compile-time error.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"
#include "DynamicShapes.h"
#include "IndexingUtils.h"

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {

Value buildParallelGeneric(
    OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body,
    ValueRange dynamicSizes) {
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType(), dynamicSizes);
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
             })
      .getResult(0);
}

SmallVector<Value> loopIndices(OpBuilder &b, Location loc, int64_t n) {
  SmallVector<Value> indices;
  for (int64_t d = 0; d < n; ++d)
    indices.push_back(linalg::IndexOp::create(b, loc, d));
  return indices;
}

Value wrapIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  if (!index.getType().isIndex())
    index = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::AddIOp::create(
      b, loc, index, arith::ConstantIndexOp::create(b, loc, size));
  return arith::SelectOp::create(b, loc, negative, wrapped, index);
}

Value clampedIndex(OpBuilder &b, Location loc, Value index, Value size) {
  if (!index.getType().isIndex())
    index = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::SelectOp::create(
      b, loc, negative, arith::AddIOp::create(b, loc, index, size), index);
  // Out-of-range indices are invalid ONNX input (onnxruntime reports an
  // error); a kernel cannot raise one yet, so clamp to stay in bounds.
  std::optional<int64_t> staticSize = getConstantIntValue(size);
  Value last =
      staticSize
          ? Value(arith::ConstantIndexOp::create(b, loc, *staticSize - 1))
          : Value(arith::SubIOp::create(
                b, loc, size, arith::ConstantIndexOp::create(b, loc, 1)));
  return arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, wrapped, zero), last);
}

Value clampedIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  return clampedIndex(b, loc, index,
                      arith::ConstantIndexOp::create(b, loc, size));
}

LogicalResult failOutOfBoundsShapes(Operation *op, const Twine &why,
                                    PatternRewriter &rewriter) {
  op->emitOpError() << why
                    << "; it would access memory out of bounds whatever the "
                       "index values";
  return rewriter.notifyMatchFailure(op, "out-of-bounds shapes");
}

Value elementConstant(OpBuilder &b, Location loc, TypedAttr value) {
  Type element = value.getType();
  if (!element.isUnsignedInteger())
    return arith::ConstantOp::create(b, loc, value);
  auto type = RankedTensorType::get({}, element);
  Value tensor =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, value));
  return tensor::ExtractOp::create(b, loc, tensor, ValueRange{});
}

TypedAttr elementAttr(Type element, double value) {
  if (isa<FloatType>(element))
    return FloatAttr::get(element, value);
  return IntegerAttr::get(element, static_cast<int64_t>(value));
}

Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  int64_t rank = cast<RankedTensorType>(tensor.getType()).getRank();
  SmallVector<Value> zeros;
  if (rank != 0)
    zeros.assign(rank, arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, zeros);
}

namespace {

/// Static ranked types for every value, or null.
SmallVector<RankedTensorType> getStaticTypes(ValueRange values) {
  SmallVector<RankedTensorType> types;
  for (Value v : values) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape())
      return {};
    types.push_back(type);
  }
  return types;
}

/// `current` combined with `update` by a Scatter* reduction (add, mul, max,
/// min), computed in the element's compute type; on bool, add/max are `or`
/// and mul/min are `and`.
Value combineScatter(OpBuilder &b, Location loc, StringRef reduction,
                     Value current, Value update) {
  Type element = current.getType();
  if (element.isInteger(1))
    return reduction == "add" || reduction == "max"
               ? Value(arith::OrIOp::create(b, loc, current, update))
               : Value(arith::AndIOp::create(b, loc, current, update));
  Type compute = getComputeType(element);
  current = toComputeType(b, loc, current, compute);
  update = toComputeType(b, loc, update, compute);
  bool isFloat = isa<FloatType>(compute);
  bool isUnsigned = element.isUnsignedInteger();
  Value result;
  if (reduction == "add")
    result = isFloat ? Value(arith::AddFOp::create(b, loc, current, update))
                     : Value(arith::AddIOp::create(b, loc, current, update));
  else if (reduction == "mul")
    result = isFloat ? Value(arith::MulFOp::create(b, loc, current, update))
                     : Value(arith::MulIOp::create(b, loc, current, update));
  else if (reduction == "max")
    result = maxScalar(b, loc, current, update, isUnsigned);
  else
    result = minScalar(b, loc, current, update, isUnsigned);
  return fromComputeType(b, loc, result, element);
}

/// Checks a Scatter* reduction attribute.
LogicalResult matchReduction(Operation *op, StringRef reduction,
                             ConversionPatternRewriter &rewriter) {
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction))
    return rewriter.notifyMatchFailure(op, "unknown reduction");
  return success();
}

/// The static shape checks that make the clamped accesses of
/// GatherElements and ScatterElements in bounds: `indices` has data's rank
/// and a valid axis, its other dims are at most data's, and the axis of
/// data is not empty unless `indices` is.
LogicalResult checkElementsShapes(Operation *op, RankedTensorType dataType,
                                  RankedTensorType indicesType, int64_t axis,
                                  PatternRewriter &rewriter) {
  int64_t rank = dataType.getRank();
  if (indicesType.getRank() != rank)
    return failOutOfBoundsShapes(op, "indices and data have different ranks",
                                 rewriter);
  if (axis < 0 || axis >= rank)
    return failOutOfBoundsShapes(op, "axis out of range", rewriter);
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && indicesType.getDimSize(d) > dataType.getDimSize(d))
      return failOutOfBoundsShapes(
          op,
          "indices dim " + Twine(d) + " (" + Twine(indicesType.getDimSize(d)) +
              ") exceeds data's (" + Twine(dataType.getDimSize(d)) + ")",
          rewriter);
  if (dataType.getDimSize(axis) == 0 && indicesType.getNumElements() != 0)
    return failOutOfBoundsShapes(op, "indices address an empty axis", rewriter);
  return success();
}

/// Index constants 0 and `sizes` and 1: the bounds of a loop nest over
/// `sizes`.
void loopBounds(OpBuilder &b, Location loc, ArrayRef<int64_t> sizes,
                SmallVector<Value> &lbs, SmallVector<Value> &ubs,
                SmallVector<Value> &steps) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t size : sizes) {
    lbs.push_back(zero);
    ubs.push_back(arith::ConstantIndexOp::create(b, loc, size));
    steps.push_back(one);
  }
}

/// checkElementsShapes() for dims known only at run time: the same
/// conditions, each checked while the model runs (a run error naming the
/// node) where a dim involved is a run-time one.
void emitElementsShapeChecks(OpBuilder &b, Location loc, Operation *op,
                             Value data, Value indices, int64_t axis) {
  int64_t rank = cast<RankedTensorType>(data.getType()).getRank();
  SmallVector<OpFoldResult> indexDims = dimsOf(b, loc, indices);
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      emitAtMostCheck(b, loc, op, indexDims[d], dimOf(b, loc, data, d),
                      "indices dim " + Twine(d) + " exceeds data's");
  OpFoldResult count = productIndex(b, loc, indexDims);
  emitAtMostCheck(b, loc, op, count,
                  mulIndex(b, loc, count, dimOf(b, loc, data, axis)),
                  "indices address an empty axis");
}

/// GatherElements with a dim known only at run time: as the static
/// lowering, the output sized like `indices`.
LogicalResult lowerDynamicGatherElements(GatherElementsOp op, Value data,
                                         Value indices,
                                         ConversionPatternRewriter &rewriter) {
  auto dataType = dyn_cast<RankedTensorType>(data.getType());
  auto indicesType = dyn_cast<RankedTensorType>(indices.getType());
  auto resultType = dyn_cast<RankedTensorType>(op.getType());
  if (!dataType || !indicesType || !resultType)
    return rewriter.notifyMatchFailure(op, "static shapes only");
  int64_t rank = resultType.getRank();
  int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
  if (indicesType.getRank() != rank || dataType.getRank() != rank ||
      axis < 0 || axis >= rank ||
      failed(verifyCompatibleShape(resultType, indicesType)))
    return rewriter.notifyMatchFailure(
        op, "ranks, axis or the result shape disagree with indices");
  Location loc = op.getLoc();
  emitElementsShapeChecks(rewriter, loc, op, data, indices, axis);
  SmallVector<OpFoldResult> sizes = dimsOf(rewriter, loc, indices);
  Value axisSize =
      getValueOrCreateConstantIndexOp(rewriter, loc, dimOf(rewriter, loc, data, axis));
  Value result = buildParallelGeneric(
      rewriter, loc, resultType, indices, rewriter.getMultiDimIdentityMap(rank),
      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        SmallVector<Value> coords = loopIndices(b, l, rank);
        coords[axis] = clampedIndex(b, l, args[0], axisSize);
        return tensor::ExtractOp::create(b, l, data, coords);
      },
      dynamicSizesOf(rewriter, loc, resultType, sizes));
  rewriter.replaceOp(op, result);
  return success();
}

struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    SmallVector<RankedTensorType> types =
        getStaticTypes({data, indices, op.getResult()});
    if (types.empty())
      return lowerDynamicGatherElements(op, data, indices, rewriter);
    RankedTensorType dataType = types[0], indicesType = types[1],
                     resultType = types[2];
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (failed(checkElementsShapes(op, dataType, indicesType, axis, rewriter)))
      return failure();
    if (resultType.getShape() != indicesType.getShape())
      return rewriter.notifyMatchFailure(op,
                                         "result shape disagrees with indices");
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), resultType, indices,
        rewriter.getMultiDimIdentityMap(rank),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          SmallVector<Value> coords = loopIndices(b, l, rank);
          coords[axis] = clampedIndex(b, l, args[0], dataType.getDimSize(axis));
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// GatherND: output dims are the index tuples' dims followed by the data
/// dims the tuples do not address; the first batch_dims of both are shared.
/// GatherND with a dim known only at run time (the tuple length k, the
/// last dim of indices, static, or following from the ranks): a generic
/// over the output sized while running; the batch dims' agreement, the
/// tuple length and the addressed dims being non-empty are checked at run
/// time.
LogicalResult lowerDynamicGatherND(GatherNDOp op, Value data, Value indices,
                                   ConversionPatternRewriter &rewriter) {
  auto dataType = dyn_cast<RankedTensorType>(data.getType());
  auto indicesType = dyn_cast<RankedTensorType>(indices.getType());
  auto resultType = dyn_cast<RankedTensorType>(op.getType());
  if (!dataType || !indicesType || !resultType)
    return rewriter.notifyMatchFailure(op, "static shapes only");
  int64_t batchDims = op.getBatchDims();
  int64_t tupleRank = indicesType.getRank() - 1;
  if (tupleRank < 0 || batchDims < 0 || batchDims > tupleRank)
    return failOutOfBoundsShapes(
        op, "indices must have a rank above batch_dims", rewriter);
  int64_t dataRank = dataType.getRank();
  int64_t resultRank = resultType.getRank();
  Location loc = op.getLoc();
  int64_t tupleSize = indicesType.getDimSize(tupleRank);
  if (ShapedType::isDynamic(tupleSize)) {
    // The result has tupleRank + dataRank - batchDims - k dims.
    tupleSize = tupleRank + dataRank - batchDims - resultRank;
    if (tupleSize < 1)
      return rewriter.notifyMatchFailure(
          op, "the result's rank leaves no index tuple length");
    emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, indices, tupleRank),
                 rewriter.getIndexAttr(tupleSize),
                 "the index tuples' length disagrees with the ranks of data "
                 "and the output");
  }
  if (batchDims + tupleSize > dataRank ||
      resultRank != tupleRank + dataRank - batchDims - tupleSize)
    return failOutOfBoundsShapes(op,
                                 "index tuples of " + Twine(tupleSize) +
                                     " after " + Twine(batchDims) +
                                     " batch dims address a rank " +
                                     Twine(dataRank) + " input",
                                 rewriter);
  SmallVector<OpFoldResult> dataDims = dimsOf(rewriter, loc, data);
  SmallVector<OpFoldResult> sizes = dimsOf(rewriter, loc, indices);
  sizes.pop_back();
  for (int64_t d = 0; d < batchDims; ++d)
    emitDimCheck(rewriter, loc, op, sizes[d], dataDims[d],
                 "batch dim " + Twine(d) + " of indices differs from data's");
  sizes.append(dataDims.begin() + batchDims + tupleSize, dataDims.end());
  OpFoldResult count = productIndex(rewriter, loc, sizes);
  SmallVector<Value> axisSizes;
  for (int64_t j = 0; j < tupleSize; ++j) {
    emitAtMostCheck(rewriter, loc, op, count,
                    mulIndex(rewriter, loc, count, dataDims[batchDims + j]),
                    "indices address an empty dim");
    axisSizes.push_back(getValueOrCreateConstantIndexOp(
        rewriter, loc, dataDims[batchDims + j]));
  }
  Value result = buildParallelGeneric(
      rewriter, loc, resultType, {}, {},
      [&](OpBuilder &b, Location l, ValueRange) -> Value {
        SmallVector<Value> loops = loopIndices(b, l, resultRank);
        SmallVector<Value> coords(loops.begin(), loops.begin() + batchDims);
        SmallVector<Value> tuple(loops.begin(), loops.begin() + tupleRank);
        tuple.push_back(Value());
        for (int64_t j = 0; j < tupleSize; ++j) {
          tuple.back() = arith::ConstantIndexOp::create(b, l, j);
          Value index = tensor::ExtractOp::create(b, l, indices, tuple);
          coords.push_back(clampedIndex(b, l, index, axisSizes[j]));
        }
        coords.append(loops.begin() + tupleRank, loops.end());
        return tensor::ExtractOp::create(b, l, data, coords);
      },
      dynamicSizesOf(rewriter, loc, resultType, sizes));
  rewriter.replaceOp(op, result);
  return success();
}

struct GatherNDLowering : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    SmallVector<RankedTensorType> types =
        getStaticTypes({data, indices, op.getResult()});
    if (types.empty())
      return lowerDynamicGatherND(op, data, indices, rewriter);
    RankedTensorType dataType = types[0], indicesType = types[1],
                     resultType = types[2];
    int64_t batchDims = op.getBatchDims();
    int64_t tupleRank = indicesType.getRank() - 1;
    if (tupleRank < 0 || batchDims < 0 || batchDims > tupleRank)
      return failOutOfBoundsShapes(
          op, "indices must have a rank above batch_dims", rewriter);
    int64_t tupleSize = indicesType.getDimSize(tupleRank);
    int64_t resultRank = resultType.getRank();
    if (batchDims + tupleSize > dataType.getRank())
      return failOutOfBoundsShapes(op,
                                   "index tuples of " + Twine(tupleSize) +
                                       " after " + Twine(batchDims) +
                                       " batch dims address a rank " +
                                       Twine(dataType.getRank()) + " input",
                                   rewriter);
    SmallVector<int64_t> expectedShape(indicesType.getShape().drop_back());
    llvm::append_range(expectedShape,
                       dataType.getShape().drop_front(batchDims + tupleSize));
    if (resultType.getShape() != ArrayRef<int64_t>(expectedShape))
      return rewriter.notifyMatchFailure(op,
                                         "result shape disagrees with indices");
    for (int64_t d = 0; d < batchDims; ++d)
      if (indicesType.getDimSize(d) != dataType.getDimSize(d))
        return failOutOfBoundsShapes(op,
                                     "batch dim " + Twine(d) + " of indices (" +
                                         Twine(indicesType.getDimSize(d)) +
                                         ") differs from data's (" +
                                         Twine(dataType.getDimSize(d)) + ")",
                                     rewriter);
    if (resultType.getNumElements() != 0)
      for (int64_t j = 0; j < tupleSize; ++j)
        if (dataType.getDimSize(batchDims + j) == 0)
          return failOutOfBoundsShapes(op, "indices address an empty dim",
                                       rewriter);
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), resultType, {}, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> loops = loopIndices(b, l, resultRank);
          SmallVector<Value> coords(loops.begin(), loops.begin() + batchDims);
          SmallVector<Value> tuple(loops.begin(), loops.begin() + tupleRank);
          tuple.push_back(Value());
          for (int64_t j = 0; j < tupleSize; ++j) {
            tuple.back() = arith::ConstantIndexOp::create(b, l, j);
            Value index = tensor::ExtractOp::create(b, l, indices, tuple);
            coords.push_back(
                clampedIndex(b, l, index, dataType.getDimSize(batchDims + j)));
          }
          coords.append(loops.begin() + tupleRank, loops.end());
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ScatterElements with a dim known only at run time: the same loop nest
/// over `indices`, sized while running, with the shape conditions checked
/// at run time (indices and updates alike; indices within data).
LogicalResult
lowerDynamicScatterElements(ScatterElementsOp op, Value data, Value indices,
                            Value updates,
                            ConversionPatternRewriter &rewriter) {
  auto dataType = dyn_cast<RankedTensorType>(data.getType());
  auto indicesType = dyn_cast<RankedTensorType>(indices.getType());
  auto updatesType = dyn_cast<RankedTensorType>(updates.getType());
  if (!dataType || !indicesType || !updatesType)
    return rewriter.notifyMatchFailure(op, "static shapes only");
  int64_t rank = dataType.getRank();
  int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
  if (indicesType.getRank() != rank || updatesType.getRank() != rank ||
      axis < 0 || axis >= rank ||
      failed(verifyCompatibleShape(indicesType, updatesType)))
    return rewriter.notifyMatchFailure(
        op, "ranks, axis or the updates' shape disagree with indices");
  StringRef reduction = op.getReduction();
  if (failed(matchReduction(op, reduction, rewriter)))
    return failure();
  Location loc = op.getLoc();
  emitElementsShapeChecks(rewriter, loc, op, data, indices, axis);
  SmallVector<OpFoldResult> sizes = dimsOf(rewriter, loc, indices);
  for (int64_t d = 0; d < rank; ++d)
    emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, updates, d), sizes[d],
                 "updates dim " + Twine(d) + " differs from indices'");
  Value axisSize = getValueOrCreateConstantIndexOp(
      rewriter, loc, dimOf(rewriter, loc, data, axis));
  SmallVector<Value> lbs(rank, arith::ConstantIndexOp::create(rewriter, loc, 0));
  SmallVector<Value> steps(rank,
                           arith::ConstantIndexOp::create(rewriter, loc, 1));
  SmallVector<Value> ubs;
  for (OpFoldResult size : sizes)
    ubs.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, lbs, ubs, steps, ValueRange{data},
      [&](OpBuilder &b, Location l, ValueRange ivs,
          ValueRange carried) -> scf::ValueVector {
        Value index = tensor::ExtractOp::create(b, l, indices, ivs);
        Value update = tensor::ExtractOp::create(b, l, updates, ivs);
        SmallVector<Value> coords(ivs.begin(), ivs.end());
        coords[axis] = clampedIndex(b, l, index, axisSize);
        if (reduction != "none")
          update = combineScatter(
              b, l, reduction,
              tensor::ExtractOp::create(b, l, carried[0], coords), update);
        return {tensor::InsertOp::create(b, l, update, carried[0], coords)};
      });
  rewriter.replaceOp(op, nest.results.front());
  return success();
}

struct ScatterElementsLowering : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    SmallVector<RankedTensorType> types =
        getStaticTypes({data, indices, updates});
    if (types.empty())
      return lowerDynamicScatterElements(op, data, indices, updates, rewriter);
    if (types[1].getShape() != types[2].getShape())
      return rewriter.notifyMatchFailure(op, "static shapes only");
    RankedTensorType dataType = types[0], indicesType = types[1];
    StringRef reduction = op.getReduction();
    if (failed(matchReduction(op, reduction, rewriter)))
      return failure();
    int64_t rank = dataType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (failed(checkElementsShapes(op, dataType, indicesType, axis, rewriter)))
      return failure();
    Location loc = op.getLoc();
    SmallVector<Value> lbs, ubs, steps;
    loopBounds(rewriter, loc, indicesType.getShape(), lbs, ubs, steps);
    // Updates apply in index order, so with reduction "none" the last of
    // duplicate indices wins.
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{data},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          Value index = tensor::ExtractOp::create(b, l, indices, ivs);
          Value update = tensor::ExtractOp::create(b, l, updates, ivs);
          SmallVector<Value> coords(ivs.begin(), ivs.end());
          coords[axis] = clampedIndex(b, l, index, dataType.getDimSize(axis));
          if (reduction != "none")
            update = combineScatter(
                b, l, reduction,
                tensor::ExtractOp::create(b, l, carried[0], coords), update);
          return {tensor::InsertOp::create(b, l, update, carried[0], coords)};
        });
    rewriter.replaceOp(op, nest.results.front());
    return success();
  }
};

/// ScatterND with a dim known only at run time: the same loop over the
/// index tuples, sized while running; updates' dims, the tuple length and
/// the addressed dims being non-empty are checked at run time.
LogicalResult lowerDynamicScatterND(ScatterNDOp op, Value data, Value indices,
                                    Value updates,
                                    ConversionPatternRewriter &rewriter) {
  auto dataType = dyn_cast<RankedTensorType>(data.getType());
  auto indicesType = dyn_cast<RankedTensorType>(indices.getType());
  auto updatesType = dyn_cast<RankedTensorType>(updates.getType());
  if (!dataType || !indicesType || !updatesType || indicesType.getRank() < 1)
    return rewriter.notifyMatchFailure(op, "static shapes only");
  StringRef reduction = op.getReduction();
  if (failed(matchReduction(op, reduction, rewriter)))
    return failure();
  int64_t tupleRank = indicesType.getRank() - 1;
  int64_t dataRank = dataType.getRank();
  // A run-time tuple length k follows from the ranks (updates have
  // tupleRank + dataRank - k dims); the indices' last dim is checked to be
  // k while running.
  int64_t tupleSize = indicesType.getDimSize(tupleRank);
  Location loc = op.getLoc();
  if (ShapedType::isDynamic(tupleSize)) {
    tupleSize = tupleRank + dataRank - updatesType.getRank();
    if (tupleSize < 1)
      return rewriter.notifyMatchFailure(
          op, "updates' rank leaves no index tuple length");
    emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, indices, tupleRank),
                 rewriter.getIndexAttr(tupleSize),
                 "the index tuples' length disagrees with the ranks of data "
                 "and updates");
  }
  if (tupleSize > dataRank)
    return failOutOfBoundsShapes(op,
                                 "index tuples of " + Twine(tupleSize) +
                                     " address a rank " + Twine(dataRank) +
                                     " input",
                                 rewriter);
  int64_t sliceRank = dataRank - tupleSize;
  if (updatesType.getRank() != tupleRank + sliceRank)
    return rewriter.notifyMatchFailure(op,
                                       "updates shape disagrees with indices");
  Type element = dataType.getElementType();
  SmallVector<OpFoldResult> dataDims = dimsOf(rewriter, loc, data);
  SmallVector<OpFoldResult> tupleDims = dimsOf(rewriter, loc, indices);
  tupleDims.pop_back();
  for (int64_t d = 0; d < tupleRank + sliceRank; ++d)
    emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, updates, d),
                 d < tupleRank ? tupleDims[d] : dataDims[tupleSize + d - tupleRank],
                 "updates dim " + Twine(d) + " disagrees with indices and data");
  OpFoldResult count = productIndex(rewriter, loc, tupleDims);
  for (int64_t j = 0; j < tupleSize; ++j)
    emitAtMostCheck(rewriter, loc, op, count,
                    mulIndex(rewriter, loc, count, dataDims[j]),
                    "indices address an empty dim");

  SmallVector<int64_t> sliceShape(dataType.getShape().drop_front(tupleSize));
  auto sliceType = RankedTensorType::get(sliceShape, element);
  OpFoldResult zero = rewriter.getIndexAttr(0), one = rewriter.getIndexAttr(1);
  SmallVector<OpFoldResult> sliceSizes(tupleSize, one);
  sliceSizes.append(dataDims.begin() + tupleSize, dataDims.end());
  SmallVector<OpFoldResult> dataStrides(dataRank, one);
  SmallVector<OpFoldResult> updateSizes(tupleRank, one);
  updateSizes.append(dataDims.begin() + tupleSize, dataDims.end());
  SmallVector<OpFoldResult> updateStrides(updatesType.getRank(), one);
  SmallVector<Value> axisSizes;
  for (int64_t j = 0; j < tupleSize; ++j)
    axisSizes.push_back(
        getValueOrCreateConstantIndexOp(rewriter, loc, dataDims[j]));

  SmallVector<Value> lbs(tupleRank,
                         arith::ConstantIndexOp::create(rewriter, loc, 0));
  SmallVector<Value> steps(tupleRank,
                           arith::ConstantIndexOp::create(rewriter, loc, 1));
  SmallVector<Value> ubs;
  for (OpFoldResult size : tupleDims)
    ubs.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, lbs, ubs, steps, ValueRange{data},
      [&](OpBuilder &b, Location l, ValueRange ivs,
          ValueRange carried) -> scf::ValueVector {
        SmallVector<OpFoldResult> offsets;
        SmallVector<Value> tuple(ivs.begin(), ivs.end());
        tuple.push_back(Value());
        for (int64_t j = 0; j < tupleSize; ++j) {
          tuple.back() = arith::ConstantIndexOp::create(b, l, j);
          Value index = tensor::ExtractOp::create(b, l, indices, tuple);
          offsets.push_back(clampedIndex(b, l, index, axisSizes[j]));
        }
        offsets.append(sliceRank, zero);
        SmallVector<OpFoldResult> updateOffsets(ivs.begin(), ivs.end());
        updateOffsets.append(sliceRank, zero);
        Value update = tensor::ExtractSliceOp::create(
            b, l, sliceType, updates, updateOffsets, updateSizes,
            updateStrides);
        if (reduction != "none") {
          Value current = tensor::ExtractSliceOp::create(
              b, l, sliceType, carried[0], offsets, sliceSizes, dataStrides);
          SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(sliceRank));
          update = linalg::GenericOp::create(
                       b, l, sliceType, update, current, maps,
                       SmallVector<utils::IteratorType>(
                           sliceRank, utils::IteratorType::parallel),
                       [&](OpBuilder &nb, Location nl, ValueRange args) {
                         linalg::YieldOp::create(
                             nb, nl,
                             combineScatter(nb, nl, reduction, args[1],
                                            args[0]));
                       })
                       .getResult(0);
        }
        return {tensor::InsertSliceOp::create(b, l, update, carried[0], offsets,
                                              sliceSizes, dataStrides)};
      });
  rewriter.replaceOp(op, nest.results.front());
  return success();
}

/// ScatterND: indices [..., k] address slices data[i0, ..., ik-1, :, ...];
/// updates hold one such slice per index tuple.
struct ScatterNDLowering : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    SmallVector<RankedTensorType> types =
        getStaticTypes({data, indices, updates});
    if (types.empty())
      return lowerDynamicScatterND(op, data, indices, updates, rewriter);
    RankedTensorType dataType = types[0], indicesType = types[1],
                     updatesType = types[2];
    Type element = dataType.getElementType();
    StringRef reduction = op.getReduction();
    if (failed(matchReduction(op, reduction, rewriter)))
      return failure();
    int64_t tupleRank = indicesType.getRank() - 1;
    if (tupleRank < 0)
      return failOutOfBoundsShapes(op, "0-d indices", rewriter);
    int64_t tupleSize = indicesType.getDimSize(tupleRank);
    if (tupleSize > dataType.getRank())
      return failOutOfBoundsShapes(op,
                                   "index tuples of " + Twine(tupleSize) +
                                       " address a rank " +
                                       Twine(dataType.getRank()) + " input",
                                   rewriter);
    ArrayRef<int64_t> tupleShape = indicesType.getShape().drop_back();
    if (ShapedType::getNumElements(tupleShape) != 0)
      for (int64_t j = 0; j < tupleSize; ++j)
        if (dataType.getDimSize(j) == 0)
          return failOutOfBoundsShapes(op, "indices address an empty dim",
                                       rewriter);
    ArrayRef<int64_t> sliceShape = dataType.getShape().drop_front(tupleSize);
    SmallVector<int64_t> expectedUpdates(tupleShape);
    expectedUpdates.append(sliceShape.begin(), sliceShape.end());
    if (updatesType.getShape() != ArrayRef<int64_t>(expectedUpdates))
      return rewriter.notifyMatchFailure(
          op, "updates shape disagrees with indices");

    Location loc = op.getLoc();
    auto sliceType = RankedTensorType::get(sliceShape, element);
    OpFoldResult zero = rewriter.getIndexAttr(0),
                 one = rewriter.getIndexAttr(1);
    SmallVector<OpFoldResult> sliceSizes(tupleSize, one);
    for (int64_t size : sliceShape)
      sliceSizes.push_back(rewriter.getIndexAttr(size));
    SmallVector<OpFoldResult> dataStrides(dataType.getRank(), one);
    SmallVector<OpFoldResult> updateSizes(tupleRank, one);
    updateSizes.append(sliceSizes.begin() + tupleSize, sliceSizes.end());
    SmallVector<OpFoldResult> updateStrides(updatesType.getRank(), one);

    SmallVector<Value> lbs, ubs, steps;
    loopBounds(rewriter, loc, tupleShape, lbs, ubs, steps);
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{data},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          SmallVector<OpFoldResult> offsets;
          SmallVector<Value> tuple(ivs.begin(), ivs.end());
          tuple.push_back(Value());
          for (int64_t j = 0; j < tupleSize; ++j) {
            tuple.back() = arith::ConstantIndexOp::create(b, l, j);
            Value index = tensor::ExtractOp::create(b, l, indices, tuple);
            offsets.push_back(
                clampedIndex(b, l, index, dataType.getDimSize(j)));
          }
          offsets.append(sliceShape.size(), zero);
          SmallVector<OpFoldResult> updateOffsets(ivs.begin(), ivs.end());
          updateOffsets.append(sliceShape.size(), zero);
          Value update = tensor::ExtractSliceOp::create(
              b, l, sliceType, updates, updateOffsets, updateSizes,
              updateStrides);
          if (reduction != "none") {
            // Combine in place into the addressed slice of the output.
            Value current = tensor::ExtractSliceOp::create(
                b, l, sliceType, carried[0], offsets, sliceSizes, dataStrides);
            int64_t rank = sliceType.getRank();
            SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
            update =
                linalg::GenericOp::create(
                    b, l, sliceType, update, current, maps,
                    SmallVector<utils::IteratorType>(
                        rank, utils::IteratorType::parallel),
                    [&](OpBuilder &nb, Location nl, ValueRange args) {
                      linalg::YieldOp::create(
                          nb, nl,
                          combineScatter(nb, nl, reduction, args[1], args[0]));
                    })
                    .getResult(0);
          }
          return {tensor::InsertSliceOp::create(
              b, l, update, carried[0], offsets, sliceSizes, dataStrides)};
        });
    rewriter.replaceOp(op, nest.results.front());
    return success();
  }
};

/// OneHot: output[..., d, ...] (d along `axis`) is values[1] where the index
/// at the other coordinates is d (or d - depth), else values[0].
struct OneHotLowering : OpConversionPattern<OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value indices = adaptor.getIndices(), values = adaptor.getValues();
    auto indicesType = dyn_cast<RankedTensorType>(indices.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!indicesType || !resultType)
      return rewriter.notifyMatchFailure(op, "static shapes only");
    auto valuesType = dyn_cast<RankedTensorType>(values.getType());
    if (!valuesType || valuesType.getRank() != 1 ||
        valuesType.getDimSize(0) == 0 ||
        (!valuesType.isDynamicDim(0) && valuesType.getDimSize(0) != 2))
      return rewriter.notifyMatchFailure(op, "values must hold 2 elements");
    Type indexElement = indicesType.getElementType();
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    if (axis < 0 || axis >= rank || indicesType.getRank() + 1 != rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    // A depth known only at run time (a graph input) is read while running:
    // the output's size along the axis, checked positive.
    bool dynamic = !resultType.hasStaticShape();
    int64_t depth = resultType.getDimSize(axis);
    Value depthValue;
    SmallVector<Value> dynamicSizes;
    if (dynamic) {
      emitDimCheck(rewriter, loc, op, dimOf(rewriter, loc, values, 0),
                   rewriter.getIndexAttr(2), "values must hold 2 elements");
      auto depthType = dyn_cast<RankedTensorType>(adaptor.getDepth().getType());
      if (!depthType || (depthType.hasStaticShape() &&
                         depthType.getNumElements() != 1))
        return rewriter.notifyMatchFailure(op, "depth must hold one value");
      if (ShapedType::isDynamic(depth)) {
        Value scalar = tensor::ExtractOp::create(
            rewriter, loc, adaptor.getDepth(),
            SmallVector<Value>(depthType.getRank(),
                               arith::ConstantIndexOp::create(rewriter, loc, 0)));
        scalar = toComputeType(rewriter, loc, scalar,
                               getComputeType(depthType.getElementType()));
        if (isa<FloatType>(scalar.getType()))
          scalar = arith::FPToSIOp::create(rewriter, loc,
                                           rewriter.getI64Type(), scalar);
        depthValue = depthType.getElementType().isUnsignedInteger()
                         ? Value(arith::IndexCastUIOp::create(
                               rewriter, loc, rewriter.getIndexType(), scalar))
                         : Value(arith::IndexCastOp::create(
                               rewriter, loc, rewriter.getIndexType(), scalar));
        emitAtMostCheck(rewriter, loc, op, rewriter.getIndexAttr(1), depthValue,
                        "depth must be positive");
      } else {
        depthValue = arith::ConstantIndexOp::create(rewriter, loc, depth);
      }
      for (int64_t d = 0, i = 0; d < rank; ++d) {
        if (d == axis) {
          if (resultType.isDynamicDim(d))
            dynamicSizes.push_back(depthValue);
          continue;
        }
        if (resultType.isDynamicDim(d))
          dynamicSizes.push_back(getValueOrCreateConstantIndexOp(
              rewriter, loc, dimOf(rewriter, loc, indices, i)));
        ++i;
      }
    }
    Value off = tensor::ExtractOp::create(
        rewriter, loc, values,
        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 0)});
    Value on = tensor::ExtractOp::create(
        rewriter, loc, values,
        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 1)});
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        indexExprs.push_back(getAffineDimExpr(d, ctx));
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, indices,
        AffineMap::get(rank, 0, indexExprs, ctx),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          // Float indices are cast to int64 (truncated) as the spec says;
          // unsigned ones are never negative.
          Value index =
              toComputeType(b, l, args[0], getComputeType(indexElement));
          if (isa<FloatType>(index.getType()))
            index = arith::FPToSIOp::create(b, l, b.getI64Type(), index);
          if (indexElement.isUnsignedInteger()) {
            index = arith::IndexCastUIOp::create(b, l, b.getIndexType(), index);
          } else if (dynamic) {
            index = arith::IndexCastOp::create(b, l, b.getIndexType(), index);
            Value negative = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::slt, index,
                arith::ConstantIndexOp::create(b, l, 0));
            index = arith::SelectOp::create(
                b, l, negative, arith::AddIOp::create(b, l, index, depthValue),
                index);
          } else {
            index = wrapIndex(b, l, index, depth);
          }
          Value hot =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, index,
                                    linalg::IndexOp::create(b, l, axis));
          return arith::SelectOp::create(b, l, hot, on, off);
        },
        dynamicSizes);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Compress along an axis with a constant condition: a gather of the
/// selected positions, sized at compile time. The others (a run-time
/// condition, no axis) are DataDependent.cpp's.
struct CompressLowering : OpConversionPattern<CompressOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CompressOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    std::optional<SmallVector<int64_t>> condition =
        getConstantInts(op.getCondition());
    if (!condition || !op.getAxis())
      return rewriter.notifyMatchFailure(
          op, "a run-time condition or no axis (sized at run time)");
    if (!inputType || !resultType || !inputType.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "static shapes only");
    int64_t rank = inputType.getRank();
    int64_t axis = *op.getAxis() < 0 ? *op.getAxis() + rank : *op.getAxis();
    // The condition may be shorter than the axis: the rest is dropped.
    SmallVector<int64_t> positions;
    int64_t length =
        std::min<int64_t>(condition->size(), inputType.getDimSize(axis));
    for (int64_t i = 0; i < length; ++i)
      if ((*condition)[i])
        positions.push_back(i);
    if (static_cast<int64_t>(positions.size()) != resultType.getDimSize(axis))
      return rewriter.notifyMatchFailure(
          op, "result type disagrees with condition");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto positionsType = RankedTensorType::get(
        {static_cast<int64_t>(positions.size())}, rewriter.getI64Type());
    Value table = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(positionsType, ArrayRef(positions)));
    Value result = buildParallelGeneric(
        rewriter, loc, resultType, table,
        AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx)),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          SmallVector<Value> coords = loopIndices(b, l, rank);
          coords[axis] =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          return tensor::ExtractOp::create(b, l, input, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXIndexingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherElementsLowering, GatherNDLowering,
               ScatterElementsLowering, ScatterNDLowering, OneHotLowering,
               CompressLowering>(patterns.getContext());
  populateONNXSlicingToLinalgPatterns(patterns);
  populateONNXGeneratorsToLinalgPatterns(patterns);
}

} // namespace onnxc::linalg_lowering
