//===- Npy.cpp - Host tensors and .npy files for onnx-run -----------------===//

#include "Npy.h"

#include "onnxc/runtime.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sys/stat.h>

namespace onnxc::run {

std::string dtypeName(int32_t dtype) {
  switch (dtype) {
  case ONNXC_FLOAT:
    return "float32";
  case ONNXC_UINT8:
    return "uint8";
  case ONNXC_INT8:
    return "int8";
  case ONNXC_UINT16:
    return "uint16";
  case ONNXC_INT16:
    return "int16";
  case ONNXC_INT32:
    return "int32";
  case ONNXC_INT64:
    return "int64";
  case ONNXC_BOOL:
    return "bool";
  case ONNXC_FLOAT16:
    return "float16";
  case ONNXC_DOUBLE:
    return "float64";
  case ONNXC_UINT32:
    return "uint32";
  case ONNXC_UINT64:
    return "uint64";
  case ONNXC_BFLOAT16:
    return "bfloat16";
  default:
    return "dtype(" + std::to_string(dtype) + ")";
  }
}

size_t dtypeSize(int32_t dtype) {
  switch (dtype) {
  case ONNXC_UINT8:
  case ONNXC_INT8:
  case ONNXC_BOOL:
    return 1;
  case ONNXC_UINT16:
  case ONNXC_INT16:
  case ONNXC_FLOAT16:
  case ONNXC_BFLOAT16:
    return 2;
  case ONNXC_FLOAT:
  case ONNXC_INT32:
  case ONNXC_UINT32:
    return 4;
  case ONNXC_INT64:
  case ONNXC_DOUBLE:
  case ONNXC_UINT64:
    return 8;
  default:
    return 0;
  }
}

bool isFloatDtype(int32_t dtype) {
  return dtype == ONNXC_FLOAT || dtype == ONNXC_DOUBLE ||
         dtype == ONNXC_FLOAT16 || dtype == ONNXC_BFLOAT16;
}

std::string typeString(int32_t dtype, const std::vector<int64_t> &shape) {
  std::string s = dtypeName(dtype) + "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ",";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

bool elementCount(const std::vector<int64_t> &shape, int32_t dtype,
                  int64_t &count, std::string &error) {
  size_t elementSize = dtypeSize(dtype);
  if (elementSize == 0) {
    error = "unsupported element type " + dtypeName(dtype);
    return false;
  }
  int64_t n = 1;
  for (int64_t dim : shape) {
    if (dim < 0) {
      error = "dynamic or negative dimension in " + typeString(dtype, shape);
      return false;
    }
    if (dim != 0 && n > std::numeric_limits<int64_t>::max() / dim) {
      error = "tensor " + typeString(dtype, shape) + " is too large";
      return false;
    }
    n *= dim;
  }
  if (static_cast<uint64_t>(n) >
      std::numeric_limits<size_t>::max() / 2 / elementSize) {
    error = "tensor " + typeString(dtype, shape) + " is too large";
    return false;
  }
  count = n;
  return true;
}

bool HostTensor::allocate(int32_t dtype, std::vector<int64_t> shape,
                          std::string &error) {
  int64_t count;
  if (!elementCount(shape, dtype, count, error))
    return false;
  size_t bytes = static_cast<size_t>(count) * dtypeSize(dtype);
  size_t rounded = bytes < 64 ? 64 : (bytes + 63) / 64 * 64;
  void *p = std::aligned_alloc(64, rounded);
  if (!p) {
    error = "out of memory allocating " + std::to_string(bytes) + " bytes";
    return false;
  }
  std::memset(p, 0, rounded);
  data_.reset(p);
  dtype_ = dtype;
  shape_ = std::move(shape);
  elements_ = count;
  bytes_ = bytes;
  return true;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

static const char kMagic[] = "\x93NUMPY";
static const size_t kMagicSize = 6;

std::string npyDescr(int32_t dtype, bool *isBitPattern) {
  if (isBitPattern)
    *isBitPattern = dtype == ONNXC_BFLOAT16;
  switch (dtype) {
  case ONNXC_FLOAT:
    return "<f4";
  case ONNXC_DOUBLE:
    return "<f8";
  case ONNXC_FLOAT16:
    return "<f2";
  case ONNXC_INT64:
    return "<i8";
  case ONNXC_INT32:
    return "<i4";
  case ONNXC_INT16:
    return "<i2";
  case ONNXC_INT8:
    return "|i1";
  case ONNXC_UINT8:
    return "|u1";
  case ONNXC_UINT16:
  case ONNXC_BFLOAT16:
    return "<u2";
  case ONNXC_UINT32:
    return "<u4";
  case ONNXC_UINT64:
    return "<u8";
  case ONNXC_BOOL:
    return "|b1";
  default:
    return "";
  }
}

/// The dtype of a descr such as "<f4"; 0 with `error` set if unsupported.
static int32_t dtypeFromDescr(const std::string &descr, std::string &error) {
  std::string body = descr;
  char order = '=';
  if (!body.empty() && std::strchr("<>|=", body[0])) {
    order = body[0];
    body = body.substr(1);
  }
  struct Entry {
    const char *code;
    int32_t dtype;
  };
  static const Entry entries[] = {
      {"f4", ONNXC_FLOAT},  {"f8", ONNXC_DOUBLE}, {"f2", ONNXC_FLOAT16},
      {"i8", ONNXC_INT64},  {"i4", ONNXC_INT32},  {"i2", ONNXC_INT16},
      {"i1", ONNXC_INT8},   {"u1", ONNXC_UINT8},  {"u2", ONNXC_UINT16},
      {"u4", ONNXC_UINT32}, {"u8", ONNXC_UINT64}, {"b1", ONNXC_BOOL},
      {"V2", ONNXC_BFLOAT16}};
  for (const Entry &e : entries) {
    if (body != e.code)
      continue;
    if (order == '>' && dtypeSize(e.dtype) > 1) {
      error = "big-endian data ('" + descr +
              "') is not supported; save it little-endian, e.g. with "
              "a.astype(a.dtype.newbyteorder('<'))";
      return 0;
    }
    return e.dtype;
  }
  error = "unsupported .npy dtype '" + descr +
          "' (supported: <f4 <f8 <f2 <i8 <i4 <i2 |i1 |u1 <u2 <u4 <u8 |b1, and "
          "<V2 as bfloat16)";
  return 0;
}

namespace {
/// A parser for the Python dict literal of a .npy header.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : s(text) {}

  bool parse(std::string &descr, bool &fortranOrder,
             std::vector<int64_t> &shape, std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail("expected '{'", error);
    for (;;) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return fail("expected a quoted key", error);
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after '" + key + "'", error);
      skipSpace();
      if (key == "descr") {
        if (peek() == '[')
          return fail("structured dtypes are not supported", error);
        if (!parseString(descr))
          return fail("'descr' is not a string", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (consumeWord("True"))
          fortranOrder = true;
        else if (consumeWord("False"))
          fortranOrder = false;
        else
          return fail("'fortran_order' is not True or False", error);
        haveOrder = true;
      } else if (key == "shape") {
        if (!parseShape(shape))
          return fail("'shape' is not a tuple of non-negative integers",
                      error);
        haveShape = true;
      } else {
        return fail("unexpected key '" + key + "'", error);
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail("expected ',' or '}'", error);
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return fail("missing 'descr', 'fortran_order' or 'shape'", error);
    return true;
  }

private:
  const std::string &s;
  size_t pos = 0;

  bool fail(const std::string &message, std::string &error) {
    error = "malformed .npy header: " + message;
    return false;
  }
  char peek() const { return pos < s.size() ? s[pos] : '\0'; }
  void skipSpace() {
    while (pos < s.size() && std::strchr(" \t\r\n", s[pos]))
      ++pos;
  }
  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }
  bool consumeWord(const char *word) {
    size_t n = std::strlen(word);
    if (s.compare(pos, n, word) != 0)
      return false;
    pos += n;
    return true;
  }
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    size_t end = s.find(quote, pos + 1);
    if (end == std::string::npos)
      return false;
    out = s.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    return true;
  }
  bool parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!consume('('))
      return false;
    for (;;) {
      skipSpace();
      if (consume(')'))
        return true;
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        return false;
      int64_t value = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        int digit = s[pos++] - '0';
        if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
          return false;
        value = value * 10 + digit;
      }
      consume('L'); // Python 2 longs.
      shape.push_back(value);
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume(')'))
        return true;
      return false;
    }
  }
};

