//===- Tensors.cpp - TensorProto to MLIR attributes -----------------------===//

#include "Tensors.h"

#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace onnxc::frontend {
namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

const char *dataTypeName(int32_t dataType) {
  return onnx::TensorProto_DataType_IsValid(dataType)
             ? onnx::TensorProto_DataType_Name(
                   static_cast<onnx::TensorProto_DataType>(dataType))
                   .c_str()
             : "invalid";
}

/// Reads external data, refusing locations outside the model's folder.
llvm::Expected<std::string> readExternalData(const onnx::TensorProto &tensor,
                                             StringRef modelDir) {
  std::string location;
  uint64_t offset = 0, length = 0;
  bool hasLength = false;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      unsigned long long value;
      if (llvm::getAsUnsignedInteger(entry.value(), 10, value))
        return makeError("initializer '" + tensor.name() + "': external data " +
                         entry.key() + " '" + entry.value() +
                         "' is not a number");
      (entry.key() == "offset" ? offset : length) = value;
      hasLength |= entry.key() == "length";
    }
  }
  if (location.empty())
    return makeError("initializer '" + tensor.name() +
                     "': external data has no location");
  if (modelDir.empty())
    return makeError("initializer '" + tensor.name() +
                     "': external data is not allowed for in-memory models");
  // The location must be a relative path that stays inside the folder, even
  // after following symbolic links.
  SmallString<256> normalized(location);
  llvm::sys::path::remove_dots(normalized, /*remove_dot_dot=*/true);
  if (llvm::sys::path::is_absolute(location) ||
      StringRef(normalized).starts_with("..") || normalized.empty())
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "' is outside the model's folder");
  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, normalized);
  SmallString<256> realDir, realPath;
  if (llvm::sys::fs::real_path(modelDir, realDir) ||
      llvm::sys::fs::real_path(path, realPath))
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "' cannot be opened");
  if (!StringRef(realPath).starts_with((realDir + "/").str()))
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "' is outside the model's folder");
  auto buffer = llvm::MemoryBuffer::getFile(realPath, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("initializer '" + tensor.name() + "': cannot read '" +
                     location + "': " + buffer.getError().message());
  uint64_t size = (*buffer)->getBufferSize();
  if (!hasLength)
    length = offset <= size ? size - offset : 0;
  if (offset > size || length > size - offset)
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "' is shorter than offset + length");
  return std::string((*buffer)->getBufferStart() + offset, length);
}

/// Packs the typed repeated fields of a TensorProto into little-endian
/// bytes, one element per type width (bool: one byte).
template <typename T, typename Field>
void appendField(std::string &bytes, const Field &field) {
  for (auto v : field) {
    T value = static_cast<T>(v);
    bytes.append(reinterpret_cast<const char *>(&value), sizeof(T));
  }
}

llvm::Expected<std::string> collectTypedData(const onnx::TensorProto &t) {
  std::string bytes;
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    appendField<float>(bytes, t.float_data());
    break;
  case onnx::TensorProto::DOUBLE:
    appendField<double>(bytes, t.double_data());
    break;
  case onnx::TensorProto::INT64:
    appendField<int64_t>(bytes, t.int64_data());
    break;
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::UINT32:
    if (t.data_type() == onnx::TensorProto::UINT64)
      appendField<uint64_t>(bytes, t.uint64_data());
    else
      appendField<uint32_t>(bytes, t.uint64_data());
    break;
  case onnx::TensorProto::INT32:
    appendField<int32_t>(bytes, t.int32_data());
    break;
  case onnx::TensorProto::INT16:
    appendField<int16_t>(bytes, t.int32_data());
    break;
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    appendField<uint16_t>(bytes, t.int32_data());
    break;
  case onnx::TensorProto::INT8:
    appendField<int8_t>(bytes, t.int32_data());
    break;
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    appendField<uint8_t>(bytes, t.int32_data());
    break;
  default:
    return makeError(Twine("tensor '") + t.name() + "' has unsupported type " +
                     dataTypeName(t.data_type()));
  }
  return bytes;
}

} // namespace

llvm::Expected<Type> convertElementType(MLIRContext &context, int32_t dataType) {
  if (Type type = onnx_ir::getElementTypeForDataType(&context, dataType))
    return type;
  return makeError(Twine("element type ") + dataTypeName(dataType) +
                   " is not supported");
}

llvm::Expected<ElementsAttr> convertTensor(MLIRContext &context,
                                           const onnx::TensorProto &tensor,
                                           StringRef modelDir,
                                           size_t inlineLimitBytes) {
  if (tensor.has_segment())
    return makeError("tensor '" + tensor.name() + "' is segmented");
  llvm::Expected<Type> elementType =
      convertElementType(context, tensor.data_type());
  if (!elementType)
    return makeError("tensor '" + tensor.name() +
                     "': " + llvm::toString(elementType.takeError()));
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return makeError("tensor '" + tensor.name() +
                       "' has a negative dimension");
    shape.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(shape, *elementType);
  size_t elementBytes =
      elementType->isInteger(1)
          ? 1
          : static_cast<size_t>(elementType->getIntOrFloatBitWidth() / 8);

  std::string bytes;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    llvm::Expected<std::string> data = readExternalData(tensor, modelDir);
    if (!data)
      return data.takeError();
    bytes = std::move(*data);
  } else if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    llvm::Expected<std::string> data = collectTypedData(tensor);
    if (!data)
      return data.takeError();
    bytes = std::move(*data);
  }
  if (bytes.size() != static_cast<size_t>(count) * elementBytes)
    return makeError("tensor '" + tensor.name() + "' holds " +
                     Twine(bytes.size()) + " bytes but its shape needs " +
                     Twine(count * elementBytes));

  if (bytes.size() > inlineLimitBytes) {
    // Name the blob after the tensor; the dialect keeps names unique.
    std::string blobName = tensor.name().empty() ? "tensor" : tensor.name();
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(bytes.data(), bytes.size()), alignof(uint64_t));
    return cast<ElementsAttr>(DenseResourceElementsAttr::get(
        type, blobName, std::move(blob)));
  }
  if (elementType->isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size())));
}

} // namespace onnxc::frontend
