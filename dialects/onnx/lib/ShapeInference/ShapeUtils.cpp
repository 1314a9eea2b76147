//===- ShapeUtils.cpp - Helpers for onnx shape inference ------------------===//

#include "onnxc/Dialect/ONNX/ShapeUtils.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"

using namespace mlir;

namespace onnxc::onnx_ir {

bool isNone(Value v) { return !v || isa<NoneType>(v.getType()); }

RankedTensorType getRankedType(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : nullptr;
}

Type getElementType(Value v) {
  if (auto tensor = dyn_cast_or_null<TensorType>(v ? v.getType() : Type()))
    return tensor.getElementType();
  return nullptr;
}

void setResultType(Operation *op, unsigned index, ArrayRef<int64_t> shape,
                   Type elementType) {
  Value result = op->getResult(index);
  // A null element type comes from an operand that is not a tensor; the
  // verifier reports that operand.
  if (isa<NoneType>(result.getType()) || !elementType)
    return;
  result.setType(RankedTensorType::get(shape, elementType));
}

void setUnrankedResultType(Operation *op, unsigned index, Type elementType) {
  Value result = op->getResult(index);
  if (isa<NoneType>(result.getType()) || !elementType)
    return;
  result.setType(UnrankedTensorType::get(elementType));
}

FailureOr<SmallVector<int64_t>> broadcastShapes(Operation *op,
                                                ArrayRef<int64_t> lhs,
                                                ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t a = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t b = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (a == 1) {
      result[i] = b;
    } else if (b == 1) {
      result[i] = a;
    } else if (a == kDynamic) {
      result[i] = b;
    } else if (b == kDynamic || a == b) {
      result[i] = a;
    } else {
      return op->emitOpError() << "cannot broadcast dimension " << i
                               << ": sizes " << a << " and " << b
                               << " differ and neither is 1";
    }
  }
  return result;
}

FailureOr<int64_t> normalizeAxis(Operation *op, int64_t axis, int64_t rank,
                                 StringRef what) {
  if (axis < -rank || axis >= rank)
    return op->emitOpError() << what << " " << axis
                             << " is out of range for rank " << rank
                             << " (expected [" << -rank << ", " << rank - 1
                             << "])";
  return axis < 0 ? axis + rank : axis;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t d : dims) {
    if (d == kDynamic)
      return kDynamic;
    result *= d;
  }
  return result;
}

LogicalResult inferSameAsFirstOperand(Operation *op) {
  op->getResult(0).setType(op->getOperand(0).getType());
  return success();
}

LogicalResult inferSameShapeAsFirstOperand(Operation *op, Type elementType) {
  if (auto ranked = getRankedType(op->getOperand(0)))
    setResultType(op, 0, ranked.getShape(), elementType);
  else
    setUnrankedResultType(op, 0, elementType);
  return success();
}

LogicalResult inferBroadcast(Operation *op, Type elementType,
                             bool mixedElementTypes) {
  Type firstElementType = getElementType(op->getOperand(0));
  if (!elementType)
    elementType = firstElementType;
  SmallVector<int64_t> shape;
  for (Value operand : op->getOperands()) {
    if (!mixedElementTypes && getElementType(operand) != firstElementType)
      return op->emitOpError()
             << "operands must have the same element type, got "
             << firstElementType << " and " << getElementType(operand);
    auto ranked = getRankedType(operand);
    if (!ranked) {
      setUnrankedResultType(op, 0, elementType);
      return success();
    }
    FailureOr<SmallVector<int64_t>> next =
        broadcastShapes(op, shape, ranked.getShape());
    if (failed(next))
      return failure();
    shape = *next;
  }
  setResultType(op, 0, shape, elementType);
  return success();
}

} // namespace onnxc::onnx_ir
