//===- onnx-run.cpp - Load a compiled model and run it --------------------===//
//
// onnx-run MODEL.so --input NAME=FILE ... [--output-dir DIR]
// onnx-run MODEL.so --random [--seed S] [--bench N [--warmup W]] [--threads T]
// onnx-run MODEL.so --info
//
// Loads a shared library built by onnx-compile through the generic C API of
// onnxc/runtime.h (dlopen + dlsym; no link-time dependency on the model or
// the runtime), feeds it .npy or TensorProto inputs or random data, and
// writes the outputs as .npy files or times the runs. A model with dims
// known only at run time runs with onnxc_run_alloc: its inputs may have any
// size there, and its outputs come back with the shapes of the run.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"
#include "TensorProtoFile.h"

#include "onnxc/runtime.h"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace onnxc::run;

namespace {

const char *const kHelp = R"(USAGE: onnx-run MODEL.so [options]

Loads a model compiled by onnx-compile (a shared library exporting
onnxc_get_model), runs it once on the given inputs and writes its outputs as
.npy files, or times it, or describes it.

  onnx-run model.so --input NAME=FILE [--input NAME=FILE ...] [--output-dir DIR]
  onnx-run model.so --random [--seed S] [--output-dir DIR]
  onnx-run model.so --random --bench N [--warmup W] [--threads T]
  onnx-run model.so --info

OPTIONS:
  -i, --input NAME=FILE
                      Feed model input NAME from FILE. FILE is a NumPy .npy
                      file (format 1.0/2.0/3.0, C order, little-endian f4 f8
                      f2 i8 i4 i2 i1 u1 u2 u4 u8 b1; <V2 or <u2 bit patterns
                      for a bfloat16 input) or a serialized onnx.TensorProto
                      (.pb, e.g. onnx.numpy_helper.from_array(a)
                      .SerializeToString(); raw_data or typed fields). The
                      format is chosen by extension (.npy, .pb), otherwise by
                      content. For a TensorProto with a name, "--input FILE"
                      uses that name. The element type and shape must match
                      the model exactly (see --info; a dim shown by name or
                      as '?' is known only at run time and takes any size,
                      the same for every dim of one name); no conversion is
                      done. Repeat for each input.
  --random            Fill every input not given by --input with random data:
                      floating-point inputs uniform in [-1, 1), integer inputs
                      uniform in [0, 100) (e.g. token ids), bool inputs 0/1.
                      Input number i uses std::mt19937_64 seeded with
                      std::seed_seq{seed low 32 bits, seed high 32 bits, i},
                      so its data does not depend on the other inputs. An
                      input with a dim known only at run time must be given
                      with --input.
  --seed S            Seed of --random (default 0).
  -o, --output-dir DIR
                      Write each output to DIR/NAME.npy ('/' in NAME becomes
                      '_'), creating DIR if needed (default: the current
                      directory; with --bench, outputs are written only if
                      --output-dir is given). bfloat16 outputs are written as
                      their uint16 bit patterns. Outputs have the shapes of
                      the run.
  --bench N           Run W warm-up runs, then time N runs (each onnxc_run
                      call, std::chrono::steady_clock; for a model with dims
                      known at run time, onnxc_run_alloc and freeing its
                      outputs) and print the median, minimum and mean
                      latency in milliseconds.
  --warmup W          Warm-up runs before --bench (default 3).
  --threads T         Threads of the model's parallel loops, the calling
                      thread included (default: ONNXC_NUM_THREADS if set,
                      else every online CPU; 1 runs serially).
  --weights FILE      For a model compiled with --weights=external: map its
                      weights from FILE instead of the .weights file beside
                      the library.
  --device D          Where to run: cpu, or cuda / cuda:N (CUDA device N,
                      default 0) for a model compiled with --target=cuda.
                      Default: the device the model was compiled for. Inputs
                      and outputs stay host arrays: a CUDA run copies them
                      to the device and back (--bench times the copies too).
  --info              Print the model's inputs and outputs (name, element
                      type, shape; a dim known only at run time by its name
                      in the ONNX model, or '?'), workspace size and
                      weights file, then exit.
  -h, --help          Print this help.

Options taking a value accept "--flag VALUE" and "--flag=VALUE".

