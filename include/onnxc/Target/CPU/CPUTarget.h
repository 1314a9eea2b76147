//===- CPUTarget.h - Native code for the host or a target triple -*- C++ -*-===//
//
// The CPU back end: bufferized, planned linalg to the LLVM dialect, LLVM IR
// with the compiled model's C ABI (runtime/include/onnxc/runtime.h), object
// code, and the artifacts users link: .o, .a, .so and the C header.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_TARGET_CPU_CPUTARGET_H
#define ONNXC_TARGET_CPU_CPUTARGET_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>
#include <string>
#include <vector>

namespace onnxc {

/// One input or output of a compiled model.
struct TensorSignature {
  std::string name;
  /// ONNX TensorProto data type (the runtime's onnxc_dtype).
  int32_t dtype = 0;
  mlir::Type elementType;
  /// Dims; -1 for one known only at run time.
  llvm::SmallVector<int64_t> shape;
  /// Per dim: the ONNX dim_param naming a run-time dim, else "".
  llvm::SmallVector<std::string> dimParams;

  bool isDynamic() const { return llvm::is_contained(shape, -1); }
};

/// What the C ABI of a compiled model exposes.
struct ModelSignature {
  /// The --name prefix of the symbols (a C identifier).
  std::string name;
  std::vector<TensorSignature> inputs, outputs;
  uint64_t workspaceBytes = 0;
  /// --weights=external: the weights file's name (no folder), its data
  /// bytes and checksum. Empty name: the weights are embedded.
  std::string weightsFile;
  uint64_t weightsBytes = 0;
  uint64_t weightsChecksum = 0;
  /// Where the kernels run (onnxc_device_kind): ONNXC_DEVICE_CPU, or
  /// ONNXC_DEVICE_CUDA for --target=cuda, whose host code launches them.
  uint32_t device = 0;
  /// --target=cuda: the constants the kernels read, laid out by
  /// --onnxc-externalize-weights (base-argument); the runtime copies them
  /// to the device once per session, and the graph function takes the
  /// device copy as its last argument. Empty: no such argument.
  std::vector<char> deviceWeights;
  /// --target=cuda: cubins of the kernels' PTX, as (compute capability
  /// major * 10 + minor, ELF bytes); the runtime loads the one for the
  /// device's architecture, or JIT-compiles the PTX.
  std::vector<std::pair<int, std::string>> cubins;

  /// The dims known only at run time that the typed NAME_run() of a
  /// dynamic model takes as parameters, in input order: one per dim_param
  /// name (dims of one name are one parameter), one per unnamed dim
  /// ("<input>_dim<d>"). `inputDims[i][d]` is the parameter of input i's
  /// dim d, or -1 for a static dim.
  struct RunTimeDims {
    std::vector<std::string> names;
    std::vector<llvm::SmallVector<int>> inputDims;
  };
  RunTimeDims getRunTimeDims() const;

