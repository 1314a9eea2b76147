//===- ConstantUtils.cpp - Reading constant operands ----------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/IR/DialectResourceBlobManager.h"

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
    // i1 is stored one byte per element; other types are packed.
    if (type.getElementType().isInteger(1)) {
      SmallVector<bool> bits;
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

DenseElementsAttr getConstantElements(Value v) {
  if (!v)
    return nullptr;
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant || !constant.getValueAttr())
    return nullptr;
  return toDenseElements(*constant.getValue());
}

std::optional<SmallVector<int64_t>> getConstantInts(Value v) {
  DenseElementsAttr dense = getConstantElements(v);
  if (!dense || !isa<IntegerType>(dense.getElementType()))
    return std::nullopt;
  SmallVector<int64_t> result;
  for (const APInt &value : dense.getValues<APInt>())
    result.push_back(dense.getElementType().isUnsignedInteger()
                         ? static_cast<int64_t>(value.getZExtValue())
                         : value.getSExtValue());
  return result;
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