A model path without '/' is looked up in the current directory.
Exit status: 0 on success, 1 on any error (message on stderr).
)";

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "onnx-run: error: %s\n", message.c_str());
  std::exit(1);
}

struct InputArg {
  std::string name; // Empty: take the name from the TensorProto.
  std::string path;
};

struct Options {
  std::string modelPath;
  std::vector<InputArg> inputs;
  bool random = false;
  uint64_t seed = 0;
  bool haveOutputDir = false;
  std::string outputDir = ".";
  int64_t bench = 0; // 0: no benchmark.
  int64_t warmup = 3;
  bool haveWarmup = false;
  bool info = false;
  int threads = 0; // 0: the runtime's default.
  std::string weightsPath; // Empty: beside the library.
  std::string device;      // Empty: the model's own.
};

uint64_t parseUnsigned(const std::string &flag, const std::string &text,
                       uint64_t max) {
  const char *s = text.c_str();
  char *end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(s, &end, 0);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      *end != '\0' || errno == ERANGE || value > max)
    die(flag + " expects a non-negative integer" +
        (max < UINT64_MAX ? " up to " + std::to_string(max) : "") + ", got '" +
        text + "'");
  return value;
}

Options parseArgs(int argc, char **argv) {
  Options opts;
  bool havePath = false, flagsDone = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (flagsDone || arg.empty() || arg[0] != '-' || arg == "-") {
      if (havePath)
        die("more than one model given ('" + opts.modelPath + "' and '" + arg +
            "'); inputs are given with --input NAME=FILE");
      opts.modelPath = arg;
      havePath = true;
      continue;
    }
    if (arg == "--") {
      flagsDone = true;
      continue;
    }
    if (arg == "-h" || arg == "--help" || arg == "-help") {
      std::fputs(kHelp, stdout);
      std::exit(0);
    }
    // "--flag value" or "--flag=value".
    std::string flag = arg, value;
    bool haveValue = false;
    size_t eq = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      haveValue = true;
    }
    auto takeValue = [&]() -> std::string {
      if (haveValue)
        return value;
      if (i + 1 >= argc)
        die(flag + " expects a value");
      return argv[++i];
    };
    auto noValue = [&]() {
      if (haveValue)
        die(flag + " takes no value");
    };
    if (flag == "--input" || flag == "-i") {
      std::string spec = takeValue();
      InputArg input;
      size_t sep = spec.find('=');
      if (sep == std::string::npos) {
        input.path = spec;
      } else {
        input.name = spec.substr(0, sep);
        input.path = spec.substr(sep + 1);
        if (input.name.empty())
          die("--input '" + spec + "': empty input name (expected NAME=FILE)");
      }
      if (input.path.empty())
        die("--input '" + spec + "': empty file name (expected NAME=FILE)");
      opts.inputs.push_back(input);
    } else if (flag == "--random") {
      noValue();
      opts.random = true;
    } else if (flag == "--seed") {
      opts.seed = parseUnsigned(flag, takeValue(), UINT64_MAX);
    } else if (flag == "--output-dir" || flag == "-o") {
      opts.outputDir = takeValue();
      opts.haveOutputDir = true;
      if (opts.outputDir.empty())
        die("--output-dir expects a directory");
    } else if (flag == "--bench") {
      opts.bench = static_cast<int64_t>(parseUnsigned(flag, takeValue(), 1u << 30));
      if (opts.bench == 0)
        die("--bench expects a positive number of runs");
    } else if (flag == "--warmup") {
      opts.warmup = static_cast<int64_t>(parseUnsigned(flag, takeValue(), 1u << 30));
      opts.haveWarmup = true;
    } else if (flag == "--threads") {
      opts.threads = static_cast<int>(parseUnsigned(flag, takeValue(), 256));
      if (opts.threads == 0)
        die("--threads expects a positive number of threads");
    } else if (flag == "--weights") {
      opts.weightsPath = takeValue();
      if (opts.weightsPath.empty())
        die("--weights expects a file");
    } else if (flag == "--device") {
      opts.device = takeValue();
      if (opts.device != "cpu" && opts.device.rfind("cuda", 0) != 0)
        die("--device expects cpu, cuda or cuda:N, got '" + opts.device + "'");
    } else if (flag == "--info") {
      noValue();
      opts.info = true;
    } else {
      die("unknown option '" + arg + "' (see --help)");
    }
  }
  if (!havePath)
    die("no model given (usage: onnx-run MODEL.so [options]; see --help)");
  if (opts.haveWarmup && !opts.bench)
    die("--warmup is only meaningful with --bench N");
  if (opts.info && (!opts.inputs.empty() || opts.random || opts.bench ||
                    opts.haveOutputDir))
    die("--info only describes the model; it takes no --input, --random, "
        "--bench or --output-dir");
  return opts;
}

