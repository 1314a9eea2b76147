//===- onnx-opt.cpp - mlir-opt with the onnx dialect and our passes -------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Conversion/Passes.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<onnxc::onnx_ir::ONNXDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect, mlir::memref::MemRefDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::vector::VectorDialect, mlir::LLVM::LLVMDialect,
                  mlir::cf::ControlFlowDialect, mlir::gpu::GPUDialect>();
  mlir::registerTransformsPasses();
  onnxc::registerONNXCPasses();
  onnxc::registerONNXCConversionPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "onnx-compile optimizer driver\n", registry));
}
