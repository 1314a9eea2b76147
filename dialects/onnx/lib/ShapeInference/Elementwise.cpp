//===- Elementwise.cpp - Shape inference of elementwise ops ---------------===//
//
// Most elementwise ops infer through the generated families (same as input,
// broadcast); the ones here need more than that.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {

LogicalResult WhereOp::inferShapes() {
  if (getElementType(getX()) != getElementType(getY()))
    return emitOpError() << "X and Y must have the same element type, got "
                         << getElementType(getX()) << " and "
                         << getElementType(getY());
  return inferBroadcast(*this, getElementType(getX()),
                        /*mixedElementTypes=*/true);
}

LogicalResult PowOp::inferShapes() {
  return inferBroadcast(*this, getElementType(getX()),
                        /*mixedElementTypes=*/true);
}

/// Maps an ONNX TensorProto.DataType code to an MLIR element type.
Type getElementTypeForDataType(MLIRContext *ctx, int64_t dataType) {
  Builder b(ctx);
  switch (dataType) {
  case 1: return b.getF32Type();
  case 2: return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case 3: return b.getIntegerType(8);
  case 4: return IntegerType::get(ctx, 16, IntegerType::Unsigned);
  case 5: return b.getIntegerType(16);
  case 6: return b.getIntegerType(32);
  case 7: return b.getIntegerType(64);
  case 9: return b.getI1Type();
  case 10: return b.getF16Type();
  case 11: return b.getF64Type();
  case 12: return IntegerType::get(ctx, 32, IntegerType::Unsigned);
  case 13: return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  case 16: return b.getBF16Type();
  default: return nullptr;
  }
}

LogicalResult EyeLikeOp::inferShapes() {
  Type elementType = getElementType(getInput());
  if (std::optional<int64_t> dtype = getDtype()) {
    elementType = getElementTypeForDataType(getContext(), *dtype);
    if (!elementType)
      return emitOpError() << "unsupported dtype " << *dtype;
  }
  return inferSameShapeAsFirstOperand(*this, elementType);
}

LogicalResult CastOp::inferShapes() {
  Type elementType = getElementTypeForDataType(getContext(), getTo());
  if (!elementType)
    return emitOpError() << "unsupported target data type " << getTo();
  return inferSameShapeAsFirstOperand(*this, elementType);
}

LogicalResult CastLikeOp::inferShapes() {
  return inferSameShapeAsFirstOperand(*this, getElementType(getTargetType()));
}

LogicalResult DropoutOp::inferShapes() {
  getOutput().setType(getData().getType());
  if (isNone(getMask()))
    return success();
  Type i1 = IntegerType::get(getContext(), 1);
  if (auto ranked = getRankedType(getData()))
    setResultType(*this, 1, ranked.getShape(), i1);
  else
    setUnrankedResultType(*this, 1, i1);
  return success();
}

} // namespace onnxc::onnx_ir
