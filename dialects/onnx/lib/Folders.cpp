//===- Folders.cpp - Constant folding of onnx ops -------------------------===//
//
// Folds the small integer and float computations that models use to build
// shapes (Shape -> Gather -> Unsqueeze -> Concat -> Reshape and friends), so
// shape inference sees constants. Results are only materialized when their
// type is static and they are small (or a splat), so folding never copies
// weights.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include <cmath>
#include <functional>

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

constexpr int64_t kMaxFoldedElements = 4096;

using ConstValues = ConstantValues;

/// A small constant operand's elements, or nullopt (see readConstant()).
std::optional<ConstValues> readValues(Attribute attr) {
  return readConstant(attr, kMaxFoldedElements);
}

/// The result type if folding into it is allowed: static and small.
RankedTensorType foldableType(Type type, bool splat = false) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return nullptr;
  if (!splat && ranked.getNumElements() > kMaxFoldedElements)
    return nullptr;
  return ranked;
}

APFloat toAPFloat(double value, FloatType type) {
  APFloat result(value);
  bool lost = false;
  result.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return result;
}

/// Builds a constant of `type` from doubles or ints, converting each value
/// to the element type.
Attribute makeElements(RankedTensorType type, const ConstValues &values) {
  Type elementType = type.getElementType();
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> result;
    for (int64_t i = 0; i < values.size(); ++i)
      result.push_back(toAPFloat(values.asDouble(i), floatType));
    return DenseElementsAttr::get(type, result);
  }
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!intType)
    return nullptr;
  SmallVector<APInt> result;
  for (int64_t i = 0; i < values.size(); ++i) {
    int64_t v = values.asInt(i);
    if (intType.getWidth() == 1)
      v = values.asDouble(i) != 0;
    result.push_back(APInt(intType.getWidth(), static_cast<uint64_t>(v),
                           /*isSigned=*/!intType.isUnsigned(),
                           /*implicitTrunc=*/true));
  }
  return DenseElementsAttr::get(type, result);
}

/// The linear index into an operand of `inShape` that broadcasts to the
/// output position `outIndex` of `outShape`.
int64_t broadcastIndex(ArrayRef<int64_t> outShape, ArrayRef<int64_t> inShape,
                       int64_t outIndex) {
  int64_t inIndex = 0, inStride = 1;
  for (int64_t d = outShape.size() - 1, e = inShape.size() - 1; d >= 0;
       --d, --e) {
    int64_t coord = outIndex % outShape[d];
    outIndex /= outShape[d];
    if (e < 0)
      continue;
    if (inShape[e] != 1)
      inIndex += coord * inStride;
    inStride *= inShape[e];
  }
  return inIndex;
}

/// True when `inShape` broadcasts to `outShape` (trailing dims equal or 1).
bool broadcastsTo(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape) {
  if (inShape.size() > outShape.size())
    return false;
  for (auto [in, out] : llvm::zip(llvm::reverse(inShape), llvm::reverse(outShape)))
    if (in != 1 && in != out)
      return false;
  return true;
}

using ElementFn = std::function<std::optional<double>(ArrayRef<double>)>;
using IntElementFn = std::function<std::optional<int64_t>(ArrayRef<int64_t>)>;

/// Folds an elementwise op over broadcast constant operands. `floatFn` runs
/// when the operands are floats, `intFn` when they are integers.
Attribute foldElementwise(Operation *op, ArrayRef<Attribute> operands,
                          const ElementFn &floatFn, const IntElementFn &intFn) {
  RankedTensorType resultType = foldableType(op->getResult(0).getType());
  if (!resultType)
    return nullptr;
  SmallVector<ConstValues> inputs;
  for (Attribute attr : operands) {
    std::optional<ConstValues> values = readValues(attr);
    if (!values)
      return nullptr;
    inputs.push_back(std::move(*values));
  }
  // ONNX's type variables make the operands agree; an op that does not
  // (mixed IR from elsewhere) is left alone rather than misread.
  bool isFloat = inputs[0].isFloat;
  for (const ConstValues &in : inputs)
    if (in.isFloat != isFloat)
      return nullptr;
  ArrayRef<int64_t> shape = resultType.getShape();
  for (const ConstValues &in : inputs)
    if (!broadcastsTo(in.shape, shape))
      return nullptr;
  ConstValues result;
  result.isFloat = isFloat && floatFn;
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    if (isFloat) {
      SmallVector<double> args;
      for (const ConstValues &in : inputs)
        args.push_back(in.asDouble(broadcastIndex(shape, in.shape, i)));
      if (!floatFn)
        return nullptr;
      std::optional<double> v = floatFn(args);
      if (!v)
        return nullptr;
      result.floats.push_back(*v);
    } else {
      SmallVector<int64_t> args;
      for (const ConstValues &in : inputs)
        args.push_back(in.asInt(broadcastIndex(shape, in.shape, i)));
      if (!intFn)
        return nullptr;
      std::optional<int64_t> v = intFn(args);
      if (!v)
        return nullptr;
      result.ints.push_back(*v);
    }
  }
  // Comparisons of floats give i1 results from a float computation;
  // makeElements converts.
  return makeElements(resultType, result);
}

