//===- Common.cpp - Helpers shared by the ONNXToLinalg patterns -----------===//

#include "Common.h"

#include "ComputeTypes.h"

#include <limits>

using namespace mlir;

namespace onnxc::linalg_lowering {

Value emptyLike(OpBuilder &b, Location loc, RankedTensorType type, Value like) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType(), sizes);
}

AffineMap getBroadcastMap(RankedTensorType operandType,
                          ArrayRef<int64_t> resultShape, MLIRContext *ctx) {
  int64_t rank = resultShape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < operandType.getRank(); ++i) {
    int64_t d = i + rank - operandType.getRank();
    bool broadcast = operandType.getDimSize(i) == 1 && resultShape[d] != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(d, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   TypedAttr value) {
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, Value value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t spatial = type.getRank() - 2;
  SmallVector<OpFoldResult> low(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(type.getRank(), b.getIndexAttr(0));
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t i = 0; i < spatial; ++i) {
    low[i + 2] = b.getIndexAttr(pads[i]);
    high[i + 2] = b.getIndexAttr(pads[i + spatial]);
    if (!ShapedType::isDynamic(shape[i + 2]))
      shape[i + 2] += pads[i] + pads[i + spatial];
  }
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input, low, high, value);
}

bool isSupportedElement(Type t) {
  return isa<FloatType>(t) || (isa<IntegerType>(t) && !t.isInteger(1));
}

Type accumulatorType(OpBuilder &, Type element) {
  return getComputeType(element);
}

TypedAttr getMaxMinIdentity(Type element, bool forMax) {
  Type type = getComputeType(element);
  if (isa<FloatType>(type)) {
    double inf = std::numeric_limits<double>::infinity();
    return FloatAttr::get(type, forMax ? -inf : inf);
  }
  unsigned width = type.getIntOrFloatBitWidth();
  APInt bound = element.isUnsignedInteger()
                    ? (forMax ? APInt::getMinValue(width)
                              : APInt::getMaxValue(width))
                    : (forMax ? APInt::getSignedMinValue(width)
                              : APInt::getSignedMaxValue(width));
  return IntegerAttr::get(type, bound);
}

Value maxScalar(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  if (isUnsigned)
    return arith::MaxUIOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value minScalar(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc, x, y);
  if (isUnsigned)
    return arith::MinUIOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}

Value castTensor(OpBuilder &b, Location loc, Value acc, RankedTensorType type) {
  return fromComputeTensor(b, loc, acc, type);
}

Value zeroAccumulator(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                      Type type, ValueRange sizes) {
  Value init = tensor::EmptyOp::create(b, loc, shape, type, sizes);
  Value zero = scalarConstant(b, loc, type, 0);
  return linalg::FillOp::create(b, loc, zero, init).getResult(0);
}

} // namespace onnxc::linalg_lowering