//===----------------------------------------------------------------------===//
// The model library
//===----------------------------------------------------------------------===//

struct ModelLibrary {
  const onnxc_model_desc *(*getModel)(void) = nullptr;
  onnxc_status (*sessionCreate)(const onnxc_model_desc *, void *,
                                onnxc_session **) = nullptr;
  void (*sessionDestroy)(onnxc_session *) = nullptr;
  onnxc_status (*run)(onnxc_session *, const onnxc_tensor *, size_t,
                      const onnxc_tensor *, size_t) = nullptr;
  onnxc_status (*runAlloc)(onnxc_session *, const onnxc_tensor *, size_t,
                           onnxc_tensor *, size_t) = nullptr;
  void (*free)(void *) = nullptr;
  const char *(*lastError)(void) = nullptr;
  void (*setNumThreads)(int) = nullptr;
  int (*getNumThreads)(void) = nullptr;
  onnxc_status (*weightsLoad)(const onnxc_model_desc *, const char *) = nullptr;
  onnxc_status (*sessionCreateCUDA)(const onnxc_model_desc *, int, void *,
                                    onnxc_session **) = nullptr;

  std::string lastErrorOr(onnxc_status status) const;
};

const char *statusName(onnxc_status status) {
  switch (status) {
  case ONNXC_OK:
    return "ok";
  case ONNXC_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case ONNXC_ERROR_SHAPE_MISMATCH:
    return "shape mismatch";
  case ONNXC_ERROR_TYPE_MISMATCH:
    return "type mismatch";
  case ONNXC_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case ONNXC_ERROR_ABI_MISMATCH:
    return "ABI mismatch";
  case ONNXC_ERROR_WEIGHTS:
    return "weights file error";
  case ONNXC_ERROR_DEVICE:
    return "device error";
  }
  return "unknown status";
}

std::string ModelLibrary::lastErrorOr(onnxc_status status) const {
  const char *message = lastError();
  if (message && *message)
    return message;
  return std::string(statusName(status)) + " (status " +
         std::to_string(static_cast<int>(status)) + ")";
}

template <typename Fn>
void lookUp(void *handle, const char *symbol, Fn &fn,
            std::vector<std::string> &missing) {
  dlerror();
  void *address = dlsym(handle, symbol);
  if (!address)
    missing.push_back(symbol);
  fn = reinterpret_cast<Fn>(address);
}

/// The name of an ELF e_machine value.
std::string machineName(unsigned machine) {
  switch (machine) {
  case 3: return "i386";
  case 21: return "ppc64";
  case 40: return "arm";
  case 62: return "x86-64";
  case 183: return "aarch64";
  case 243: return "riscv";
  default: return "ELF machine " + std::to_string(machine);
  }
}

/// Dies with a clear message when `path` is not an ELF file or holds code
/// for another machine: dlopen would say "No such file or directory".
void checkELFMachine(const std::string &path, const std::string &modelPath) {
  unsigned char header[20] = {};
  FILE *file = std::fopen(path.c_str(), "rb");
  size_t got = file ? std::fread(header, 1, sizeof(header), file) : 0;
  if (file)
    std::fclose(file);
  if (!file)
    return; // dlopen reports the reason.
  if (got < sizeof(header) || std::memcmp(header, "\x7f" "ELF", 4) != 0)
    die("'" + modelPath +
        "' is not a shared library (no ELF header); build one with "
        "onnx-compile model.onnx -o model.so");
  // e_machine, in the file's byte order (EI_DATA: 1 little, 2 big).
  unsigned machine = header[5] == 2 ? (header[18] << 8) | header[19]
                                    : header[18] | (header[19] << 8);
#if defined(__x86_64__)
  const unsigned host = 62;
#elif defined(__aarch64__)
  const unsigned host = 183;
#else
  const unsigned host = machine;
#endif
  if (machine != host)
    die("'" + modelPath + "' holds " + machineName(machine) +
        " code; this onnx-run runs " + machineName(host) +
        " (run the model on its machine, or under qemu with a runner built "
        "for it)");
}

