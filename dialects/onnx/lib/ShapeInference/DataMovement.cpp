//===- DataMovement.cpp - Shape inference of shape and data movement ops --===//
//
// Many of these ops take shapes as tensors (Reshape's shape, Slice's starts).
// When those operands are constants, typically after --onnx-shape-inference
// has folded a Shape -> Gather -> Concat chain, the result is fully static;
// otherwise the rank is kept where it is known and the sizes become dynamic.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include <cmath>

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// The static length of a 1-D shape operand, or kDynamic.
int64_t getVectorLength(Value v) {
  auto type = getRankedType(v);
  if (!type || type.getRank() != 1)
    return kDynamic;
  return type.getDimSize(0);
}

/// Clamps a Slice start/end as the ONNX spec defines it: into [0, dim] for
/// positive steps; for negative ones a start into [0, dim - 1] and an end
/// into [-1, dim - 1] (an empty dim gives -1 for both).
int64_t clampSliceIndex(int64_t index, int64_t dim, bool negativeStep,
                        bool isStart) {
  if (index < 0)
    index += dim;
  if (negativeStep)
    return std::max<int64_t>(std::min<int64_t>(index, dim - 1),
                             isStart && dim > 0 ? 0 : -1);
  return std::clamp<int64_t>(index, 0, dim);
}

} // namespace

LogicalResult ConstantOp::inferShapes() {
  if (std::optional<ElementsAttr> value = getValue()) {
    getOutput().setType(cast<TensorType>(value->getType()));
    return success();
  }
  Builder b(getContext());
  if (getValueFloat())
    getOutput().setType(RankedTensorType::get({}, b.getF32Type()));
  else if (std::optional<ArrayRef<float>> floats = getValueFloats())
    getOutput().setType(RankedTensorType::get(
        {static_cast<int64_t>(floats->size())}, b.getF32Type()));
  else if (getValueInt())
    getOutput().setType(RankedTensorType::get({}, b.getI64Type()));
  else if (std::optional<ArrayRef<int64_t>> ints = getValueInts())
    getOutput().setType(RankedTensorType::get(
        {static_cast<int64_t>(ints->size())}, b.getI64Type()));
  else
    return emitOpError("has no supported value attribute");
  return success();
}

LogicalResult ConstantOfShapeOp::inferShapes() {
  Type elementType = Float32Type::get(getContext());
  if (std::optional<ElementsAttr> value = getValue())
    elementType = value->getElementType();
  if (std::optional<SmallVector<int64_t>> shape = getConstantInts(getInput())) {
    for (int64_t d : *shape)
      if (d < 0)
        return emitOpError() << "shape has a negative dimension " << d;
    setResultType(*this, 0, *shape, elementType);
    return success();
  }
  int64_t rank = getVectorLength(getInput());
  if (rank == kDynamic)
    setUnrankedResultType(*this, 0, elementType);
  else
    setResultType(*this, 0, SmallVector<int64_t>(rank, kDynamic), elementType);
  return success();
}

LogicalResult ShapeOp::inferShapes() {
  Type i64 = IntegerType::get(getContext(), 64);
  auto data = getRankedType(getData());
  if (!data) {
    setResultType(*this, 0, {kDynamic}, i64);
    return success();
  }
  int64_t rank = data.getRank();
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t start = clampIndex(getStart());
  int64_t end = getEnd() ? clampIndex(*getEnd()) : rank;
  setResultType(*this, 0, {std::max<int64_t>(0, end - start)}, i64);
  return success();
}

LogicalResult SizeOp::inferShapes() {
  setResultType(*this, 0, {}, IntegerType::get(getContext(), 64));
  return success();
}

