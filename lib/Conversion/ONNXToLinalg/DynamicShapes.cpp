//===- DynamicShapes.cpp - Sizes known only at run time -------------------===//

#include "DynamicShapes.h"
#include "Common.h"

#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace onnxc::linalg_lowering {

OpFoldResult dimOf(OpBuilder &b, Location loc, Value t, int64_t d) {
  auto type = cast<RankedTensorType>(t.getType());
  if (!type.isDynamicDim(d))
    return b.getIndexAttr(type.getDimSize(d));
  return tensor::DimOp::create(b, loc, t, d).getResult();
}

SmallVector<OpFoldResult> dimsOf(OpBuilder &b, Location loc, Value t) {
  SmallVector<OpFoldResult> dims;
  for (int64_t d = 0; d < cast<RankedTensorType>(t.getType()).getRank(); ++d)
    dims.push_back(dimOf(b, loc, t, d));
  return dims;
}

namespace {

/// Applies `fold` when both operands are constants, else builds `Op`.
template <typename Op>
OpFoldResult binary(OpBuilder &b, Location loc, OpFoldResult x, OpFoldResult y,
                    llvm::function_ref<int64_t(int64_t, int64_t)> fold) {
  std::optional<int64_t> cx = getConstantIntValue(x);
  std::optional<int64_t> cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getIndexAttr(fold(*cx, *cy));
  return Op::create(b, loc, getValueOrCreateConstantIndexOp(b, loc, x),
                    getValueOrCreateConstantIndexOp(b, loc, y))
      .getResult();
}

bool isConstant(OpFoldResult x, int64_t value) {
  std::optional<int64_t> c = getConstantIntValue(x);
  return c && *c == value;
}

} // namespace

OpFoldResult addIndex(OpBuilder &b, Location loc, OpFoldResult x,
                      OpFoldResult y) {
  if (isConstant(x, 0))
    return y;
  if (isConstant(y, 0))
    return x;
  return binary<arith::AddIOp>(b, loc, x, y,
                               [](int64_t p, int64_t q) { return p + q; });
}

OpFoldResult subIndex(OpBuilder &b, Location loc, OpFoldResult x,
                      OpFoldResult y) {
  if (isConstant(y, 0))
    return x;
  return binary<arith::SubIOp>(b, loc, x, y,
                               [](int64_t p, int64_t q) { return p - q; });
}

OpFoldResult mulIndex(OpBuilder &b, Location loc, OpFoldResult x,
                      OpFoldResult y) {
  if (isConstant(x, 1))
    return y;
  if (isConstant(y, 1))
    return x;
  return binary<arith::MulIOp>(b, loc, x, y,
                               [](int64_t p, int64_t q) { return p * q; });
}

OpFoldResult floorDivIndex(OpBuilder &b, Location loc, OpFoldResult x,
                           OpFoldResult y) {
  if (isConstant(y, 1))
    return x;
  return binary<arith::FloorDivSIOp>(
      b, loc, x, y, [](int64_t p, int64_t q) { return llvm::divideFloorSigned(p, q); });
}

OpFoldResult ceilDivIndex(OpBuilder &b, Location loc, OpFoldResult x,
                          OpFoldResult y) {
  if (isConstant(y, 1))
    return x;
  return binary<arith::CeilDivSIOp>(
      b, loc, x, y, [](int64_t p, int64_t q) { return llvm::divideCeilSigned(p, q); });
}

OpFoldResult minIndex(OpBuilder &b, Location loc, OpFoldResult x,
                      OpFoldResult y) {
  return binary<arith::MinSIOp>(
      b, loc, x, y, [](int64_t p, int64_t q) { return std::min(p, q); });
}

OpFoldResult maxIndex(OpBuilder &b, Location loc, OpFoldResult x,
                      OpFoldResult y) {
  return binary<arith::MaxSIOp>(
      b, loc, x, y, [](int64_t p, int64_t q) { return std::max(p, q); });
}

OpFoldResult productIndex(OpBuilder &b, Location loc,
                          ArrayRef<OpFoldResult> sizes) {
  OpFoldResult product = b.getIndexAttr(1);
  for (OpFoldResult size : sizes)
    product = mulIndex(b, loc, product, size);
  return product;
}

