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

/// A tensor's external data: a slice of a mapped file.
struct ExternalData {
  std::shared_ptr<llvm::MemoryBuffer> file;
  ArrayRef<char> bytes;
};

/// Maps external data, refusing locations outside the model's folder.
llvm::Expected<ExternalData> readExternalData(const onnx::TensorProto &tensor,
                                              StringRef modelDir,
                                              ExternalDataFiles *files) {
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
  if (std::error_code ec = llvm::sys::fs::real_path(modelDir, realDir))
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "': cannot resolve the model's folder '" +
                     modelDir + "': " + ec.message());
  if (std::error_code ec = llvm::sys::fs::real_path(path, realPath))
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "' cannot be opened (" + path +
                     "): " + ec.message());
  if (!StringRef(realPath).starts_with((realDir + "/").str()))
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "' is outside the model's folder");
  std::shared_ptr<llvm::MemoryBuffer> file;
  if (files)
    if (auto it = files->mapped.find(realPath); it != files->mapped.end())
      file = it->second;
  if (!file) {
    auto buffer = llvm::MemoryBuffer::getFile(realPath, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return makeError("initializer '" + tensor.name() + "': cannot read '" +
                       location + "': " + buffer.getError().message());
    file = std::move(*buffer);
    if (files)
      files->mapped[realPath] = file;
  }
  uint64_t size = file->getBufferSize();
  if (!hasLength)
    length = offset <= size ? size - offset : 0;
  if (offset > size || length > size - offset)
    return makeError("initializer '" + tensor.name() + "': external data '" +
                     location + "' has " + Twine(size) +
                     " bytes, shorter than offset + length = " +
                     Twine(offset) + " + " + Twine(length));
  return ExternalData{file, ArrayRef<char>(file->getBufferStart() + offset,
                                           static_cast<size_t>(length))};
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
                                           size_t inlineLimitBytes,
                                           ExternalDataFiles *files) {
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

  // A view of the data: into the mapped file, the proto's raw_data, or the
  // typed fields packed into `collected`.
  ArrayRef<char> bytes;
  std::shared_ptr<llvm::MemoryBuffer> file;
  std::string collected;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    llvm::Expected<ExternalData> data =
        readExternalData(tensor, modelDir, files);
    if (!data)
      return data.takeError();
    file = std::move(data->file);
    bytes = data->bytes;
  } else if (tensor.has_raw_data()) {
    bytes = ArrayRef<char>(tensor.raw_data().data(), tensor.raw_data().size());
  } else {
    llvm::Expected<std::string> data = collectTypedData(tensor);
    if (!data)
      return data.takeError();
    collected = std::move(*data);
    bytes = ArrayRef<char>(collected.data(), collected.size());
  }
  if (bytes.size() != static_cast<size_t>(count) * elementBytes)
    return makeError("tensor '" + tensor.name() + "' holds " +
                     Twine(bytes.size()) + " bytes but its shape needs " +
                     Twine(count * elementBytes));

  if (bytes.size() > inlineLimitBytes) {
    // Name the blob after the tensor; the dialect keeps names unique.
    std::string blobName = tensor.name().empty() ? "tensor" : tensor.name();
    constexpr size_t alignment = alignof(uint64_t);
    // Mapped external data aligned for any element type is used in place;
    // the blob keeps the file mapped.
    AsmResourceBlob blob =
        files && file &&
                reinterpret_cast<uintptr_t>(bytes.data()) % alignment == 0
            ? AsmResourceBlob(
                  bytes, alignment,
                  [file](void *, size_t, size_t) mutable { file.reset(); },
                  /*dataIsMutable=*/false)
            : HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignment);
    return cast<ElementsAttr>(DenseResourceElementsAttr::get(
        type, blobName, std::move(blob)));
  }
  if (elementType->isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, bytes));
}

} // namespace onnxc::frontend