LogicalResult ReshapeOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData());
  std::optional<SmallVector<int64_t>> target = getConstantInts(getShape());
  if (!target) {
    int64_t rank = getVectorLength(getShape());
    if (rank == kDynamic)
      setUnrankedResultType(*this, 0, elementType);
    else
      setResultType(*this, 0, SmallVector<int64_t>(rank, kDynamic),
                    elementType);
    return success();
  }
  SmallVector<int64_t> shape;
  int64_t inferredIndex = -1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !getAllowzero()) {
      if (!data) {
        shape.push_back(kDynamic);
        continue;
      }
      if (static_cast<int64_t>(i) >= data.getRank())
        return emitOpError() << "shape[" << i
                             << "] = 0 copies a dimension the input (rank "
                             << data.getRank() << ") does not have";
      shape.push_back(data.getDimSize(i));
    } else if (d == -1) {
      if (inferredIndex >= 0)
        return emitOpError("shape has more than one -1");
      inferredIndex = i;
      shape.push_back(kDynamic);
    } else if (d < -1) {
      return emitOpError() << "shape[" << i << "] = " << d
                           << " is invalid";
    } else {
      shape.push_back(d);
    }
  }
  int64_t total = data ? product(data.getShape()) : kDynamic;
  if (inferredIndex >= 0 && total != kDynamic) {
    int64_t known = 1;
    for (auto [i, d] : llvm::enumerate(shape))
      if (static_cast<int64_t>(i) != inferredIndex)
        known = d == kDynamic ? kDynamic : (known == kDynamic ? kDynamic : known * d);
    if (known != kDynamic && known != 0) {
      if (total % known != 0)
        return emitOpError() << "cannot reshape " << total
                             << " elements: not divisible by " << known;
      shape[inferredIndex] = total / known;
    }
  }
  int64_t newTotal = product(shape);
  if (total != kDynamic && newTotal != kDynamic && total != newTotal)
    return emitOpError() << "cannot reshape " << total << " elements into "
                         << newTotal;
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult FlattenOp::inferShapes() {
  Type elementType = getElementType(getInput());
  auto input = getRankedType(getInput());
  if (!input) {
    setResultType(*this, 0, {kDynamic, kDynamic}, elementType);
    return success();
  }
  int64_t axis = getAxis() < 0 ? getAxis() + input.getRank() : getAxis();
  if (axis < 0 || axis > input.getRank())
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << input.getRank();
  setResultType(*this, 0,
                {product(input.getShape().take_front(axis)),
                 product(input.getShape().drop_front(axis))},
                elementType);
  return success();
}

LogicalResult TransposeOp::inferShapes() {
  auto data = getRankedType(getData());
  if (!data)
    return inferSameAsFirstOperand(*this);
  SmallVector<int64_t> shape;
  if (std::optional<ArrayRef<int64_t>> perm = getPerm()) {
    if (static_cast<int64_t>(perm->size()) != data.getRank())
      return emitOpError() << "perm has " << perm->size()
                           << " entries for an input of rank "
                           << data.getRank();
    for (int64_t p : *perm)
      shape.push_back(data.getDimSize(p));
  } else {
    shape.assign(data.getShape().rbegin(), data.getShape().rend());
  }
  setResultType(*this, 0, shape, data.getElementType());
  return success();
}

LogicalResult ConcatOp::inferShapes() {
  Type elementType = getElementType(getInputs()[0]);
  SmallVector<int64_t> shape;
  int64_t axis = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = getRankedType(input);
    if (!type) {
      setUnrankedResultType(*this, 0, elementType);
      return success();
    }
    if (i == 0) {
      FailureOr<int64_t> normalized =
          normalizeAxis(*this, getAxis(), type.getRank(), "axis");
      if (failed(normalized))
        return failure();
      axis = *normalized;
      shape.assign(type.getShape().begin(), type.getShape().end());
      continue;
    }
    if (type.getRank() != static_cast<int64_t>(shape.size()))
      return emitOpError() << "input " << i << " has rank " << type.getRank()
                           << ", expected " << shape.size();
    for (int64_t d = 0; d < type.getRank(); ++d) {
      int64_t size = type.getDimSize(d);
      if (d == axis) {
        shape[d] = (shape[d] == kDynamic || size == kDynamic) ? kDynamic
                                                              : shape[d] + size;
      } else if (shape[d] == kDynamic) {
        shape[d] = size;
      } else if (size != kDynamic && size != shape[d]) {
        return emitOpError() << "input " << i << " has size " << size
                             << " in dimension " << d << ", expected "
                             << shape[d];
      }
    }
  }
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult SplitOp::inferShapes() {
  Type elementType = getElementType(getInput());
  auto input = getRankedType(getInput());
  unsigned numResults = getNumResults();
  if (!input) {
    for (unsigned i = 0; i < numResults; ++i)
      setUnrankedResultType(*this, i, elementType);
    return success();
  }
  FailureOr<int64_t> axis =
      normalizeAxis(*this, getAxis(), input.getRank(), "axis");
  if (failed(axis))
    return failure();
  int64_t dim = input.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  if (!isNone(getSplit())) {
    std::optional<SmallVector<int64_t>> split = getConstantInts(getSplit());
    if (split) {
      if (split->size() != numResults)
        return emitOpError() << "split has " << split->size()
                             << " sizes for " << numResults << " outputs";
      int64_t sum = 0;
      for (int64_t s : *split)
        sum += s;
      if (dim != kDynamic && sum != dim)
        return emitOpError() << "split sizes sum to " << sum
                             << " but the axis has size " << dim;
      sizes = *split;
    } else {
      sizes.assign(numResults, kDynamic);
    }
  } else if (dim == kDynamic) {
    sizes.assign(numResults, kDynamic);
  } else {
    // Equal parts; since opset 18 the last may be smaller.
    int64_t part = (dim + numResults - 1) / numResults;
    for (unsigned i = 0; i < numResults; ++i)
      sizes.push_back(std::max<int64_t>(
          0, std::min<int64_t>(part, dim - part * static_cast<int64_t>(i))));
  }
  for (unsigned i = 0; i < numResults; ++i) {
    SmallVector<int64_t> shape(input.getShape());
    shape[*axis] = sizes[i];
    setResultType(*this, i, shape, elementType);
  }
  return success();
}