ModelLibrary loadModel(const std::string &modelPath) {
  std::string path = modelPath;
  if (path.find('/') == std::string::npos)
    path = "./" + path;
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    die("cannot open model '" + modelPath + "': " + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    die("'" + modelPath + "' is a directory, not a compiled model (.so)");
  checkELFMachine(path, modelPath);
  // The library stays loaded until exit: the runtime may hold thread-local
  // state and the descriptor lives in it.
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *message = dlerror();
    die("cannot load '" + modelPath + "': " +
        (message ? message : "unknown dlopen error") +
        " (expected a shared library built by onnx-compile)");
  }
  ModelLibrary lib;
  std::vector<std::string> missing;
  lookUp(handle, "onnxc_get_model", lib.getModel, missing);
  lookUp(handle, "onnxc_session_create", lib.sessionCreate, missing);
  lookUp(handle, "onnxc_session_destroy", lib.sessionDestroy, missing);
  lookUp(handle, "onnxc_run", lib.run, missing);
  lookUp(handle, "onnxc_last_error", lib.lastError, missing);

  // The thread pool came with a later runtime: only --threads needs it.
  std::vector<std::string> optional;
  lookUp(handle, "onnxc_set_num_threads", lib.setNumThreads, optional);
  lookUp(handle, "onnxc_get_num_threads", lib.getNumThreads, optional);
  lookUp(handle, "onnxc_weights_load", lib.weightsLoad, missing);
  // ABI 3's; an older library is refused for its ABI version instead.
  lookUp(handle, "onnxc_run_alloc", lib.runAlloc, optional);
  lookUp(handle, "onnxc_free", lib.free, optional);
  lookUp(handle, "onnxc_session_create_cuda", lib.sessionCreateCUDA, optional);
  if (!missing.empty()) {
    std::string list;
    for (const std::string &name : missing)
      list += (list.empty() ? "" : ", ") + name;
    die("'" + modelPath +
        "' is not a compiled model: it does not export " + list +
        " (build it with onnx-compile as a shared library)");
  }
  return lib;
}

std::string descName(const onnxc_tensor_desc &desc) {
  return desc.name ? desc.name : "(unnamed)";
}

std::vector<int64_t> descShape(const onnxc_tensor_desc &desc) {
  if (desc.rank <= 0 || !desc.shape)
    return {};
  return std::vector<int64_t>(desc.shape, desc.shape + desc.rank);
}

/// "float32[batch,?,3]": a dim known only at run time by its name in the
/// ONNX model, or '?'.
std::string descType(const onnxc_tensor_desc &desc) {
  std::string s = dtypeName(desc.dtype) + "[";
  for (int32_t k = 0; k < desc.rank && desc.shape; ++k) {
    if (k)
      s += ",";
    if (desc.shape[k] >= 0)
      s += std::to_string(desc.shape[k]);
    else if (desc.dim_params && desc.dim_params[k] && *desc.dim_params[k])
      s += desc.dim_params[k];
    else
      s += "?";
  }
  return s + "]";
}

bool isDynamic(const onnxc_tensor_desc &desc) {
  for (int32_t k = 0; k < desc.rank && desc.shape; ++k)
    if (desc.shape[k] < 0)
      return true;
  return false;
}

/// Whether the model has a dim known only at run time (as the runtime
/// decides it: the flag, or the shapes).
bool isDynamic(const onnxc_model_desc *desc) {
  if (desc->flags & ONNXC_MODEL_DYNAMIC)
    return true;
  for (int i = 0; i < desc->num_inputs; ++i)
    if (isDynamic(desc->inputs[i]))
      return true;
  for (int i = 0; i < desc->num_outputs; ++i)
    if (isDynamic(desc->outputs[i]))
      return true;
  return false;
}

