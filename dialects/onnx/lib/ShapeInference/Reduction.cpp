//===- Reduction.cpp - Shape inference of reductions, ArgMax and TopK -----===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// Reduce* since opset 18: axes is an optional input; without it all axes
/// are reduced, unless noop_with_empty_axes makes the op an identity.
template <typename ReduceOp>
LogicalResult inferReduce(ReduceOp op) {
  Type elementType = getElementType(op.getData());
  auto data = getRankedType(op.getData());
  if (!data) {
    setUnrankedResultType(op, 0, elementType);
    return success();
  }
  int64_t rank = data.getRank();
  SmallVector<bool> reduced(rank, false);
  if (isNone(op.getAxes())) {
    if (op.getNoopWithEmptyAxes())
      return inferSameAsFirstOperand(op);
    reduced.assign(rank, true);
  } else {
    std::optional<SmallVector<int64_t>> axes = getConstantInts(op.getAxes());
    if (!axes) {
      // Which axes are reduced is known only at run time; without keepdims
      // the rank is still known when the number of axes is (ONNX's axes
      // are unique): rank - L, or 0 for all of them when L is 0.
      auto axesType = getRankedType(op.getAxes());
      if (op.getKeepdims())
        setResultType(op, 0, SmallVector<int64_t>(rank, kDynamic),
                      elementType);
      else if (axesType && axesType.getRank() == 1 &&
               !axesType.isDynamicDim(0) && axesType.getDimSize(0) > 0 &&
               axesType.getDimSize(0) <= rank)
        setResultType(op, 0,
                      SmallVector<int64_t>(rank - axesType.getDimSize(0),
                                           kDynamic),
                      elementType);
      else
        setUnrankedResultType(op, 0, elementType);
      return success();
    }
    if (axes->empty() && op.getNoopWithEmptyAxes())
      return inferSameAsFirstOperand(op);
    if (axes->empty())
      reduced.assign(rank, true);
    for (int64_t axis : *axes) {
      FailureOr<int64_t> normalized = normalizeAxis(op, axis, rank, "axis");
      if (failed(normalized))
        return failure();
      reduced[*normalized] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      shape.push_back(data.getDimSize(i));
    else if (op.getKeepdims())
      shape.push_back(1);
  }
  setResultType(op, 0, shape, elementType);
  return success();
}

template <typename ArgOp>
LogicalResult inferArgReduce(ArgOp op) {
  Type i64 = IntegerType::get(op.getContext(), 64);
  auto data = getRankedType(op.getData());
  if (!data) {
    setUnrankedResultType(op, 0, i64);
    return success();
  }
  FailureOr<int64_t> axis =
      normalizeAxis(op, op.getAxis(), data.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(data.getShape());
  if (op.getKeepdims())
    shape[*axis] = 1;
  else
    shape.erase(shape.begin() + *axis);
  setResultType(op, 0, shape, i64);
  return success();
}

} // namespace

#define ONNXC_REDUCE_OP(NAME)                                                  \
  LogicalResult NAME##Op::inferShapes() { return inferReduce(*this); }
ONNXC_REDUCE_OP(ReduceL1)
ONNXC_REDUCE_OP(ReduceL2)
ONNXC_REDUCE_OP(ReduceLogSum)
ONNXC_REDUCE_OP(ReduceLogSumExp)
ONNXC_REDUCE_OP(ReduceMax)
ONNXC_REDUCE_OP(ReduceMean)
ONNXC_REDUCE_OP(ReduceMin)
ONNXC_REDUCE_OP(ReduceProd)
ONNXC_REDUCE_OP(ReduceSum)
ONNXC_REDUCE_OP(ReduceSumSquare)
#undef ONNXC_REDUCE_OP

LogicalResult ArgMaxOp::inferShapes() { return inferArgReduce(*this); }
LogicalResult ArgMinOp::inferShapes() { return inferArgReduce(*this); }

LogicalResult TopKOp::inferShapes() {
  Type elementType = getElementType(getX());
  Type i64 = IntegerType::get(getContext(), 64);
  auto x = getRankedType(getX());
  if (!x) {
    setUnrankedResultType(*this, 0, elementType);
    setUnrankedResultType(*this, 1, i64);
    return success();
  }
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), x.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(x.getShape());
  std::optional<SmallVector<int64_t>> k = getConstantInts(getK());
  if (k && k->size() != 1)
    return emitOpError("K must hold a single value");
  if (k && shape[*axis] != kDynamic && ((*k)[0] < 0 || (*k)[0] > shape[*axis]))
    return emitOpError() << "K = " << (*k)[0] << " is outside [0, "
                         << shape[*axis] << "]";
  shape[*axis] = k ? (*k)[0] : kDynamic;
  setResultType(*this, 0, shape, elementType);
  setResultType(*this, 1, shape, i64);
  return success();
}

} // namespace onnxc::onnx_ir