LogicalResult SliceOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData());
  if (!data) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  int64_t rank = data.getRank();
  std::optional<SmallVector<int64_t>> starts = getConstantInts(getStarts());
  std::optional<SmallVector<int64_t>> ends = getConstantInts(getEnds());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (!isNone(getAxes()))
    axes = getConstantInts(getAxes());
  if (!isNone(getSteps()))
    steps = getConstantInts(getSteps());
  SmallVector<int64_t> shape(data.getShape());
  if ((!isNone(getAxes()) && !axes)) {
    // Any axis may be sliced.
    setResultType(*this, 0, SmallVector<int64_t>(rank, kDynamic), elementType);
    return success();
  }
  size_t count = starts ? starts->size() : getVectorLength(getStarts());
  if (static_cast<int64_t>(count) == kDynamic) {
    setResultType(*this, 0, SmallVector<int64_t>(rank, kDynamic), elementType);
    return success();
  }
  if (!axes) {
    axes.emplace();
    for (size_t i = 0; i < count; ++i)
      axes->push_back(i);
  }
  if ((ends && ends->size() != count) || axes->size() != count ||
      (steps && steps->size() != count))
    return emitOpError("starts, ends, axes and steps must have equal lengths");
  for (size_t i = 0; i < count; ++i) {
    FailureOr<int64_t> axis = normalizeAxis(*this, (*axes)[i], rank, "axis");
    if (failed(axis))
      return failure();
    int64_t step = steps ? (*steps)[i] : 1;
    if (step == 0)
      return emitOpError("steps must be non-zero");
    int64_t dim = shape[*axis];
    if (!starts || !ends || dim == kDynamic ||
        (!isNone(getSteps()) && !steps)) {
      shape[*axis] = kDynamic;
      continue;
    }
    int64_t start = clampSliceIndex((*starts)[i], dim, step < 0, true);
    int64_t end = clampSliceIndex((*ends)[i], dim, step < 0, false);
    int64_t size = step > 0 ? (end - start + step - 1) / step
                            : (start - end + (-step) - 1) / (-step);
    shape[*axis] = std::max<int64_t>(0, size);
  }
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult SqueezeOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData());
  if (!data) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  SmallVector<bool> removed(data.getRank(), false);
  if (isNone(getAxes())) {
    for (int64_t i = 0; i < data.getRank(); ++i) {
      if (data.getDimSize(i) == kDynamic) {
        setUnrankedResultType(*this, 0, elementType);
        return success();
      }
      removed[i] = data.getDimSize(i) == 1;
    }
  } else {
    std::optional<SmallVector<int64_t>> axes = getConstantInts(getAxes());
    if (!axes) {
      setUnrankedResultType(*this, 0, elementType);
      return success();
    }
    for (int64_t axis : *axes) {
      FailureOr<int64_t> normalized =
          normalizeAxis(*this, axis, data.getRank(), "axis");
      if (failed(normalized))
        return failure();
      int64_t size = data.getDimSize(*normalized);
      if (size != 1 && size != kDynamic)
        return emitOpError() << "cannot squeeze axis " << axis << " of size "
                             << size;
      removed[*normalized] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < data.getRank(); ++i)
    if (!removed[i])
      shape.push_back(data.getDimSize(i));
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult UnsqueezeOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData());
  std::optional<SmallVector<int64_t>> axes = getConstantInts(getAxes());
  if (!data || !axes) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  int64_t rank = data.getRank() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> normalized = normalizeAxis(*this, axis, rank, "axis");
    if (failed(normalized))
      return failure();
    if (inserted[*normalized])
      return emitOpError() << "axis " << axis << " is repeated";
    inserted[*normalized] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : data.getDimSize(next++));
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult ExpandOp::inferShapes() {
  Type elementType = getElementType(getInput());
  auto input = getRankedType(getInput());
  std::optional<SmallVector<int64_t>> target = getConstantInts(getShape());
  if (!input) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  if (!target) {
    int64_t length = getVectorLength(getShape());
    if (length == kDynamic)
      setUnrankedResultType(*this, 0, elementType);
    else
      setResultType(*this, 0,
                    SmallVector<int64_t>(std::max(length, input.getRank()),
                                         kDynamic),
                    elementType);
    return success();
  }
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(*this, input.getShape(), *target);
  if (failed(shape))
    return failure();
  setResultType(*this, 0, *shape, elementType);
  return success();
}

