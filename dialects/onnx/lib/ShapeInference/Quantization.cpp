//===- Quantization.cpp - Shape inference of the quantization ops ---------===//
//
// QuantizeLinear and DequantizeLinear keep x's shape; their scale (and zero
// point, of the scale's shape) is a scalar or 1-element 1-D tensor (per
// tensor), a 1-D tensor of x's length along `axis` (per axis), or, with
// block_size > 0, a tensor of x's rank whose length along `axis` is
// ceil(dim / block_size) (blocked). The integer matrix products have
// numpy.matmul's shape.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// Checks the shapes of `scale` and `zeroPoint` (may be none) against `x`.
LogicalResult checkQuantizationParams(Operation *op, Value x, Value scale,
                                      Value zeroPoint, int64_t axis,
                                      int64_t blockSize) {
  if (blockSize < 0)
    return op->emitOpError() << "block_size must be 0 or positive, got "
                             << blockSize;
  auto xType = getRankedType(x);
  auto scaleType = getRankedType(scale);
  if (auto zpType = getRankedType(zeroPoint); zpType && scaleType) {
    if (zpType.getShape() != scaleType.getShape())
      return op->emitOpError()
             << "the zero point's shape " << zpType
             << " differs from the scale's " << scaleType;
  }
  if (!xType || !scaleType)
    return success();
  int64_t rank = xType.getRank();
  bool perTensor = scaleType.getRank() == 0 ||
                   (scaleType.getRank() == 1 && scaleType.getDimSize(0) == 1);
  if (perTensor && blockSize == 0)
    return success();
  FailureOr<int64_t> a = normalizeAxis(op, axis, std::max<int64_t>(rank, 1), "axis");
  if (failed(a))
    return failure();
  int64_t dim = rank == 0 ? 1 : xType.getDimSize(*a);
  if (blockSize == 0) {
    if (scaleType.getRank() != 1)
      return op->emitOpError()
             << "the scale must be a scalar or 1-D (per axis) without "
                "block_size, got rank "
             << scaleType.getRank();
    int64_t n = scaleType.getDimSize(0);
    if (n != kDynamic && dim != kDynamic && n != dim)
      return op->emitOpError()
             << "the per-axis scale has " << n << " elements for dim " << *a
             << " of size " << dim;
    return success();
  }
  if (scaleType.getRank() != rank)
    return op->emitOpError() << "a blocked scale must have x's rank " << rank
                             << ", got rank " << scaleType.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t xd = xType.getDimSize(d), sd = scaleType.getDimSize(d);
    if (xd == kDynamic || sd == kDynamic)
      continue;
    int64_t expected = d == *a ? (xd + blockSize - 1) / blockSize : xd;
    if (sd != expected)
      return op->emitOpError()
             << "the blocked scale's dim " << d << " is " << sd << ", expected "
             << expected << " for x's " << xd
             << (d == *a ? " in blocks of " + std::to_string(blockSize) : "");
  }
  return success();
}

} // namespace

LogicalResult QuantizeLinearOp::inferShapes() {
  if (failed(checkQuantizationParams(*this, getX(), getYScale(),
                                     getYZeroPoint(), getAxis(),
                                     getBlockSize())))
    return failure();
  Type element;
  if (!isNone(getYZeroPoint()))
    element = getElementType(getYZeroPoint());
  else if (getOutputDtype() != 0)
    element = getElementTypeForDataType(getContext(), getOutputDtype());
  else
    element = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  if (!element || !(element.isInteger(8) || element.isInteger(16)))
    return emitOpError() << "unsupported output_dtype " << getOutputDtype()
                         << " (int8, uint8, int16 and uint16 are supported)";
  if (getOutputDtype() != 0 && !isNone(getYZeroPoint()) &&
      getElementTypeForDataType(getContext(), getOutputDtype()) != element)
    return emitOpError() << "output_dtype " << getOutputDtype()
                         << " differs from the zero point's type " << element;
  return inferSameShapeAsFirstOperand(*this, element);
}

LogicalResult DequantizeLinearOp::inferShapes() {
  if (failed(checkQuantizationParams(*this, getX(), getXScale(),
                                     getXZeroPoint(), getAxis(),
                                     getBlockSize())))
    return failure();
  return inferSameShapeAsFirstOperand(*this, getElementType(getXScale()));
}

LogicalResult DynamicQuantizeLinearOp::inferShapes() {
  Type u8 = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  if (auto x = getRankedType(getX()))
    setResultType(*this, 0, x.getShape(), u8);
  else
    setUnrankedResultType(*this, 0, u8);
  setResultType(*this, 1, {}, Float32Type::get(getContext()));
  setResultType(*this, 2, {}, u8);
  return success();
}

LogicalResult MatMulIntegerOp::inferShapes() {
  return inferMatMulShape(*this, getA(), getB(),
                          IntegerType::get(getContext(), 32));
}

LogicalResult QLinearMatMulOp::inferShapes() {
  return inferMatMulShape(*this, getA(), getB(),
                          getElementType(getYZeroPoint()));
}

} // namespace onnxc::onnx_ir
