//===- TensorProtoFile.h - ONNX TensorProto files for onnx-run -*- C++ -*-===//

#ifndef ONNXC_TOOLS_ONNXRUN_TENSORPROTOFILE_H
#define ONNXC_TOOLS_ONNXRUN_TENSORPROTOFILE_H

#include "Npy.h"

#include <string>

namespace onnxc::run {

/// Reads a serialized onnx.TensorProto (as written by
/// onnx.numpy_helper.from_array(a).SerializeToString(), or the
/// test_data_set_N/input_N.pb files of the ONNX model zoo). Accepts
/// raw_data and the typed fields (float_data, int32_data, int64_data,
/// double_data, uint64_data); not external data or strings. `name` gets the
/// TensorProto's name ("" if none).
bool readTensorProto(const std::string &path, HostTensor &tensor,
                     std::string &name, std::string &error);

} // namespace onnxc::run

#endif // ONNXC_TOOLS_ONNXRUN_TENSORPROTOFILE_H
