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

void buildCPULoweringPipeline(OpPassManager &pm, const CPUVectorUnit &unit) {
  pm.nest<func::FuncOp>().addPass(createConvToIm2Col());
  pm.nest<func::FuncOp>().addPass(createFuseElementwise());
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
  pm.addPass(createVectorizeContractions(contractions));
  VectorizeDepthwiseOptions depthwise;
  depthwise.vectorBits = unit.vectorBits;
  depthwise.vectorRegisters = unit.vectorRegisters;
  pm.addPass(createVectorizeDepthwise(depthwise));
  pm.nest<func::FuncOp>().addPass(createPlanMemory());
  pm.addPass(createFlattenGlobals());
  pm.addPass(createOutlineKernels());
  pm.addPass(createApproximateMath());

  // Loops over buffers; kernels whose outer loops are parallel get a range
  // form that the thread pool splits.
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createContiguousInnerLoop());
  funcPm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createParallelizeKernels());
  OpPassManager &loopsPm = pm.nest<func::FuncOp>();
  loopsPm.addPass(createLowerAffinePass());
  loopsPm.addPass(createSCFToControlFlowPass());
  loopsPm.addPass(createCanonicalizerPass());
  loopsPm.addPass(createCSEPass());

  // To the LLVM dialect. Arguments are bare pointers: shapes are static and
  // the runtime checked them against the descriptor. bf16 conversions are
  // expanded to integer ops; math without an LLVM intrinsic calls libm.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(func));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

} // namespace onnxc
