//===- CUDATarget.h - Kernels for NVIDIA GPUs -------------------*- C++ -*-===//
//
// The CUDA back end (--target=cuda): bufferized, planned linalg becomes
// kernels in PTX (NVPTX through MLIR's gpu and nvvm dialects), embedded in
// host code that launches them through the runtime's CUDA driver calls
// (runtime/src/cuda.c). The host code is CPU code: the CPU target turns it
// into the model's library.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_TARGET_CUDA_CUDATARGET_H
#define ONNXC_TARGET_CUDA_CUDATARGET_H

#include "onnxc/Target/CPU/CPUTarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"

#include <string>

namespace onnxc {

struct CUDATargetOptions {
  /// The GPU architecture the PTX is generated for (sm_80: Ampere and
  /// newer, which the driver JIT-compiles it for).
  std::string chip = "sm_80";
  /// libdevice.10.bc, linked into kernels that call math functions
  /// (expf, powf, ...): findLibdevice(); empty when not found.
  std::string libdevice;
  /// Threads per block of the elementwise and reduction kernels.
  int64_t blockSize = 256;
};

/// The compute capability of a GPU architecture --gpu-arch accepts (90 for
/// sm_90 and sm_90a): the NVPTX architectures from sm_70 (Volta) on;
/// nullopt for anything else.
std::optional<unsigned> getGPUArchVersion(llvm::StringRef arch);

/// An error naming `arch` unless getGPUArchVersion() accepts it.
mlir::LogicalResult checkGPUArch(mlir::MLIRContext *context,
                                 llvm::StringRef arch);

/// The folders a CUDA toolkit may be in: `cudaPath` if given, else
/// $CUDA_HOME, $CUDA_PATH, /usr/local/cuda, /usr/lib/cuda and
/// /usr/lib/nvidia-cuda-toolkit.
llvm::SmallVector<std::string> getCUDAToolkitRoots(llvm::StringRef cudaPath);

/// libdevice.10.bc (under nvvm/libdevice or libdevice) of the first of
/// getCUDAToolkitRoots() that has it; "" when none has.
std::string findLibdevice(llvm::StringRef cudaPath);

/// linalg on tensors -> bufferized, memory-planned loops -> gpu.launch ->
/// outlined kernels in gpu.module, lowered to NVVM. The optimization
/// passes named in `disabled` are left out.
void buildCUDAKernelPipeline(mlir::OpPassManager &pm,
                             const CUDATargetOptions &options,
                             const llvm::StringSet<> &disabled = {});

/// For testing the mapping without a GPU (onnx-compile
/// --gpu-mapping-on-cpu): the CUDA target's passes up to the loops mapped
/// to blocks and threads, then those loops run serially on the CPU (the
/// CPU target's LLVM lowering), so that a CPU model computes what the
/// mapped loops compute.
void buildGPUMappingOnCPUPipeline(mlir::OpPassManager &pm,
                                  const CUDATargetOptions &options,
                                  const llvm::StringSet<> &disabled = {});

/// Fails, naming the math function and the op of the kernel that calls it,
/// when a kernel calls libdevice (__nv_*) and `options.libdevice` is empty.
mlir::LogicalResult checkLibdeviceCalls(mlir::ModuleOp module,
                                        const CUDATargetOptions &options);

/// The host code to the LLVM dialect, launches to runtime calls, kernels
/// to PTX (gpu.binary), and every constant the host passes to a kernel
/// read from the device copy of the weights (a last argument of the graph
/// function, --onnxc-externalize-weights with base-argument).
void buildCUDAHostPipeline(mlir::OpPassManager &pm);

/// The PTX of the module's kernels after buildCUDAHostPipeline (its one
/// gpu.binary; "" when the model has no kernels).
mlir::FailureOr<std::string> getModulePTX(mlir::ModuleOp module);

/// ptxas: `override` if given, else bin/ptxas of the first of
/// getCUDAToolkitRoots() that has it, else ptxas on PATH; "" when none
/// exists.
std::string findPtxas(llvm::StringRef override, llvm::StringRef cudaPath);

/// Assembles `ptx` with `ptxas` for each of `archs` (sm_NN) into
/// signature.cubins, which the runtime prefers over JIT-compiling the PTX
/// on GPUs of their architecture. Fails with ptxas's message.
mlir::LogicalResult assembleCubins(mlir::MLIRContext *context,
                                   llvm::StringRef ptx,
                                   llvm::ArrayRef<std::string> archs,
                                   llvm::StringRef ptxas,
                                   ModelSignature &signature);

/// Moves the constants laid out for the device into one byte blob: sets
/// signature.deviceWeights and erases their globals.
mlir::LogicalResult collectDeviceWeights(mlir::ModuleOp module,
                                         ModelSignature &signature);

} // namespace onnxc

#endif // ONNXC_TARGET_CUDA_CUDATARGET_H