/// Reshapes a constant into the (static) result type without changing its
/// elements.
Attribute foldReshapeLike(Operation *op, Attribute data) {
  RankedTensorType resultType = foldableType(op->getResult(0).getType());
  if (!resultType)
    return nullptr;
  auto elements = dyn_cast_or_null<ElementsAttr>(data);
  if (!elements || elements.getNumElements() != resultType.getNumElements() ||
      elements.getElementType() != resultType.getElementType())
    return nullptr;
  DenseElementsAttr dense = toDenseElements(elements);
  return dense ? dense.reshape(resultType) : nullptr;
}

} // namespace

// ConstantLike ops must always fold: m_Constant reads the first fold
// result without checking, so every value form is turned into an attribute.
OpFoldResult ConstantOp::fold(FoldAdaptor) {
  return getConstantOpValue(*this);
}

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto data = getRankedType(getData());
  auto resultType = dyn_cast<RankedTensorType>(getType());
  if (!data || !resultType || !resultType.hasStaticShape())
    return nullptr;
  int64_t rank = data.getRank();
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t start = clampIndex(getStart());
  int64_t end = getEnd() ? clampIndex(*getEnd()) : rank;
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i) {
    if (data.isDynamicDim(i))
      return nullptr;
    dims.push_back(data.getDimSize(i));
  }
  return DenseElementsAttr::get(resultType, ArrayRef(dims));
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto data = getRankedType(getData());
  auto resultType = dyn_cast<RankedTensorType>(getType());
  if (!data || !data.hasStaticShape() || !resultType)
    return nullptr;
  return DenseElementsAttr::get(resultType, {data.getNumElements()});
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return foldElementwise(
      *this, {adaptor.getInput()},
      [](ArrayRef<double> v) -> std::optional<double> { return v[0]; },
      [](ArrayRef<int64_t> v) -> std::optional<int64_t> { return v[0]; });
}

#define ONNXC_FOLD_BINARY(OP, EXPR, INT_GUARD)                                 \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldElementwise(                                                    \
        *this, {adaptor.getA(), adaptor.getB()},                               \
        [](ArrayRef<double> v) -> std::optional<double> {                      \
          double a = v[0], b = v[1];                                           \
          return EXPR;                                                         \
        },                                                                     \
        [](ArrayRef<int64_t> v) -> std::optional<int64_t> {                    \
          int64_t a = v[0], b = v[1];                                          \
          if (!(INT_GUARD))                                                    \
            return std::nullopt;                                               \
          return EXPR;                                                         \
        });                                                                    \
  }
