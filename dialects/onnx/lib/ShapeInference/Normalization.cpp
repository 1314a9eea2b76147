//===- Normalization.cpp - Shape inference of normalization ops -----------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {

LogicalResult BatchNormalizationOp::inferShapes() {
  getY().setType(getX().getType());
  auto x = getRankedType(getX());
  if (x && x.getRank() < 2)
    return emitOpError("X must have rank 2 or more (N, C, ...)");
  for (unsigned i = 1; i < 3; ++i) {
    Type elementType = getElementType(getInputMean());
    if (x)
      setResultType(*this, i, {x.getDimSize(1)}, elementType);
    else
      setUnrankedResultType(*this, i, elementType);
  }
  return success();
}

LogicalResult LayerNormalizationOp::inferShapes() {
  getY().setType(getX().getType());
  auto x = getRankedType(getX());
  Type statsType = getStashType() == 1 ? Float32Type::get(getContext())
                                       : getElementType(getX());
  if (!x) {
    setUnrankedResultType(*this, 1, statsType);
    setUnrankedResultType(*this, 2, statsType);
    return success();
  }
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), x.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> statsShape(x.getShape());
  std::fill(statsShape.begin() + *axis, statsShape.end(), 1);
  setResultType(*this, 1, statsShape, statsType);
  setResultType(*this, 2, statsShape, statsType);
  return success();
}

} // namespace onnxc::onnx_ir