OpFoldResult extractIndex(OpBuilder &b, Location loc, Value onnxValue, Value t,
                          int64_t i) {
  if (std::optional<SmallVector<int64_t>> values =
          onnx_ir::getConstantInts(onnxValue))
    if (i < static_cast<int64_t>(values->size()))
      return b.getIndexAttr((*values)[i]);
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<Value> coords;
  if (type.getRank() == 1)
    coords.push_back(arith::ConstantIndexOp::create(b, loc, i));
  Value element = tensor::ExtractOp::create(b, loc, t, coords);
  if (element.getType().isIndex())
    return element;
  // Signless or unsigned integers alike: shapes, pads and starts are int64
  // (or int32) in ONNX.
  auto intType = cast<IntegerType>(element.getType());
  if (!intType.isSignless())
    element = arith::BitcastOp::create(
                  b, loc, b.getIntegerType(intType.getWidth()), element)
                  .getResult();
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), element)
      .getResult();
}

void emitAtMostCheck(OpBuilder &b, Location loc, Operation *op,
                     OpFoldResult x, OpFoldResult bound, const Twine &what) {
  emitDimCheck(b, loc, op, minIndex(b, loc, x, bound), x, what);
}

SmallVector<Value> dynamicSizesOf(OpBuilder &b, Location loc,
                                  RankedTensorType type,
                                  ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, sizes[d]));
  return dynamic;
}

RankedTensorType refineType(RankedTensorType type,
                            ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape(type.getShape());
  for (auto [d, size] : llvm::enumerate(sizes))
    if (shape[d] == ShapedType::kDynamic)
      if (std::optional<int64_t> c = getConstantIntValue(size))
        shape[d] = *c;
  return type.clone(shape);
}

Value reshapeToSizes(OpBuilder &b, Location loc, Operation *op, Value source,
                     RankedTensorType resultType,
                     ArrayRef<OpFoldResult> sizes) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  OpFoldResult total = productIndex(b, loc, dimsOf(b, loc, source));
  emitDimCheck(b, loc, op, productIndex(b, loc, sizes), total,
               "the output's element count (the product of its dims) differs "
               "from the input's");
  int64_t rank = resultType.getRank();
  int64_t dynamicSizes = llvm::count_if(
      sizes, [](OpFoldResult size) { return !getConstantIntValue(size); });
  if (sourceType.getRank() > 0 && rank > 0 && dynamicSizes <= 1) {
    // Through 1-D by collapse_shape and expand_shape, which (unlike
    // tensor.reshape) need no shape buffer and stay views after
    // bufferization. Not for two or more run-time dims in the group, which
    // MLIR's --expand-strided-metadata cannot lower (it crashes).
    Value flat = source;
    if (sourceType.getRank() > 1) {
      ReassociationIndices all;
      for (int64_t d = 0; d < sourceType.getRank(); ++d)
        all.push_back(d);
      int64_t count = sourceType.hasStaticShape() ? sourceType.getNumElements()
                                                  : ShapedType::kDynamic;
      flat = tensor::CollapseShapeOp::create(
          b, loc, sourceType.clone({count}), source,
          SmallVector<ReassociationIndices>{all});
    }
    if (rank == 1)
      return flat.getType() == resultType
                 ? flat
                 : tensor::CastOp::create(b, loc, resultType, flat).getResult();
    if (!resultType.hasStaticShape() &&
        cast<RankedTensorType>(flat.getType()).hasStaticShape())
      flat = tensor::CastOp::create(
          b, loc, sourceType.clone({ShapedType::kDynamic}), flat);
    ReassociationIndices all;
    for (int64_t d = 0; d < rank; ++d)
      all.push_back(d);
    return tensor::ExpandShapeOp::create(
        b, loc, resultType, flat, SmallVector<ReassociationIndices>{all},
        sizes);
  }
  // tensor.reshape with an i64 shape tensor (memref.reshape after
  // bufferization, which copies a source that is not contiguous).
  SmallVector<Value> values;
  for (OpFoldResult size : sizes)
    values.push_back(arith::IndexCastOp::create(
        b, loc, b.getI64Type(),
        getValueOrCreateConstantIndexOp(b, loc, size)));
  auto shapeType = RankedTensorType::get({rank}, b.getI64Type());
  Value shape = tensor::FromElementsOp::create(b, loc, shapeType, values);
  return tensor::ReshapeOp::create(b, loc, resultType, source, shape);
}

} // namespace onnxc::linalg_lowering
