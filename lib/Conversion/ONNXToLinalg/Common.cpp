//===- Common.cpp - Helpers shared by the ONNXToLinalg patterns -----------===//

#include "Common.h"

#include "ComputeTypes.h"

#include "onnxc/Dialect/ONNX/Locations.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

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

void emitDimCheck(OpBuilder &b, Location loc, Operation *op,
                  OpFoldResult actual, OpFoldResult expected,
                  const llvm::Twine &what) {
  std::optional<int64_t> a = getConstantIntValue(actual);
  std::optional<int64_t> e = getConstantIntValue(expected);
  if (a && e)
    return;
  Value equal = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      getValueOrCreateConstantIndexOp(b, loc, actual),
      getValueOrCreateConstantIndexOp(b, loc, expected));
  emitCheck(b, loc, op, equal, what);
}

void emitCheck(OpBuilder &b, Location loc, Operation *op, Value condition,
               const llvm::Twine &what) {
  std::string node = onnx_ir::describeLocation(op->getLoc());
  std::string message =
      ((node.empty() ? std::string("node '?'") : node) + " (" +
       op->getName().stripDialect() + "): " + what)
          .str();
  cf::AssertOp::create(b, loc, condition, message);
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

Value buildIndexedGeneric(
    OpBuilder &b, Location loc, Value init,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> element) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank();
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{}, init, b.getMultiDimIdentityMap(rank),
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> indices;
               for (int64_t d = 0; d < rank; ++d)
                 indices.push_back(linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(nb, l, element(nb, l, indices));
             })
      .getResult(0);
}

SmallVector<Value, 4> cubicConvolutionWeights(OpBuilder &b, Location loc,
                                              Value t, double a) {
  Type type = t.getType();
  auto c = [&](double v) { return scalarConstant(b, loc, type, v); };
  auto add = [&](Value x, Value y) { return arith::AddFOp::create(b, loc, x, y).getResult(); };
  auto sub = [&](Value x, Value y) { return arith::SubFOp::create(b, loc, x, y).getResult(); };
  auto mul = [&](Value x, Value y) { return arith::MulFOp::create(b, loc, x, y).getResult(); };
  // Distance d of the tap: ((a d - 5a) d + 8a) d - 4a for 1 <= d <= 2,
  // ((a + 2) d - (a + 3)) d d + 1 for d <= 1.
  auto outer = [&](Value d) {
    return sub(mul(add(mul(sub(mul(c(a), d), c(5 * a)), d), c(8 * a)), d),
               c(4 * a));
  };
  auto inner = [&](Value d) {
    return add(mul(mul(sub(mul(c(a + 2), d), c(a + 3)), d), d), c(1));
  };
  Value one = c(1);
  return {outer(add(t, one)), inner(t), inner(sub(one, t)),
          outer(sub(c(2), t))};
}

Value zeroAccumulator(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                      Type type, ValueRange sizes) {
  Value init = tensor::EmptyOp::create(b, loc, shape, type, sizes);
  Value zero = scalarConstant(b, loc, type, 0);
  return linalg::FillOp::create(b, loc, zero, init).getResult(0);
}