const onnxc_model_desc *getDescriptor(const ModelLibrary &lib,
                                      const std::string &modelPath) {
  const onnxc_model_desc *desc = lib.getModel();
  if (!desc)
    die("'" + modelPath + "': onnxc_get_model() returned NULL");
  if (desc->abi_version != ONNXC_ABI_VERSION)
    die("'" + modelPath + "' was compiled for runtime ABI version " +
        std::to_string(desc->abi_version) + "; this onnx-run supports " +
        std::to_string(ONNXC_ABI_VERSION) + " (recompile it)");
  if (desc->num_inputs < 0 || desc->num_outputs < 0 ||
      (desc->num_inputs > 0 && !desc->inputs) ||
      (desc->num_outputs > 0 && !desc->outputs))
    die("'" + modelPath + "': malformed model descriptor");
  return desc;
}

void printInfo(const onnxc_model_desc *desc) {
  std::printf("model: %s (runtime ABI %u)\n",
              desc->name ? desc->name : "(unnamed)", desc->abi_version);
  for (int i = 0; i < desc->num_inputs; ++i)
    std::printf("input  %s: %s\n", descName(desc->inputs[i]).c_str(),
                descType(desc->inputs[i]).c_str());
  for (int i = 0; i < desc->num_outputs; ++i)
    std::printf("output %s: %s\n", descName(desc->outputs[i]).c_str(),
                descType(desc->outputs[i]).c_str());
  std::printf("workspace: %" PRIu64 " bytes\n", desc->workspace_bytes);
  if (desc->device == ONNXC_DEVICE_CUDA)
    std::printf("device: cuda (device weights: %" PRIu64 " bytes)\n",
                desc->device_weights_bytes);
  if (desc->weights && desc->weights->file_name)
    std::printf("weights: external, %s (%" PRIu64 " bytes)\n",
                desc->weights->file_name, desc->weights->bytes);
  else
    std::printf("weights: embedded\n");
}

//===----------------------------------------------------------------------===//
// Inputs and outputs
//===----------------------------------------------------------------------===//

std::string inputNames(const onnxc_model_desc *desc) {
  std::string list;
  for (int i = 0; i < desc->num_inputs; ++i)
    list += (i ? ", " : "") + descName(desc->inputs[i]);
  return list.empty() ? "(none)" : list;
}

int findInput(const onnxc_model_desc *desc, const std::string &name) {
  for (int i = 0; i < desc->num_inputs; ++i)
    if (desc->inputs[i].name && name == desc->inputs[i].name)
      return i;
  return -1;
}

bool hasExtension(const std::string &path, const char *ext) {
  size_t n = std::strlen(ext);
  if (path.size() < n)
    return false;
  std::string tail = path.substr(path.size() - n);
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return tail == ext;
}

/// Reads a .npy or TensorProto file; `protoName` gets a TensorProto's name.
HostTensor readInputFile(const std::string &path, std::string &protoName) {
  HostTensor tensor;
  std::string error;
  protoName.clear();
  bool npy = hasExtension(path, ".npy") ||
             (!hasExtension(path, ".pb") && hasNpyMagic(path));
  bool ok = npy ? readNpy(path, tensor, error)
                : readTensorProto(path, tensor, protoName, error);
  if (!ok)
    die(error);
  return tensor;
}

