//===- Npy.h - Host tensors and .npy files for onnx-run -------*- C++ -*-===//
//
// Dense row-major host tensors with 64-byte aligned storage, the element
// types of onnxc/runtime.h, and reading and writing NumPy .npy files.
// Free of LLVM and protobuf so that other tools and tests can reuse it.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_TOOLS_ONNXRUN_NPY_H
#define ONNXC_TOOLS_ONNXRUN_NPY_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace onnxc::run {

/// The lower-case name of an onnxc_dtype ("float32", "int64", ...), or
/// "dtype(N)" for a number that is not one.
std::string dtypeName(int32_t dtype);
/// The size in bytes of one element; 0 for an unsupported dtype.
size_t dtypeSize(int32_t dtype);
bool isFloatDtype(int32_t dtype);

/// "float32[1,3,224,224]"; a dynamic (negative) dimension prints as '?'.
std::string typeString(int32_t dtype, const std::vector<int64_t> &shape);

/// The number of elements of `shape`; false (with `error` set) for a
/// negative dimension or an element count or byte size that overflows.
bool elementCount(const std::vector<int64_t> &shape, int32_t dtype,
                  int64_t &count, std::string &error);

/// A dense, row-major tensor in host memory, 64-byte aligned.
class HostTensor {
public:
  /// Allocates zeroed storage for `dtype` and `shape` (at least 64 bytes, so
  /// that even empty tensors have a non-null pointer).
  bool allocate(int32_t dtype, std::vector<int64_t> shape, std::string &error);

  int32_t dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t elements() const { return elements_; }
  size_t bytes() const { return bytes_; }
  void *data() { return data_.get(); }
  const void *data() const { return data_.get(); }
  std::string typeString() const { return run::typeString(dtype_, shape_); }

  /// Reinterprets the elements as another dtype of the same size (e.g.
  /// uint16 bit patterns as bfloat16).
  void reinterpretAs(int32_t dtype) { dtype_ = dtype; }

private:
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  int32_t dtype_ = 0;
  std::vector<int64_t> shape_;
  int64_t elements_ = 0;
  size_t bytes_ = 0;
  std::unique_ptr<void, Free> data_;
};

/// The .npy descr of a dtype ("<f4", "|b1", ...). bfloat16 has no NumPy
/// type: it is written as "<u2" (its bit patterns); `isBitPattern` is set.
std::string npyDescr(int32_t dtype, bool *isBitPattern = nullptr);

/// Reads a .npy file (format 1.0, 2.0 or 3.0), little-endian or
/// single-byte types only, C order. "<V2" (how ml_dtypes' bfloat16 is
/// saved) reads as bfloat16.
bool readNpy(const std::string &path, HostTensor &tensor, std::string &error);

/// Writes `tensor` as a .npy file, format 1.0 (2.0 if the header needs it),
/// header padded so that the data starts at a multiple of 64 bytes.
bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error);

/// True if the file starts with the .npy magic string.
bool hasNpyMagic(const std::string &path);

/// IEEE binary16 and bfloat16 from float, rounding to nearest even.
uint16_t floatToHalf(float value);
uint16_t floatToBFloat16(float value);

} // namespace onnxc::run

#endif // ONNXC_TOOLS_ONNXRUN_NPY_H
