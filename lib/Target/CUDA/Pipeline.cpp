//===- Pipeline.cpp - linalg on tensors to PTX kernels and host code ------===//
//
// The sequence follows upstream's gpu-lower-to-nvvm-pipeline
// (mlir/lib/Dialect/GPU/Pipelines/GPUToNVVMPipeline.cpp), with the
// project's bufferization, memory plan and calling convention around it.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Target/CUDA/CUDATarget.h"
#include "onnxc/Transforms/ExternalWeights.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace mlir;

namespace onnxc {

std::optional<unsigned> getGPUArchVersion(StringRef arch) {
  // The architectures of NVPTX (LLVM 22) from Volta on; "a": the
  // architecture-specific features of Hopper and later.
  static constexpr unsigned known[] = {70, 72, 75, 80, 86, 87, 89, 90,
                                       100, 101, 103, 110, 120, 121};
  unsigned version = 0;
  if (!arch.consume_front("sm_"))
    return std::nullopt;
  bool specific = arch.consume_back("a");
  if (arch.empty() || !llvm::all_of(arch, llvm::isDigit) ||
      arch.front() == '0' || arch.getAsInteger(10, version) ||
      !llvm::is_contained(known, version) || (specific && version < 90))
    return std::nullopt;
  return version;
}

LogicalResult checkGPUArch(MLIRContext *context, StringRef arch) {
  if (getGPUArchVersion(arch))
    return success();
  return emitError(UnknownLoc::get(context))
         << "--gpu-arch: '" << arch
         << "' is not a GPU architecture of the CUDA target; expected sm_NN "
            "from sm_70 on (sm_80 for A100, sm_90 for H100/H200, sm_90a with "
            "Hopper's own features), several separated by commas";
}

SmallVector<std::string> getCUDAToolkitRoots(StringRef cudaPath) {
  if (!cudaPath.empty())
    return {cudaPath.str()};
  SmallVector<std::string> roots;
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(variable))
      roots.push_back(*value);
  roots.append({"/usr/local/cuda", "/usr/lib/cuda",
                "/usr/lib/nvidia-cuda-toolkit"});
  return roots;
}

std::string findLibdevice(StringRef cudaPath) {
  for (const std::string &root : getCUDAToolkitRoots(cudaPath)) {
    for (StringRef folder : {"nvvm/libdevice", "libdevice"}) {
      SmallString<256> path(root);
      llvm::sys::path::append(path, folder, "libdevice.10.bc");
      if (llvm::sys::fs::exists(path))
        return std::string(path);
    }
  }
  return "";
}

/// Bufferized, planned loops mapped to blocks and threads (scf.parallel
/// with mapping attributes): what the GPU launches, and what
/// buildGPUMappingOnCPUPipeline runs on the CPU.
static void buildMappedLoopsPipeline(OpPassManager &pm,
                                     const CUDATargetOptions &options,
                                     const llvm::StringSet<> &disabled) {
  auto enabled = [&](StringRef flag) { return !disabled.contains(flag); };
  if (enabled("onnxc-fuse-elementwise"))
    pm.nest<func::FuncOp>().addPass(createFuseElementwise());

  // Tensors to buffers; every intermediate into the planned workspace,
  // which the runtime allocates on the device.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(createBufferize());
  pm.addPass(createCanonicalizerPass());
  pm.nest<func::FuncOp>().addPass(createPlanMemory());
  pm.addPass(createFlattenGlobals());
  // Polynomials instead of libdevice calls where they are as accurate.
  if (enabled("onnxc-approximate-math"))
    pm.addPass(createApproximateMath());

  // Loops to blocks and threads, launches, kernels.
  MapParallelLoopsToGPUOptions map;
  map.blockSize = options.blockSize;
  pm.addPass(createMapParallelLoopsToGPU(map));
}