void fillRandom(HostTensor &tensor, uint64_t seed, int index) {
  std::seed_seq seq{static_cast<uint32_t>(seed),
                    static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(index)};
  std::mt19937_64 rng(seq);
  // Uniform in [-1, 1), from the top 53 bits (the same on every platform,
  // unlike std::uniform_real_distribution).
  auto real = [&]() { return double(rng() >> 11) * 0x1.0p-52 - 1.0; };
  auto integer = [&]() { return rng() % 100; };
  int64_t n = tensor.elements();
  void *data = tensor.data();
  switch (tensor.dtype()) {
  case ONNXC_FLOAT:
    for (int64_t i = 0; i < n; ++i)
      static_cast<float *>(data)[i] = static_cast<float>(real());
    break;
  case ONNXC_DOUBLE:
    for (int64_t i = 0; i < n; ++i)
      static_cast<double *>(data)[i] = real();
    break;
  case ONNXC_FLOAT16:
    for (int64_t i = 0; i < n; ++i)
      static_cast<uint16_t *>(data)[i] =
          floatToHalf(static_cast<float>(real()));
    break;
  case ONNXC_BFLOAT16:
    for (int64_t i = 0; i < n; ++i)
      static_cast<uint16_t *>(data)[i] =
          floatToBFloat16(static_cast<float>(real()));
    break;
  case ONNXC_BOOL:
    for (int64_t i = 0; i < n; ++i)
      static_cast<uint8_t *>(data)[i] = static_cast<uint8_t>(rng() >> 63);
    break;
#define INTEGER_CASE(DTYPE, TYPE)                                              \
  case DTYPE:                                                                  \
    for (int64_t i = 0; i < n; ++i)                                            \
      static_cast<TYPE *>(data)[i] = static_cast<TYPE>(integer());             \
    break;
    INTEGER_CASE(ONNXC_UINT8, uint8_t)
    INTEGER_CASE(ONNXC_INT8, int8_t)
    INTEGER_CASE(ONNXC_UINT16, uint16_t)
    INTEGER_CASE(ONNXC_INT16, int16_t)
    INTEGER_CASE(ONNXC_INT32, int32_t)
    INTEGER_CASE(ONNXC_INT64, int64_t)
    INTEGER_CASE(ONNXC_UINT32, uint32_t)
    INTEGER_CASE(ONNXC_UINT64, uint64_t)
#undef INTEGER_CASE
  }
}

/// Milliseconds in fixed notation: 3 decimals, 6 below 1 ms (microsecond
/// models).
std::string formatMs(double ms) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), ms >= 1.0 ? "%.3f" : "%.6f", ms);
  return buffer;
}

/// Output file names: '/' becomes '_', duplicates get a suffix.
std::vector<std::string> outputFileNames(const onnxc_model_desc *desc) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (int i = 0; i < desc->num_outputs; ++i) {
    std::string name = desc->outputs[i].name ? desc->outputs[i].name : "";
    std::replace(name.begin(), name.end(), '/', '_');
    if (name.empty() || name == "." || name == "..")
      name = "output_" + std::to_string(i) + name;
    std::string unique = name;
    for (int k = 1; used.count(unique); ++k)
      unique = name + "_" + std::to_string(k);
    used.insert(unique);
    names.push_back(unique);
  }
  return names;
}

} // namespace

