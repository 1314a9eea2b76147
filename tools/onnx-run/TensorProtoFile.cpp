//===- TensorProtoFile.cpp - ONNX TensorProto files for onnx-run ----------===//

#include "TensorProtoFile.h"

#include "onnxc/runtime.h"

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace onnxc::run {

namespace {
/// Copies a repeated field into the tensor, narrowing each value to T.
template <typename T, typename Field>
void copyField(const Field &field, HostTensor &tensor) {
  T *out = static_cast<T *>(tensor.data());
  for (int i = 0; i < field.size(); ++i)
    out[i] = static_cast<T>(field.Get(i));
}
} // namespace

bool readTensorProto(const std::string &path, HostTensor &tensor,
                     std::string &name, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = buffer.str();

  onnx::TensorProto proto;
  if (bytes.empty() || !proto.ParseFromString(bytes) ||
      !proto.has_data_type()) {
    error = "'" + path +
            "' is neither a .npy file nor a serialized onnx.TensorProto";
    return false;
  }
  name = proto.name();
  std::string where = "'" + path + "'" +
                      (name.empty() ? std::string() : " (tensor '" + name + "')");
  if (proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL ||
      proto.external_data_size() > 0) {
    error = where + ": external data is not supported";
    return false;
  }
  if (proto.has_segment()) {
    error = where + ": segmented tensors are not supported";
    return false;
  }
  int32_t dtype = proto.data_type();
  if (dtypeSize(dtype) == 0) {
    const std::string &typeName =
        onnx::TensorProto_DataType_IsValid(dtype)
            ? onnx::TensorProto_DataType_Name(
                  static_cast<onnx::TensorProto_DataType>(dtype))
            : std::to_string(dtype);
    error = where + ": element type " + typeName + " is not supported";
    return false;
  }
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  if (!tensor.allocate(dtype, shape, error)) {
    error = where + ": " + error;
    return false;
  }

  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != tensor.bytes()) {
      error = where + ": raw_data has " + std::to_string(raw.size()) +
              " bytes, " + tensor.typeString() + " needs " +
              std::to_string(tensor.bytes());
      return false;
    }
    std::memcpy(tensor.data(), raw.data(), raw.size());
    return true;
  }

  // The typed field each element type is stored in (see onnx.proto).
  const char *fieldName;
  int64_t fieldSize;
  switch (dtype) {
  case ONNXC_FLOAT:
    fieldName = "float_data";
    fieldSize = proto.float_data_size();
    break;
  case ONNXC_DOUBLE:
    fieldName = "double_data";
    fieldSize = proto.double_data_size();
    break;
  case ONNXC_INT64:
    fieldName = "int64_data";
    fieldSize = proto.int64_data_size();
    break;
  case ONNXC_UINT32:
  case ONNXC_UINT64:
    fieldName = "uint64_data";
    fieldSize = proto.uint64_data_size();
    break;
  default: // int32, int16, int8, uint16, uint8, bool, float16, bfloat16.
    fieldName = "int32_data";
    fieldSize = proto.int32_data_size();
    break;
  }
  if (fieldSize != tensor.elements()) {
    error = where + ": " + fieldName + " has " + std::to_string(fieldSize) +
            " values, " + tensor.typeString() + " needs " +
            std::to_string(tensor.elements());
    return false;
  }
  switch (dtype) {
  case ONNXC_FLOAT:
    copyField<float>(proto.float_data(), tensor);
    break;
  case ONNXC_DOUBLE:
    copyField<double>(proto.double_data(), tensor);
    break;
  case ONNXC_INT64:
    copyField<int64_t>(proto.int64_data(), tensor);
    break;
  case ONNXC_UINT32:
    copyField<uint32_t>(proto.uint64_data(), tensor);
    break;
  case ONNXC_UINT64:
    copyField<uint64_t>(proto.uint64_data(), tensor);
    break;
  case ONNXC_INT32:
    copyField<int32_t>(proto.int32_data(), tensor);
    break;
  case ONNXC_INT16:
    copyField<int16_t>(proto.int32_data(), tensor);
    break;
  case ONNXC_INT8:
    copyField<int8_t>(proto.int32_data(), tensor);
    break;
  case ONNXC_UINT16:
  case ONNXC_FLOAT16: // Bit patterns in the low 16 bits.
  case ONNXC_BFLOAT16:
    copyField<uint16_t>(proto.int32_data(), tensor);
    break;
  case ONNXC_UINT8:
    copyField<uint8_t>(proto.int32_data(), tensor);
    break;
  case ONNXC_BOOL: {
    uint8_t *out = static_cast<uint8_t *>(tensor.data());
    for (int i = 0; i < proto.int32_data_size(); ++i)
      out[i] = proto.int32_data(i) != 0;
    break;
  }
  }
  return true;
}

} // namespace onnxc::run