void buildGPUMappingOnCPUPipeline(OpPassManager &pm,
                                  const CUDATargetOptions &options,
                                  const llvm::StringSet<> &disabled) {
  buildMappedLoopsPipeline(pm, options, disabled);
  OpPassManager &loopsPm = pm.nest<func::FuncOp>();
  loopsPm.addPass(createLowerAffinePass());
  loopsPm.addPass(createSCFToControlFlowPass());
  loopsPm.addPass(createCanonicalizerPass());
  loopsPm.addPass(createCSEPass());
  buildCPUToLLVMPipeline(pm);
}

void buildCUDAKernelPipeline(OpPassManager &pm,
                             const CUDATargetOptions &options,
                             const llvm::StringSet<> &disabled) {
  buildMappedLoopsPipeline(pm, options, disabled);
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createConvertParallelLoopToGpuPass());
  funcPm.addPass(createCanonicalizerPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createMergeGPUModules());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));

  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.optLevel = 3;
  if (!options.libdevice.empty())
    target.linkLibs.push_back(options.libdevice);
  pm.addPass(createGpuNVVMAttachTarget(target));
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.indexBitwidth = 64;
  OpPassManager &kernelPm = pm.nest<gpu::GPUModuleOp>();
  kernelPm.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  kernelPm.addPass(createCanonicalizerPass());
  kernelPm.addPass(createCSEPass());
  kernelPm.addPass(createReconcileUnrealizedCastsPass());
}

LogicalResult checkLibdeviceCalls(ModuleOp module,
                                  const CUDATargetOptions &options) {
  if (!options.libdevice.empty())
    return success();
  LogicalResult result = success();
  module.walk([&](LLVM::CallOp call) {
    std::optional<StringRef> callee = call.getCallee();
    if (!callee || !callee->starts_with("__nv_") ||
        !call->getParentOfType<gpu::GPUModuleOp>())
      return WalkResult::advance();
    result = emitError(call.getLoc())
             << "a kernel calls libdevice's '" << *callee
             << "', and libdevice.10.bc was not found: pass --cuda-path=DIR "
                "(the CUDA toolkit's folder) or set CUDA_HOME";
    return WalkResult::interrupt();
  });
  return result;
}

void buildCUDAHostPipeline(OpPassManager &pm) {
  pm.nest<func::FuncOp>().addPass(createCanonicalizerPass());
  pm.nest<func::FuncOp>().addPass(createCSEPass());
  // The CPU's host lowering and calling convention; the launches become
  // calls of the runtime (mgpuLaunchKernel, ...; renamed onnxc_cuda_* by
  // the ABI), kernels taking full memref descriptors.
  buildCPUToLLVMPipeline(pm, /*externalWeights=*/false,
                         [](OpPassManager &pm) {
                           GpuToLLVMConversionPassOptions launches;
                           launches.hostBarePtrCallConv = true;
                           pm.addPass(createGpuToLLVMConversionPass(launches));
                         });
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  ExternalizeWeightsOptions weights;
  weights.baseArgument = "main_graph";
  pm.addPass(createExternalizeWeights(weights));
}

LogicalResult collectDeviceWeights(ModuleOp module, ModelSignature &signature) {
  auto bytes = module->getAttrOfType<IntegerAttr>(kWeightsBytesAttr);
  if (!bytes)
    return success();
  signature.deviceWeights.assign(bytes.getInt(), 0);
  std::vector<char> data;
  SmallVector<LLVM::GlobalOp> moved;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    auto offset = global->getAttrOfType<IntegerAttr>(kWeightsOffsetAttr);
    if (!offset)
      continue;
    if (!getWeightsData(global, data) ||
        offset.getInt() + static_cast<int64_t>(data.size()) > bytes.getInt())
      return global.emitError()
             << "internal error: constant '" << global.getSymName()
             << "' does not fit the device weights";
    std::copy(data.begin(), data.end(),
              signature.deviceWeights.begin() + offset.getInt());
    moved.push_back(global);
  }
  for (LLVM::GlobalOp global : moved)
    if (SymbolTable::symbolKnownUseEmpty(global, module))
      global.erase();
  module->removeAttr(kWeightsBytesAttr);
  return success();
}

} // namespace onnxc