  /// Whether an input or output has a dim known only at run time.
  bool isDynamic() const {
    return llvm::any_of(inputs, [](auto &t) { return t.isDynamic(); }) ||
           llvm::any_of(outputs, [](auto &t) { return t.isDynamic(); });
  }
};

/// Reads names, element types, shapes (-1 for a dynamic dim) and dim
/// params from a graph function on tensors. Fails, naming the tensor, for
/// an unranked tensor or an element type the runtime has no code for.
mlir::FailureOr<ModelSignature> getModelSignature(mlir::func::FuncOp graph,
                                                  llvm::StringRef name);

/// What the code generator needs to know of the target's vector unit.
struct CPUVectorUnit {
  /// Width of one vector register in bits (512 for AVX-512, 256 for AVX2,
  /// 128 for SSE and NEON).
  int64_t vectorBits = 256;
  /// Number of architectural vector registers (32 for AVX-512 and NEON).
  int64_t vectorRegisters = 16;
};

/// The vector unit of the CPU a target machine generates code for.
CPUVectorUnit getVectorUnit(const llvm::TargetMachine &machine);

/// linalg on tensors -> bufferized, memory-planned loops -> LLVM dialect;
/// micro-kernels sized for `unit`. The optimization passes named (by flag)
/// in `disabled` are left out, for bisecting a wrong result.
/// With `externalWeights`, constants are read through a pointer the runtime
/// sets (--onnxc-externalize-weights) and writeExternalWeights() must run
/// before translation.
void buildCPULoweringPipeline(mlir::OpPassManager &pm,
                              const CPUVectorUnit &unit = {},
                              const llvm::StringSet<> &disabled = {},
                              bool externalWeights = false);

/// The tail of the CPU pipeline: loops and control flow over buffers (the
/// graph function and its kernels) to the LLVM dialect with the model's
/// calling convention (dynamic arguments, run-time checks, bare pointers).
/// `beforeReconcile` adds the passes that must see the LLVM dialect before
/// the casts between the type systems are reconciled (the CUDA target's
/// launches).
void buildCPUToLLVMPipeline(
    mlir::OpPassManager &pm, bool externalWeights = false,
    llvm::function_ref<void(mlir::OpPassManager &)> beforeReconcile = nullptr);

/// The weights file beside an artifact: model.so -> model.weights.
std::string getWeightsPath(llvm::StringRef outputPath);

/// Writes the constants that --onnxc-externalize-weights laid out to
/// `path` (atomically: a new file renamed over the old one), erases their
/// globals and sets the weights fields of `signature`. Does nothing when
/// the pass moved no constant. Fails with a diagnostic when the file
/// cannot be written.
mlir::LogicalResult writeExternalWeights(mlir::ModuleOp module,
                                         llvm::StringRef path,
                                         ModelSignature &signature);

struct CPUTargetOptions {
  /// Empty: the host's triple.
  std::string triple;
  /// "native": the host CPU with its features; otherwise an LLVM CPU name.
  /// Empty: "native" for the host's architecture, "generic" for another.
  std::string cpu;
  unsigned optLevel = 3;
};

/// Creates the target machine or emits an error (unknown triple or CPU).
mlir::FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(mlir::MLIRContext *context, const CPUTargetOptions &options);

/// Translates the LLVM-dialect module and adds the model's C ABI: the
/// descriptor, the packed entry point, NAME_run, NAME_model and, for a
/// shared library, onnxc_get_model.
std::unique_ptr<llvm::Module>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                  const ModelSignature &signature, bool sharedLibrary);

/// Runs LLVM's optimization pipeline for the target machine.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine,
                    unsigned optLevel);

/// Emits an object file into `object`.
mlir::LogicalResult emitObject(mlir::MLIRContext *context, llvm::Module &module,
                               llvm::TargetMachine &machine,
                               llvm::SmallVectorImpl<char> &object);

/// The C header of the typed API.
std::string generateHeader(const ModelSignature &signature);

/// `override` if set, else the runtime archive for `target` shipped with the
/// compiler, in the lib/ folder beside the bin/ folder of the running
/// executable: lib/<triple>/libonnxc_runtime.a with the triple spelled
/// arch-os-env (aarch64-linux-gnu) or normalized (aarch64-unknown-linux-gnu),
/// and for the host's architecture lib/libonnxc_runtime.a. The first
/// candidate when none exists (checkRuntimeLibrary then lists them).
std::string findRuntimeLibrary(llvm::StringRef override,
                               const llvm::Triple &target);

/// Checks that the runtime archive exists and holds code for `target`'s
/// architecture only; an error says where the archive was looked for, or
/// which architecture it holds, and how to make or pass one.
mlir::LogicalResult checkRuntimeLibrary(mlir::MLIRContext *context,
                                        llvm::StringRef runtimeLibrary,
                                        const llvm::Triple &target);

/// Links the model object and the runtime into a shared library with the C
/// compiler driver for `target`: $CC if set, else `cc` for the host's
/// architecture and the GNU cross driver <triple>-gcc on PATH (e.g.
/// aarch64-linux-gnu-gcc) for another; an error names the drivers looked
/// for.
mlir::LogicalResult linkSharedLibrary(mlir::MLIRContext *context,
                                      llvm::ArrayRef<char> object,
                                      llvm::StringRef runtimeLibrary,
                                      const llvm::Triple &target,
                                      llvm::StringRef outputPath);

/// Writes a static library holding the model object and the runtime's
/// members.
mlir::LogicalResult writeStaticLibrary(mlir::MLIRContext *context,
                                       llvm::ArrayRef<char> object,
                                       llvm::StringRef runtimeLibrary,
                                       llvm::StringRef outputPath);

/// Writes a relocatable object holding the model and the runtime (the
/// runtime's symbols are weak, so several models link into one program),
/// with the C compiler driver for `target` as linkSharedLibrary picks it.
mlir::LogicalResult writeRelocatableObject(mlir::MLIRContext *context,
                                           llvm::ArrayRef<char> object,
                                           llvm::StringRef runtimeLibrary,
                                           const llvm::Triple &target,
                                           llvm::StringRef outputPath);

} // namespace onnxc

#endif // ONNXC_TARGET_CPU_CPUTARGET_H