LogicalResult TileOp::inferShapes() {
  Type elementType = getElementType(getInput());
  auto input = getRankedType(getInput());
  if (!input) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  SmallVector<int64_t> shape(input.getShape());
  std::optional<SmallVector<int64_t>> repeats = getConstantInts(getRepeats());
  if (!repeats) {
    setResultType(*this, 0, SmallVector<int64_t>(shape.size(), kDynamic),
                  elementType);
    return success();
  }
  if (static_cast<int64_t>(repeats->size()) != input.getRank())
    return emitOpError() << "repeats has " << repeats->size()
                         << " values for an input of rank " << input.getRank();
  for (auto [d, r] : llvm::zip(shape, *repeats))
    if (d != kDynamic)
      d *= r;
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult PadOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData());
  if (!data) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  int64_t rank = data.getRank();
  std::optional<SmallVector<int64_t>> pads = getConstantInts(getPads());
  std::optional<SmallVector<int64_t>> axes;
  if (!isNone(getAxes()))
    axes = getConstantInts(getAxes());
  if (!pads || (!isNone(getAxes()) && !axes)) {
    setResultType(*this, 0, SmallVector<int64_t>(rank, kDynamic), elementType);
    return success();
  }
  if (!axes) {
    axes.emplace();
    for (int64_t i = 0; i < rank; ++i)
      axes->push_back(i);
  }
  size_t n = axes->size();
  if (pads->size() != 2 * n)
    return emitOpError() << "pads has " << pads->size() << " values, expected "
                         << 2 * n;
  SmallVector<int64_t> shape(data.getShape());
  for (size_t i = 0; i < n; ++i) {
    FailureOr<int64_t> axis = normalizeAxis(*this, (*axes)[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (shape[*axis] != kDynamic)
      shape[*axis] += (*pads)[i] + (*pads)[i + n];
    if (shape[*axis] != kDynamic && shape[*axis] < 0)
      return emitOpError() << "padding makes dimension " << *axis
                           << " negative";
  }
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult GatherOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData()), indices = getRankedType(getIndices());
  if (!data || !indices) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  FailureOr<int64_t> axis =
      normalizeAxis(*this, getAxis(), data.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  shape.append(indices.getShape().begin(), indices.getShape().end());
  shape.append(data.getShape().begin() + *axis + 1, data.getShape().end());
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult GatherElementsOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData()), indices = getRankedType(getIndices());
  if (!indices) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  if (data && data.getRank() != indices.getRank())
    return emitOpError("data and indices must have the same rank");
  setResultType(*this, 0, indices.getShape(), elementType);
  return success();
}