ONNXC_FOLD_BINARY(AddOp, a + b, true)
ONNXC_FOLD_BINARY(SubOp, a - b, true)
ONNXC_FOLD_BINARY(MulOp, a * b, true)
ONNXC_FOLD_BINARY(DivOp, a / b, b != 0)
ONNXC_FOLD_BINARY(EqualOp, a == b, true)
ONNXC_FOLD_BINARY(LessOp, a < b, true)
ONNXC_FOLD_BINARY(GreaterOp, a > b, true)
#undef ONNXC_FOLD_BINARY

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(
      *this, {adaptor.getX()},
      [](ArrayRef<double> v) -> std::optional<double> { return -v[0]; },
      [](ArrayRef<int64_t> v) -> std::optional<int64_t> { return -v[0]; });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(
      *this, {adaptor.getX()},
      [](ArrayRef<double> v) -> std::optional<double> { return std::abs(v[0]); },
      [](ArrayRef<int64_t> v) -> std::optional<int64_t> {
        return std::abs(v[0]);
      });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(
      *this, {adaptor.getX()}, nullptr,
      [](ArrayRef<int64_t> v) -> std::optional<int64_t> { return !v[0]; });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(
      *this, adaptor.getData_0(),
      [](ArrayRef<double> v) -> std::optional<double> {
        return *llvm::max_element(v);
      },
      [](ArrayRef<int64_t> v) -> std::optional<int64_t> {
        return *llvm::max_element(v);
      });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(
      *this, adaptor.getData_0(),
      [](ArrayRef<double> v) -> std::optional<double> {
        return *llvm::min_element(v);
      },
      [](ArrayRef<int64_t> v) -> std::optional<int64_t> {
        return *llvm::min_element(v);
      });
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // The condition is bool while X and Y may be floats: select from the
  // values as they are instead of through one element kind.
  RankedTensorType resultType = foldableType(getType());
  std::optional<ConstValues> cond = readValues(adaptor.getCondition());
  std::optional<ConstValues> x = readValues(adaptor.getX());
  std::optional<ConstValues> y = readValues(adaptor.getY());
  if (!resultType || !cond || !x || !y || cond->isFloat ||
      x->isFloat != y->isFloat ||
      !broadcastsTo(cond->shape, resultType.getShape()) ||
      !broadcastsTo(x->shape, resultType.getShape()) ||
      !broadcastsTo(y->shape, resultType.getShape()))
    return nullptr;
  ConstValues result;
  result.isFloat = x->isFloat;
  ArrayRef<int64_t> shape = resultType.getShape();
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    const ConstValues &from =
        cond->ints[broadcastIndex(shape, cond->shape, i)] ? *x : *y;
    int64_t j = broadcastIndex(shape, from.shape, i);
    if (result.isFloat)
      result.floats.push_back(from.floats[j]);
    else
      result.ints.push_back(from.ints[j]);
  }
  return makeElements(resultType, result);
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getRankedType(getInput()) &&
      getRankedType(getInput()).hasStaticShape())
    return getInput();
  // Only small inputs are viewed: a splat weight is rare, copying one is not.
  auto input = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  DenseElementsAttr dense;
  if (input && input.getNumElements() <= kMaxFoldedElements)
    dense = toDenseElements(input);
  RankedTensorType resultType = foldableType(getType(), /*splat=*/true);
  if (dense && resultType && dense.isSplat())
    return DenseElementsAttr::get(resultType, dense.getSplatValue<Attribute>());
  return foldElementwise(
      *this, {adaptor.getInput()},
      [](ArrayRef<double> v) -> std::optional<double> { return v[0]; },
      [](ArrayRef<int64_t> v) -> std::optional<int64_t> { return v[0]; });
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  RankedTensorType resultType = foldableType(getType(), /*splat=*/true);
  if (!resultType)
    return nullptr;
  if (std::optional<ElementsAttr> value = getValue()) {
    TypedAttr fill = getSingleElement(*value);
    if (!fill || fill.getType() != resultType.getElementType())
      return nullptr;
    return DenseElementsAttr::get(resultType, fill);
  }
  if (!resultType.getElementType().isF32())
    return nullptr;
  return DenseElementsAttr::get(resultType, 0.0f);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getData().getType() == getType() && getRankedType(getData()) &&
      getRankedType(getData()).hasStaticShape())
    return getData();
  return foldReshapeLike(*this, adaptor.getData());
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getData());
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getData());
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  RankedTensorType resultType = foldableType(getType());
  if (!resultType)
    return nullptr;
  int64_t rank = resultType.getRank();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  if (axis < 0 || axis >= rank)
    return nullptr;
  SmallVector<ConstValues> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    std::optional<ConstValues> values = readValues(attr);
    if (!values || static_cast<int64_t>(values->shape.size()) != rank)
      return nullptr;
    if (!inputs.empty() && values->isFloat != inputs[0].isFloat)
      return nullptr;
    inputs.push_back(std::move(*values));
  }
  if (inputs.empty())
    return nullptr;
  // Copy blocks of the inner (post-axis) elements, input by input.
  int64_t outer = product(resultType.getShape().take_front(axis));
  for (const ConstValues &in : inputs)
    if (outer * product(ArrayRef(in.shape).drop_front(axis)) != in.size())
      return nullptr;
  ConstValues result;
  result.isFloat = inputs[0].isFloat;
  for (int64_t o = 0; o < outer; ++o) {
    for (const ConstValues &in : inputs) {
      int64_t block = product(ArrayRef(in.shape).drop_front(axis));
      for (int64_t i = 0; i < block; ++i) {
        if (result.isFloat)
          result.floats.push_back(in.floats[o * block + i]);
        else
          result.ints.push_back(in.ints[o * block + i]);
      }
    }
  }
  return makeElements(resultType, result);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  RankedTensorType resultType = foldableType(getType());
  std::optional<ConstValues> data = readValues(adaptor.getData());
  std::optional<ConstValues> indices = readValues(adaptor.getIndices());
  if (!resultType || !data || !indices || indices->isFloat ||
      data->shape.empty())
    return nullptr;
  int64_t rank = data->shape.size();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  if (axis < 0 || axis >= rank)
    return nullptr;
  int64_t outer = product(ArrayRef(data->shape).take_front(axis));
  int64_t dim = data->shape[axis];
  int64_t inner = product(ArrayRef(data->shape).drop_front(axis + 1));
  ConstValues result;
  result.isFloat = data->isFloat;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t idx = 0; idx < indices->size(); ++idx) {
      int64_t j = indices->ints[idx];
      if (j < 0)
        j += dim;
      if (j < 0 || j >= dim)
        return nullptr;
      for (int64_t i = 0; i < inner; ++i) {
        int64_t src = (o * dim + j) * inner + i;
        if (result.isFloat)
          result.floats.push_back(data->floats[src]);
        else
          result.ints.push_back(data->ints[src]);
      }
    }
  }
  return makeElements(resultType, result);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  RankedTensorType resultType = foldableType(getType());
  std::optional<ConstValues> data = readValues(adaptor.getData());
  std::optional<SmallVector<int64_t>> starts = getConstantInts(getStarts());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (!isNone(getAxes()) && !(axes = getConstantInts(getAxes())))
    return nullptr;
  if (!isNone(getSteps()) && !(steps = getConstantInts(getSteps())))
    return nullptr;
  if (!resultType || !data || !starts ||
      (axes && axes->size() != starts->size()) ||
      (steps && steps->size() != starts->size()))
    return nullptr;
  int64_t rank = data->shape.size();
  if (resultType.getRank() != rank)
    return nullptr;
  SmallVector<int64_t> start(rank, 0), step(rank, 1);
  for (size_t i = 0; i < starts->size(); ++i) {
    int64_t axis = axes ? (*axes)[i] : static_cast<int64_t>(i);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return nullptr;
    int64_t dim = data->shape[axis];
    step[axis] = steps ? (*steps)[i] : 1;
    if (step[axis] == 0)
      return nullptr;
    int64_t s = (*starts)[i] < 0 ? (*starts)[i] + dim : (*starts)[i];
    start[axis] = step[axis] < 0 ? std::clamp<int64_t>(s, -1, dim - 1)
                                 : std::clamp<int64_t>(s, 0, dim);
  }
  ConstValues result;
  result.isFloat = data->isFloat;
  ArrayRef<int64_t> outShape = resultType.getShape();
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    int64_t rest = i, src = 0, stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t coord = rest % outShape[d];
      rest /= outShape[d];
      int64_t at = start[d] + coord * step[d];
      if (at < 0 || at >= data->shape[d])
        return nullptr;
      src += at * stride;
      stride *= data->shape[d];
    }
    if (result.isFloat)
      result.floats.push_back(data->floats[src]);
    else
      result.ints.push_back(data->ints[src]);
  }
  return makeElements(resultType, result);
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  RankedTensorType resultType = foldableType(getType());
  std::optional<ConstValues> start = readValues(adaptor.getStart());
  std::optional<ConstValues> delta = readValues(adaptor.getDelta());
  if (!resultType || !start || !delta || start->size() != 1 ||
      delta->size() != 1 || start->isFloat != delta->isFloat)
    return nullptr;
  ConstValues result;
  result.isFloat = start->isFloat;
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    if (result.isFloat)
      result.floats.push_back(start->floats[0] + i * delta->floats[0]);
    else
      result.ints.push_back(start->ints[0] + i * delta->ints[0]);
  }
  return makeElements(resultType, result);
}

} // namespace onnxc::onnx_ir
