//===- ConstantUtils.cpp - Reading constant operands ----------------------===//
//
// The one checked way to read constants: every attribute kind an
// onnx.Constant may hold (dense, splat, resource blob, the scalar and list
// forms of value_float(s) / value_int(s)) and every element type goes
// through readConstant(), which refuses what it cannot read instead of
// casting.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace onnxc::onnx_ir {

DenseElementsAttr toDenseElements(ElementsAttr attr) {
  if (!attr)
    return nullptr;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return dense;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return nullptr;
    ArrayRef<char> data = blob->getData();
    auto type = cast<ShapedType>(resource.getType());
    if (!type.hasStaticShape())
      return nullptr;
    // i1 is stored one byte per element; other types are packed.
    if (type.getElementType().isInteger(1)) {
      if (static_cast<int64_t>(data.size()) != type.getNumElements())
        return nullptr;
      SmallVector<bool> bits;
      bits.reserve(data.size());
      for (char c : data)
        bits.push_back(c != 0);
      return DenseElementsAttr::get(type, bits);
    }
    bool isSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, data, isSplat))
      return nullptr;
    return DenseElementsAttr::getFromRawBuffer(type, data);
  }
  return nullptr;
}

ElementsAttr getConstantOpValue(Operation *op) {
  auto constant = dyn_cast_or_null<ConstantOp>(op);
  if (!constant)
    return nullptr;
  if (std::optional<ElementsAttr> value = constant.getValue())
    return *value;
  Builder b(constant.getContext());
  if (std::optional<APFloat> value = constant.getValueFloat())
    return DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                  *value);
  if (std::optional<ArrayRef<float>> values = constant.getValueFloats())
    return DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(values->size())},
                              b.getF32Type()),
        *values);
  if (std::optional<int64_t> value = constant.getValueInt())
    return DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                  *value);
  if (std::optional<ArrayRef<int64_t>> values = constant.getValueInts())
    return DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(values->size())},
                              b.getI64Type()),
        *values);
  return nullptr;
}

double ConstantValues::asDouble(int64_t i) const {
  if (isFloat)
    return floats[i];
  if (elementType && elementType.isUnsignedInteger(64))
    return static_cast<double>(static_cast<uint64_t>(ints[i]));
  return static_cast<double>(ints[i]);
}

int64_t ConstantValues::asInt(int64_t i) const {
  if (!isFloat)
    return ints[i];
  double v = std::trunc(floats[i]);
  if (std::isnan(v))
    return 0;
  // 2^63 is exact in a double; anything at or above it saturates.
  if (v >= 9223372036854775808.0)
    return std::numeric_limits<int64_t>::max();
  if (v < -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::optional<ConstantValues> readConstant(Attribute attr,
                                           int64_t maxElements) {
  auto elements = dyn_cast_or_null<ElementsAttr>(attr);
  if (!elements)
    return std::nullopt;
  auto type = dyn_cast<ShapedType>(elements.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() > maxElements)
    return std::nullopt;
  Type elementType = type.getElementType();
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!isa<FloatType>(elementType) && (!intType || intType.getWidth() > 64))
    return std::nullopt;
  DenseElementsAttr dense = toDenseElements(elements);
  if (!dense)
    return std::nullopt;
  ConstantValues values;
  values.elementType = elementType;
  values.shape.assign(type.getShape().begin(), type.getShape().end());
  if (isa<FloatType>(elementType)) {
    values.isFloat = true;
    values.floats.reserve(type.getNumElements());
    for (APFloat v : dense.getValues<APFloat>()) {
      // Widening to double is exact for every float type ONNX has.
      bool lost = false;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      values.floats.push_back(v.convertToDouble());
    }
    return values;
  }
  bool zeroExtend = intType.isUnsigned() || intType.getWidth() == 1;
  values.ints.reserve(type.getNumElements());
  for (const APInt &v : dense.getValues<APInt>())
    values.ints.push_back(zeroExtend ? static_cast<int64_t>(v.getZExtValue())
                                     : v.getSExtValue());
  return values;
}

std::optional<ConstantValues> getConstantValues(Value v, int64_t maxElements) {
  if (!v)
    return std::nullopt;
  return readConstant(getConstantOpValue(v.getDefiningOp()), maxElements);
}

std::optional<double> getConstantScalar(Value v) {
  std::optional<ConstantValues> values = getConstantValues(v, 1);
  if (!values || values->size() != 1)
    return std::nullopt;
  return values->asDouble(0);
}

TypedAttr getSingleElement(Attribute attr) {
  auto elements = dyn_cast_or_null<ElementsAttr>(attr);
  if (!elements || elements.getNumElements() != 1)
    return nullptr;
  DenseElementsAttr dense = toDenseElements(elements);
  if (!dense)
    return nullptr;
  return dyn_cast<TypedAttr>(*dense.getValues<Attribute>().begin());
}

DenseElementsAttr getConstantElements(Value v) {
  if (!v)
    return nullptr;
  return toDenseElements(getConstantOpValue(v.getDefiningOp()));
}

std::optional<SmallVector<int64_t>> getConstantInts(Value v) {
  std::optional<ConstantValues> values = getConstantValues(v);
  if (!values || values->isFloat)
    return std::nullopt;
  return std::move(values->ints);
}

Value createBlobConstant(OpBuilder &builder, Location loc,
                         RankedTensorType type, ArrayRef<char> bytes,
                         StringRef blobName) {
  auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, alignof(std::max_align_t));
  auto attr = DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  OperationState state(loc, ConstantOp::getOperationName());
  state.addTypes(type);
  state.addAttribute("value", attr);
  return builder.create(state)->getResult(0);
}

} // namespace onnxc::onnx_ir