CenteredMoments computeCenteredMoments(OpBuilder &b, Location loc, Value x,
                                       ArrayRef<bool> reduced, Type accType) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  int64_t staticCount = 1;
  Value dynamicCount = dynamicDimProduct(b, loc, x, reduced, staticCount);
  double count = staticCount;
  Value dynamicInverse;
  if (dynamicCount)
    dynamicInverse = arith::DivFOp::create(
        b, loc, scalarConstant(b, loc, accType, 1.0),
        indexToFloat(b, loc, dynamicCount, staticCount, accType));
  for (int64_t d = 0; d < rank; ++d) {
    shape.push_back(reduced[d] ? 1 : type.getDimSize(d));
    if (!reduced[d] && type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, x, d));
    keptExprs.push_back(reduced[d] ? getAffineConstantExpr(0, ctx)
                                   : getAffineDimExpr(d, ctx));
    iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
  }
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap kept = AffineMap::get(rank, 0, keptExprs, ctx);
  auto keptType = RankedTensorType::get(shape, accType);

  // Pass 1: the estimate m~ = sum(x) / count, kept as the sum.
  Value sum =
      linalg::GenericOp::create(
          b, loc, keptType, x, zeroAccumulator(b, loc, shape, accType, sizes),
          {identity, kept}, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value v = toComputeType(nb, nl, args[0], accType);
            Value sum = arith::AddFOp::create(nb, nl, args[1], v);
            linalg::YieldOp::create(nb, nl, sum);
          })
          .getResult(0);
  // c = x - m~: close values, so the subtraction is exact or nearly so.
  auto accFull = RankedTensorType::get(type.getShape(), accType);
  Value centered =
      linalg::GenericOp::create(
          b, loc, accFull, ValueRange{x, sum}, emptyLike(b, loc, accFull, x),
          {identity, kept, identity},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value inverse =
                dynamicInverse ? dynamicInverse
                               : scalarConstant(nb, nl, accType, 1.0 / count);
            Value mean = arith::MulFOp::create(nb, nl, args[1], inverse);
            Value v = toComputeType(nb, nl, args[0], accType);
            Value c = arith::SubFOp::create(nb, nl, v, mean);
            linalg::YieldOp::create(nb, nl, c);
          })
          .getResult(0);
  // Pass 2: sum(c) and sum(c^2), as two single-result reductions: LLVM keeps
  // one accumulator in registers and vectorizes, not two in memory.
  auto sumOf = [&](bool square) {
    return linalg::GenericOp::create(
               b, loc, keptType, centered,
               zeroAccumulator(b, loc, shape, accType, sizes), {identity, kept},
               iterators,
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value c = args[0];
                 if (square)
                   c = arith::MulFOp::create(nb, nl, c, c);
                 Value sum = arith::AddFOp::create(nb, nl, args[1], c);
                 linalg::YieldOp::create(nb, nl, sum);
               })
        .getResult(0);
  };
  Value sumCentered = sumOf(/*square=*/false);
  Value sumSquares = sumOf(/*square=*/true);
  return {centered, sumCentered, sumSquares, sum, count, dynamicInverse};
}

Value CenteredMoments::inverseCount(OpBuilder &b, Location loc) const {
  if (dynamicInverseCount)
    return dynamicInverseCount;
  Type type = cast<RankedTensorType>(sum.getType()).getElementType();
  return scalarConstant(b, loc, type, 1.0 / count);
}

Value dynamicDimProduct(OpBuilder &b, Location loc, Value x,
                        ArrayRef<bool> dims, int64_t &staticProduct) {
  auto type = cast<RankedTensorType>(x.getType());
  staticProduct = 1;
  Value product;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!dims[d])
      continue;
    if (!type.isDynamicDim(d)) {
      staticProduct *= type.getDimSize(d);
      continue;
    }
    Value dim = tensor::DimOp::create(b, loc, x, d);
    product = product ? Value(arith::MulIOp::create(b, loc, product, dim)) : dim;
  }
  return product;
}

Value indexToFloat(OpBuilder &b, Location loc, Value index, int64_t factor,
                   Type type) {
  if (factor != 1)
    index = arith::MulIOp::create(b, loc, index,
                                  arith::ConstantIndexOp::create(b, loc, factor));
  Value i64 = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), index);
  return arith::UIToFPOp::create(b, loc, type, i64);
}

std::pair<Value, Value> normalizationStats(OpBuilder &b, Location loc,
                                           Value sum, Value sumSquares,
                                           const CenteredMoments &moments) {
  Value invCount = moments.inverseCount(b, loc);
  Value offset = arith::MulFOp::create(b, loc, sum, invCount);
  Value meanSquare = arith::MulFOp::create(b, loc, sumSquares, invCount);
  Value variance = arith::SubFOp::create(
      b, loc, meanSquare, arith::MulFOp::create(b, loc, offset, offset));
  variance = arith::MaximumFOp::create(
      b, loc, variance, scalarConstant(b, loc, sum.getType(), 0.0));
  return {offset, variance};
}

std::pair<Value, Value> normalizationStats(OpBuilder &b, Location loc,
                                           Value sum, Value sumSquares,
                                           double count) {
  Type type = sum.getType();
  Value invCount = scalarConstant(b, loc, type, 1.0 / count);
  Value offset = arith::MulFOp::create(b, loc, sum, invCount);
  Value meanSquare = arith::MulFOp::create(b, loc, sumSquares, invCount);
  Value variance = arith::SubFOp::create(
      b, loc, meanSquare, arith::MulFOp::create(b, loc, offset, offset));
  variance = arith::MaximumFOp::create(b, loc, variance,
                                       scalarConstant(b, loc, type, 0.0));
  return {offset, variance};
}

} // namespace onnxc::linalg_lowering