int main(int argc, char **argv) {
  Options opts = parseArgs(argc, argv);
  ModelLibrary lib = loadModel(opts.modelPath);
  const onnxc_model_desc *desc = getDescriptor(lib, opts.modelPath);

  if (opts.info) {
    printInfo(desc);
    return 0;
  }

  // Which file feeds which input; names are checked before reading.
  int numInputs = desc->num_inputs;
  std::vector<HostTensor> inputs(numInputs);
  std::vector<std::string> sources(numInputs);
  for (InputArg &arg : opts.inputs) {
    HostTensor tensor;
    std::string protoName;
    if (arg.name.empty()) {
      // "--input FILE": the name comes from a TensorProto.
      tensor = readInputFile(arg.path, protoName);
      if (protoName.empty())
        die("--input '" + arg.path +
            "': expected NAME=FILE (only a TensorProto with a name may "
            "omit NAME)");
      arg.name = protoName;
    }
    int index = findInput(desc, arg.name);
    if (index < 0)
      die("the model has no input '" + arg.name + "'; its inputs are: " +
          inputNames(desc));
    if (!sources[index].empty())
      die("input '" + arg.name + "' is given twice ('" + sources[index] +
          "' and '" + arg.path + "')");
    sources[index] = arg.path;
    if (tensor.data())
      inputs[index] = std::move(tensor);
  }
  if (!opts.random) {
    std::string missing;
    for (int i = 0; i < numInputs; ++i)
      if (sources[i].empty())
        missing += std::string(missing.empty() ? "" : ", ") +
                   descName(desc->inputs[i]) + " (" +
                   descType(desc->inputs[i]) + ")";
    if (!missing.empty()) {
      bool several = missing.find(", ") != std::string::npos;
      die(std::string("missing model input") + (several ? "s" : "") + ": " +
          missing + "; give " + (several ? "each" : "it") +
          " with --input NAME=FILE, or use --random");
    }
  }
  for (int i = 0; i < numInputs; ++i) {
    const onnxc_tensor_desc &d = desc->inputs[i];
    std::string error;
    if (sources[i].empty()) {
      for (int32_t k = 0; k < d.rank; ++k)
        if (d.shape[k] < 0)
          die("--random: input '" + descName(d) + "' (" + descType(d) +
              ") has dim " + std::to_string(k) +
              " known only at run time; give it with --input NAME=FILE");
      if (!inputs[i].allocate(d.dtype, descShape(d), error))
        die("cannot make random data for input '" + descName(d) + "' (" +
            descType(d) + "): " + error +
            (dtypeSize(d.dtype) ? "; give it with --input" : ""));
      fillRandom(inputs[i], opts.seed, i);
      continue;
    }
    if (!inputs[i].data()) {
      std::string protoName;
      inputs[i] = readInputFile(sources[i], protoName);
    }
    // NumPy has no bfloat16: take uint16 bit patterns for a bfloat16 input.
    if (d.dtype == ONNXC_BFLOAT16 && inputs[i].dtype() == ONNXC_UINT16)
      inputs[i].reinterpretAs(ONNXC_BFLOAT16);
  }

  // A model with dims known only at run time has the runtime allocate its
  // outputs each run (onnxc_run_alloc); others run into buffers made here.
  bool dynamic = isDynamic(desc);
  if (dynamic && (!lib.runAlloc || !lib.free))
    die("'" + opts.modelPath +
        "' does not export onnxc_run_alloc and onnxc_free (build it with "
        "this onnx-compile)");
  int numOutputs = desc->num_outputs;
  std::vector<HostTensor> outputs(numOutputs);
  for (int i = 0; i < numOutputs && !dynamic; ++i) {
    const onnxc_tensor_desc &d = desc->outputs[i];
    std::string error;
    if (!outputs[i].allocate(d.dtype, descShape(d), error))
      die("cannot allocate output '" + descName(d) + "' (" + descType(d) +
          "): " + error);
  }

  auto toTensors = [](std::vector<HostTensor> &tensors) {
    std::vector<onnxc_tensor> result;
    for (HostTensor &t : tensors)
      result.push_back({t.data(), t.dtype(),
                        static_cast<int32_t>(t.shape().size()),
                        t.shape().data()});
    return result;
  };
  std::vector<onnxc_tensor> inputTensors = toTensors(inputs);
  std::vector<onnxc_tensor> outputTensors = toTensors(outputs);

  if (opts.threads) {
    if (!lib.setNumThreads)
      die("--threads: '" + opts.modelPath +
          "' was compiled without a thread pool (onnxc_set_num_threads)");
    lib.setNumThreads(opts.threads);
  }
  if (!opts.weightsPath.empty()) {
    if (!desc->weights)
      die("--weights: '" + opts.modelPath +
          "' has its weights embedded (it was not compiled with "
          "--weights=external)");
    onnxc_status loaded = lib.weightsLoad(desc, opts.weightsPath.c_str());
    if (loaded != ONNXC_OK)
      die("--weights: " + lib.lastErrorOr(loaded));
  }
  onnxc_session *session = nullptr;
  onnxc_status status;
  bool cudaModel = desc->device == ONNXC_DEVICE_CUDA;
  if (!opts.device.empty() && (opts.device == "cpu") == cudaModel)
    die("--device " + opts.device + ": '" + opts.modelPath +
        "' was compiled for the " + (cudaModel ? "GPU (--target=cuda)" : "CPU") +
        "; compile it with --target=" + (cudaModel ? "cpu" : "cuda") +
        " to run it there");
  if (cudaModel) {
    int ordinal = 0;
    if (opts.device.size() > 4) {
      if (opts.device[4] != ':')
        die("--device expects cpu, cuda or cuda:N, got '" + opts.device + "'");
      ordinal = static_cast<int>(
          parseUnsigned("--device cuda:N", opts.device.substr(5), 1023));
    }
    status = lib.sessionCreateCUDA(desc, ordinal, nullptr, &session);
  } else {
    status = lib.sessionCreate(desc, nullptr, &session);
  }
  if (status != ONNXC_OK || !session)
    die("cannot create a session: " + lib.lastErrorOr(status) +
        (status == ONNXC_ERROR_WEIGHTS && opts.weightsPath.empty()
             ? "; with onnx-run, give the file with --weights FILE"
             : ""));

  // keep: copy a dynamic model's outputs into `outputs` (to write them);
  // either way the runtime's buffers are freed.
  std::vector<onnxc_tensor> allocated(numOutputs);
  auto runOnce = [&](bool keep) {
    onnxc_status s;
    if (!dynamic) {
      s = lib.run(session, inputTensors.data(), inputTensors.size(),
                  outputTensors.data(), outputTensors.size());
    } else {
      s = lib.runAlloc(session, inputTensors.data(), inputTensors.size(),
                       allocated.data(), allocated.size());
      for (int i = 0; i < numOutputs && s == ONNXC_OK && keep; ++i) {
        const onnxc_tensor &t = allocated[i];
        std::string error;
        if (!outputs[i].allocate(
                t.dtype, std::vector<int64_t>(t.shape, t.shape + t.rank),
                error))
          die("cannot allocate output '" + descName(desc->outputs[i]) +
              "': " + error);
        std::memcpy(outputs[i].data(), t.data, outputs[i].bytes());
      }
      for (onnxc_tensor &t : allocated) {
        lib.free(t.data);
        t.data = nullptr;
      }
    }
    if (s == ONNXC_OK)
      return;
    std::string message = lib.lastErrorOr(s);
    // Say which given inputs differ from the descriptor, and from where.
    for (int i = 0; i < numInputs; ++i) {
      const onnxc_tensor_desc &d = desc->inputs[i];
      std::vector<int64_t> expected = descShape(d);
      const std::vector<int64_t> &got = inputs[i].shape();
      bool same = inputs[i].dtype() == d.dtype && got.size() == expected.size();
      for (size_t k = 0; same && k < got.size(); ++k)
        same = expected[k] < 0 || expected[k] == got[k];
      if (!same)
        message += "\n  note: input '" + descName(d) + "' from '" +
                   sources[i] + "' is " + inputs[i].typeString() +
                   "; the model expects " + descType(d);
    }
    die(message);
  };

  if (opts.bench) {
    for (int64_t i = 0; i < opts.warmup; ++i)
      runOnce(false);
    std::vector<double> ms;
    ms.reserve(opts.bench);
    for (int64_t i = 0; i < opts.bench; ++i) {
      auto start = std::chrono::steady_clock::now();
      runOnce(opts.haveOutputDir && i + 1 == opts.bench);
      auto stop = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(stop - start)
                       .count());
    }
    double sum = 0;
    for (double t : ms)
      sum += t;
    std::sort(ms.begin(), ms.end());
    size_t n = ms.size();
    double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    int threads = lib.getNumThreads ? lib.getNumThreads() : 1;
    std::printf("latency over %" PRId64 " runs (%d thread%s): median %s ms, "
                "min %s ms, mean %s ms\n",
                opts.bench, threads, threads == 1 ? "" : "s",
                formatMs(median).c_str(),
                formatMs(ms.front()).c_str(), formatMs(sum / n).c_str());
    std::fflush(stdout);
  } else {
    runOnce(true);
  }
  lib.sessionDestroy(session);

  if (opts.bench && !opts.haveOutputDir)
    return 0;
  std::error_code ec;
  std::filesystem::create_directories(opts.outputDir, ec);
  if (ec)
    die("cannot create output directory '" + opts.outputDir +
        "': " + ec.message());
  std::string dir = opts.outputDir;
  if (dir.back() != '/')
    dir += '/';
  std::vector<std::string> fileNames = outputFileNames(desc);
  for (int i = 0; i < numOutputs; ++i) {
    std::string path = dir + fileNames[i] + ".npy";
    std::string error;
    if (!writeNpy(path, outputs[i], error))
      die(error);
    std::printf("wrote %s %s%s\n", path.c_str(),
                outputs[i].typeString().c_str(),
                outputs[i].dtype() == ONNXC_BFLOAT16
                    ? " (as uint16 bit patterns)"
                    : "");
  }
  return 0;
}
