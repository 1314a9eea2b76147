//===- Pipeline.cpp - linalg on tensors to the LLVM dialect ---------------===//

#include "onnxc/Target/CPU/CPUTarget.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace onnxc {

void buildCPULoweringPipeline(OpPassManager &pm, const CPUVectorUnit &unit,
                              const llvm::StringSet<> &disabled,
                              bool externalWeights) {
  auto enabled = [&](StringRef flag) { return !disabled.contains(flag); };
  if (enabled("onnxc-conv-to-im2col"))
    pm.nest<func::FuncOp>().addPass(createConvToIm2Col());
  if (enabled("onnxc-fuse-elementwise"))
    pm.nest<func::FuncOp>().addPass(createFuseElementwise());
  if (enabled("onnxc-collapse-dims"))
    pm.nest<func::FuncOp>().addPass(createCollapseDimensions());

  // Tensors to buffers; every intermediate into the planned workspace.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(createBufferize());
  pm.addPass(createCanonicalizerPass());
  // Micro-kernels before the memory plan: a fused epilogue writes its
  // output while the contraction's operands are live.
  VectorizeContractionsOptions contractions;
  contractions.vectorBits = unit.vectorBits;
  contractions.vectorRegisters = unit.vectorRegisters;
  if (enabled("onnxc-vectorize-contractions"))
    pm.addPass(createVectorizeContractions(contractions));
  VectorizeDepthwiseOptions depthwise;
  depthwise.vectorBits = unit.vectorBits;
  depthwise.vectorRegisters = unit.vectorRegisters;
  if (enabled("onnxc-vectorize-depthwise"))
    pm.addPass(createVectorizeDepthwise(depthwise));
  pm.nest<func::FuncOp>().addPass(createPlanMemory());
  pm.addPass(createFlattenGlobals());
  pm.addPass(createOutlineKernels());
  if (enabled("onnxc-approximate-math"))
    pm.addPass(createApproximateMath());

  // Loops over buffers; kernels whose outer loops are parallel get a range
  // form that the thread pool splits.
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  if (enabled("onnxc-contiguous-inner-loop"))
    funcPm.addPass(createContiguousInnerLoop());
  if (enabled("onnxc-reassociate-reductions"))
    funcPm.addPass(createReassociateReductions());
  funcPm.addPass(createConvertLinalgToParallelLoopsPass());
  if (enabled("onnxc-parallelize-kernels"))
    pm.addPass(createParallelizeKernels());
  OpPassManager &loopsPm = pm.nest<func::FuncOp>();
  loopsPm.addPass(createLowerAffinePass());
  loopsPm.addPass(createSCFToControlFlowPass());
  loopsPm.addPass(createCanonicalizerPass());
  loopsPm.addPass(createCSEPass());
  buildCPUToLLVMPipeline(pm, externalWeights);
}

void buildCPUToLLVMPipeline(
    OpPassManager &pm, bool externalWeights,
    llvm::function_ref<void(OpPassManager &)> beforeReconcile) {
  // Run-time dims: memrefs pass as a pointer and their dims, failed checks
  // return an error from the run. The bare-pointer convention has no form
  // for N-D memrefs without elements either.
  pm.addPass(createDynamicArguments());
  pm.addPass(createLowerRunTimeChecks());
  pm.addPass(createFlattenEmptyArguments());

  // To the LLVM dialect. Arguments are bare pointers: static shapes were
  // checked by the runtime against the descriptor, dynamic ones pass their
  // dims beside. bf16 conversions are
  // expanded to integer ops; math without an LLVM intrinsic calls libm.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // Buffers sized at run time come from the runtime
  // (_mlir_memref_to_llvm_alloc/free, renamed onnxc_memref_alloc/free by
  // the ABI), which aligns them and frees them all
  // when a run fails.
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  pm.addPass(createArithToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(func));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  if (beforeReconcile)
    beforeReconcile(pm);
  pm.addPass(createReconcileUnrealizedCastsPass());
  // LLVM has no constant data of i1: bool constants become bytes, which
  // also lets large ones move to the weights file.
  pm.addPass(createByteGlobals());
  if (externalWeights)
    pm.addPass(createExternalizeWeights());
}

} // namespace onnxc