struct FileCloser {
  void operator()(FILE *f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;
} // namespace

bool hasNpyMagic(const std::string &path) {
  File f(std::fopen(path.c_str(), "rb"));
  char magic[kMagicSize];
  return f && std::fread(magic, 1, kMagicSize, f.get()) == kMagicSize &&
         std::memcmp(magic, kMagic, kMagicSize) == 0;
}

bool readNpy(const std::string &path, HostTensor &tensor, std::string &error) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  unsigned char prefix[kMagicSize + 2];
  if (std::fread(prefix, 1, sizeof(prefix), f.get()) != sizeof(prefix) ||
      std::memcmp(prefix, kMagic, kMagicSize) != 0) {
    error = "'" + path + "' is not a .npy file";
    return false;
  }
  unsigned major = prefix[6], minor = prefix[7];
  size_t headerLength;
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 || minor != 0) {
    error = "'" + path + "': unsupported .npy format version " +
            std::to_string(major) + "." + std::to_string(minor);
    return false;
  }
  unsigned char lengthField[4] = {0, 0, 0, 0};
  if (std::fread(lengthField, 1, lengthBytes, f.get()) != lengthBytes) {
    error = "'" + path + "': truncated .npy header";
    return false;
  }
  headerLength = lengthField[0] | (size_t(lengthField[1]) << 8) |
                 (size_t(lengthField[2]) << 16) |
                 (size_t(lengthField[3]) << 24);
  if (headerLength > (size_t(1) << 24)) {
    error = "'" + path + "': .npy header is implausibly long";
    return false;
  }
  std::string header(headerLength, '\0');
  if (std::fread(&header[0], 1, headerLength, f.get()) != headerLength) {
    error = "'" + path + "': truncated .npy header";
    return false;
  }
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  if (!HeaderParser(header).parse(descr, fortranOrder, shape, error)) {
    error = "'" + path + "': " + error;
    return false;
  }
  int32_t dtype = dtypeFromDescr(descr, error);
  if (!dtype) {
    error = "'" + path + "': " + error;
    return false;
  }
  if (fortranOrder && shape.size() > 1) {
    error = "'" + path +
            "': Fortran-order arrays are not supported; save a C-order "
            "copy (np.ascontiguousarray)";
    return false;
  }
  if (!tensor.allocate(dtype, shape, error)) {
    error = "'" + path + "': " + error;
    return false;
  }
  size_t got = std::fread(tensor.data(), 1, tensor.bytes(), f.get());
  if (got != tensor.bytes()) {
    error = "'" + path + "': truncated: " + tensor.typeString() + " needs " +
            std::to_string(tensor.bytes()) + " bytes of data, the file has " +
            std::to_string(got);
    return false;
  }
  return true;
}

bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error) {
  std::string descr = npyDescr(tensor.dtype());
  if (descr.empty()) {
    error = "cannot write " + dtypeName(tensor.dtype()) + " as .npy";
    return false;
  }
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, "
                     "'shape': (";
  for (size_t i = 0; i < tensor.shape().size(); ++i)
    dict += std::to_string(tensor.shape()[i]) + ", ";
  if (tensor.shape().size() > 1)
    dict.resize(dict.size() - 2);
  else if (tensor.shape().size() == 1)
    dict.resize(dict.size() - 1); // "(5,)"
  dict += "), }";
  // Magic, version, length field, dict, padding spaces and '\n' make a
  // multiple of 64 bytes.
  unsigned major = 1;
  size_t lengthBytes = 2;
  size_t total = (kMagicSize + 2 + lengthBytes + dict.size() + 1 + 63) / 64 * 64;
  if (total - kMagicSize - 2 - lengthBytes > 0xffff) {
    major = 2;
    lengthBytes = 4;
    total = (kMagicSize + 2 + lengthBytes + dict.size() + 1 + 63) / 64 * 64;
  }
  size_t headerLength = total - kMagicSize - 2 - lengthBytes;
  dict.append(headerLength - dict.size() - 1, ' ');
  dict += '\n';

  std::string prefix(kMagic, kMagicSize);
  prefix += static_cast<char>(major);
  prefix += '\0';
  for (size_t i = 0; i < lengthBytes; ++i)
    prefix += static_cast<char>((headerLength >> (8 * i)) & 0xff);

  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot create '" + path + "': " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(prefix.data(), 1, prefix.size(), f) == prefix.size() &&
            std::fwrite(dict.data(), 1, dict.size(), f) == dict.size() &&
            std::fwrite(tensor.data(), 1, tensor.bytes(), f) == tensor.bytes();
  int writeErrno = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    writeErrno = errno;
  }
  if (!ok) {
    error = "cannot write '" + path + "': " + std::strerror(writeErrno);
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Half-precision conversions
//===----------------------------------------------------------------------===//

uint16_t floatToHalf(float value) {
  uint32_t x;
  std::memcpy(&x, &value, sizeof(x));
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  uint32_t abs = x & 0x7fffffff;
  if (abs >= 0x7f800000) // Inf or NaN.
    return sign | (abs > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (abs >= 0x477ff000) // Rounds to >= 65520: infinity.
    return sign | 0x7c00;
  if (abs < 0x38800000) { // Below 2^-14: subnormal or zero.
    float a;
    std::memcpy(&a, &abs, sizeof(a));
    // Exact in float; nearbyint rounds to nearest even.
    return sign | static_cast<uint16_t>(std::nearbyint(a * 16777216.0f));
  }
  uint32_t exponent = (abs >> 23) - 127 + 15;
  uint32_t mantissa = abs & 0x7fffff;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // May carry into the exponent, which is right.
  return sign | static_cast<uint16_t>(half);
}

uint16_t floatToBFloat16(float value) {
  uint32_t x;
  std::memcpy(&x, &value, sizeof(x));
  if ((x & 0x7fffffff) > 0x7f800000) // NaN: keep it quiet.
    return static_cast<uint16_t>((x >> 16) | 0x40);
  x += 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}

} // namespace onnxc::run
