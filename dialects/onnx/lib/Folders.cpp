//===- Folders.cpp - Folders of onnx ops that compute nothing -------------===//
//
// Only the folds that need no arithmetic live here: constants, identities,
// Shape and Size of static tensors, reshapes of constants and splats. Every
// op whose operands are all constants, Add and Mod as much as Gather and
// Where, is folded by one general mechanism instead,
// onnxc::ConstantEvaluator (lib/Transforms/Graph), which the shape
// inference pass runs on each op these folders leave: it evaluates the
// op's own lowering, so folded values are what the compiled code computes.
// Results are only materialized when their type is static and they are
// small (or a splat), so folding never copies weights.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

constexpr int64_t kMaxFoldedElements = 4096;

/// The result type if folding into it is allowed: static and small.
RankedTensorType foldableType(Type type, bool splat = false) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return nullptr;
  if (!splat && ranked.getNumElements() > kMaxFoldedElements)
    return nullptr;
  return ranked;
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

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return nullptr;
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getRankedType(getInput()) &&
      getRankedType(getInput()).hasStaticShape())
    return getInput();
  // A splat of any size (ConstantEvaluator stops at small results). Only
  // small inputs are viewed: a splat weight is rare, copying one is not.
  auto input = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  DenseElementsAttr dense;
  if (input && input.getNumElements() <= kMaxFoldedElements)
    dense = toDenseElements(input);
  RankedTensorType resultType = foldableType(getType(), /*splat=*/true);
  if (dense && resultType && dense.isSplat() &&
      dense.getElementType() == resultType.getElementType())
    return DenseElementsAttr::get(resultType, dense.getSplatValue<Attribute>());
  return nullptr;
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

} // namespace onnxc::onnx_ir