LogicalResult GatherNDOp::inferShapes() {
  Type elementType = getElementType(getData());
  auto data = getRankedType(getData()), indices = getRankedType(getIndices());
  int64_t batchDims = getBatchDims();
  if (!data || !indices || indices.getDimSize(indices.getRank() - 1) == kDynamic) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  int64_t last = indices.getDimSize(indices.getRank() - 1);
  if (batchDims + last > data.getRank())
    return emitOpError() << "indices address " << batchDims + last
                         << " dimensions of a rank " << data.getRank()
                         << " input";
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  shape.append(data.getShape().begin() + batchDims + last,
               data.getShape().end());
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult NonZeroOp::inferShapes() {
  Type i64 = IntegerType::get(getContext(), 64);
  auto x = getRankedType(getX());
  // A scalar is read as a 1-element vector, as onnxruntime and numpy do.
  setResultType(*this, 0,
                {x ? std::max<int64_t>(x.getRank(), 1) : kDynamic, kDynamic},
                i64);
  return success();
}

LogicalResult CompressOp::inferShapes() {
  Type elementType = getElementType(getInput());
  auto input = getRankedType(getInput());
  if (!getAxis() || !input) {
    setResultType(*this, 0, {kDynamic}, elementType);
    return success();
  }
  FailureOr<int64_t> axis =
      normalizeAxis(*this, *getAxis(), input.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(input.getShape());
  shape[*axis] = kDynamic;
  if (std::optional<SmallVector<int64_t>> condition =
          getConstantInts(getCondition()))
    shape[*axis] = llvm::count_if(*condition, [](int64_t c) { return c; });
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult OneHotOp::inferShapes() {
  Type elementType = getElementType(getValues());
  auto indices = getRankedType(getIndices());
  if (!indices) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  int64_t rank = indices.getRank() + 1;
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), rank, "axis");
  if (failed(axis))
    return failure();
  int64_t depth = kDynamic;
  if (std::optional<ConstantValues> values = getConstantValues(getDepth())) {
    if (values->size() != 1)
      return emitOpError("depth must hold one value");
    depth = values->asInt(0);
    if (depth <= 0)
      return emitOpError() << "depth must be positive, got " << depth;
  }
  SmallVector<int64_t> shape(indices.getShape());
  shape.insert(shape.begin() + *axis, depth);
  setResultType(*this, 0, shape, elementType);
  return success();
}

/// The window ops' result: 1-D of `size` elements (dynamic unless `size` is
/// a constant) of the element type output_datatype names.
static LogicalResult inferWindowShape(Operation *op, Value size,
                                      int64_t outputDatatype) {
  Type element = getElementTypeForDataType(op->getContext(), outputDatatype);
  if (!element)
    return op->emitOpError() << "unsupported output_datatype " << outputDatatype;
  if (auto type = getRankedType(size); type && type.getNumElements() != 1 &&
                                        type.hasStaticShape())
    return op->emitOpError("size must be a scalar");
  int64_t length = kDynamic;
  if (std::optional<SmallVector<int64_t>> values = getConstantInts(size)) {
    if (values->size() != 1)
      return op->emitOpError("size must be a scalar");
    if ((*values)[0] < 0)
      return op->emitOpError() << "size must not be negative, got "
                               << (*values)[0];
    length = (*values)[0];
  }
  setResultType(op, 0, {length}, element);
  return success();
}

LogicalResult HannWindowOp::inferShapes() {
  return inferWindowShape(*this, getSize(), getOutputDatatype());
}
LogicalResult HammingWindowOp::inferShapes() {
  return inferWindowShape(*this, getSize(), getOutputDatatype());
}
LogicalResult BlackmanWindowOp::inferShapes() {
  return inferWindowShape(*this, getSize(), getOutputDatatype());
}

LogicalResult RangeOp::inferShapes() {
  Type elementType = getElementType(getStart());
  std::optional<ConstantValues> start = getConstantValues(getStart());
  std::optional<ConstantValues> limit = getConstantValues(getLimit());
  std::optional<ConstantValues> delta = getConstantValues(getDelta());
  if (!start || !limit || !delta) {
    setResultType(*this, 0, {kDynamic}, elementType);
    return success();
  }
  for (const ConstantValues &values : {*start, *limit, *delta})
    if (values.size() != 1)
      return emitOpError("start, limit and delta must be scalars");
  double step = delta->asDouble(0);
  if (step == 0)
    return emitOpError("delta must be non-zero");
  double count =
      std::ceil((limit->asDouble(0) - start->asDouble(0)) / step);
  if (std::isnan(count) || count > static_cast<double>(INT32_MAX))
    return emitOpError() << "has " << count
                         << " elements; start, limit and delta must give a "
                            "finite count below 2^31";
  setResultType(*this, 0, {static_cast<int64_t>(std::max(0.0, count))},
                elementType);
  return success();
}

LogicalResult DepthToSpaceOp::inferShapes() {
  Type elementType = getElementType(getInput());
  auto input = getRankedType(getInput());
  if (!input) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  if (input.getRank() != 4)
    return emitOpError("input must be 4-D");
  int64_t b = getBlocksize();
  auto scale = [](int64_t d, int64_t f) { return d == kDynamic ? d : d * f; };
  int64_t c = input.getDimSize(1);
  if (c != kDynamic && c % (b * b) != 0)
    return emitOpError() << "channels " << c << " not divisible by blocksize^2";
  setResultType(*this, 0,
                {input.getDimSize(0), c == kDynamic ? c : c / (b * b),
                 scale(input.getDimSize(2), b), scale(input.getDimSize(3), b)},
                elementType);
  return success();
}

LogicalResult SpaceToDepthOp::inferShapes() {
  Type elementType = getElementType(getInput());
  auto input = getRankedType(getInput());
  if (!input) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  if (input.getRank() != 4)
    return emitOpError("input must be 4-D");
  int64_t b = getBlocksize();
  SmallVector<int64_t> shape(input.getShape());
  for (int64_t i : {2, 3}) {
    if (shape[i] == kDynamic)
      continue;
    if (shape[i] % b != 0)
      return emitOpError() << "spatial size " << shape[i]
                           << " not divisible by blocksize " << b;
    shape[i] /= b;
  }
  if (shape[1] != kDynamic)
    shape[1] *= b * b;
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult ResizeOp::inferShapes() {
  Type elementType = getElementType(getX());
  auto x = getRankedType(getX());
  if (!x) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  int64_t rank = x.getRank();
  SmallVector<int64_t> axes;
  if (std::optional<ArrayRef<int64_t>> attr = getAxes()) {
    for (int64_t a : *attr) {
      FailureOr<int64_t> axis = normalizeAxis(*this, a, rank, "axis");
      if (failed(axis))
        return failure();
      axes.push_back(*axis);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  SmallVector<int64_t> shape(x.getShape());
  std::optional<SmallVector<int64_t>> sizes;
  if (!isNone(getSizes()))
    sizes = getConstantInts(getSizes());
  std::optional<ConstantValues> scales;
  if (!isNone(getScales()))
    scales = getConstantValues(getScales());
  if (sizes && !sizes->empty()) {
    if (sizes->size() != axes.size())
      return emitOpError() << "sizes has " << sizes->size()
                           << " values, expected " << axes.size();
    StringRef policy = getKeepAspectRatioPolicy();
    if (policy == "stretch") {
      for (auto [axis, size] : llvm::zip(axes, *sizes))
        shape[axis] = size;
    } else {
      double scale = policy == "not_larger" ? 1e300 : 0;
      for (auto [axis, size] : llvm::zip(axes, *sizes)) {
        if (shape[axis] == kDynamic) {
          scale = -1;
          break;
        }
        double s = static_cast<double>(size) / shape[axis];
        scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
      }
      for (int64_t axis : axes)
        shape[axis] = scale < 0 ? kDynamic
                                : static_cast<int64_t>(
                                      std::round(scale * shape[axis]));
    }
  } else if (scales && scales->size() > 0) {
    if (static_cast<size_t>(scales->size()) != axes.size())
      return emitOpError() << "scales has " << scales->size()
                           << " values, expected " << axes.size();
    for (auto [i, axis] : llvm::enumerate(axes)) {
      double scale = scales->asDouble(i);
      if (!(scale > 0) || std::isinf(scale))
        return emitOpError() << "scales must be positive and finite, got "
                             << scale;
      if (shape[axis] != kDynamic)
        shape[axis] = static_cast<int64_t>(std::floor(shape[axis] * scale));
    }
  } else {
    for (int64_t axis : axes)
      shape[axis] = kDynamic;
  }
  setResultType(*this, 0, shape, elementType);
  return success();
}

} // namespace onnxc::onnx_ir
