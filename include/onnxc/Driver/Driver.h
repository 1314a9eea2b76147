//===- Driver.h - From an ONNX file to compiler artifacts -------*- C++ -*-===//
//
// The only place that knows the whole flow: import, the pass pipelines and
// the artifact each --emit kind asks for.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_DRIVER_DRIVER_H
#define ONNXC_DRIVER_DRIVER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace onnxc {

/// Where the compiled model's kernels run.
enum class TargetKind {
  /// The CPU of --triple (the host's by default).
  CPU,
  /// NVIDIA GPUs: PTX kernels in a host library for --triple.
  CUDA,
};

/// What the compiler produces, in pipeline order.
enum class EmitKind {
  /// The imported onnx dialect, shapes inferred and shape subgraphs folded.
  ONNX,
  /// linalg / tensor / arith / math on tensors.
  Linalg,
  /// LLVM IR of the compiled model, C ABI included (.ll).
  LLVMIR,
  /// --target=cuda: the PTX of the model's kernels, one module (.ptx).
  PTX,
  /// A relocatable object with the runtime, plus the C header (.o).
  Object,
  /// A static library with the runtime, plus the C header (.a).
  StaticLibrary,
  /// A shared library with the runtime, plus the C header (.so).
  SharedLibrary,
  /// The C header of the typed API only (.h).
  Header,
  /// From the output file's extension; .mlir or stdout when it has none.
  Auto,
};

/// The kind an output path's extension asks for: .so, .a, .o, .h, .ll, and
/// the onnx dialect for .mlir and "-" (stdout); std::nullopt for any other
/// extension, which needs --emit.
std::optional<EmitKind> getEmitKindForPath(llvm::StringRef path);


struct CompileOptions {
  std::string inputPath;
  std::string outputPath = "-";
  EmitKind emit = EmitKind::ONNX;
  /// Print the op histogram and the graph's inputs and outputs.
  bool printStats = false;
  /// Print the pass pipeline instead of running it.
  bool printPipeline = false;
  /// Print initializer blobs in full in .mlir output.
  bool printWeights = false;
  /// Prefix of the generated symbols; empty: the output file's stem.
  std::string name;
  /// Target triple (empty: the host) and CPU ("native": the host's; empty:
  /// native for the host's architecture, generic for another).
  std::string triple;
  std::string cpu;
  /// LLVM optimization level, 0 to 3.
  unsigned optLevel = 3;
  /// --target: where the kernels run.
  TargetKind target = TargetKind::CPU;
  /// --target=cuda: the GPU architectures (a cubin each, and the PTX of
  /// the oldest), the CUDA toolkit's folder for libdevice and ptxas, and
  /// ptxas itself (empty: looked for).
  std::vector<std::string> gpuArchs = {"sm_80", "sm_90"};
  std::string cudaPath;
  std::string ptxas;
  /// Testing without a GPU: the CPU target, but its loops mapped as for
  /// the CUDA target and run serially (buildGPUMappingOnCPUPipeline).
  bool gpuMappingOnCPU = false;
  /// Write the constants to a .weights file beside the output (mapped by
  /// the runtime) instead of embedding them.
  bool externalWeights = false;
  /// The runtime archive; empty: lib/libonnxc_runtime.a beside bin/.
  std::string runtimeLibrary;
  /// Static shapes for inputs with dynamic dims: "name=1x3x224x224".
  std::vector<std::string> inputShapes;
  /// Optimization passes to leave out, by flag (see
  /// getOptimizationPassNames()), for bisecting a wrong result.
  std::vector<std::string> disabledPasses;
};

/// The flags of the passes that only make code faster and can be left out
/// with --disable-pass.
llvm::ArrayRef<llvm::StringLiteral> getOptimizationPassNames();

/// Adds the graph-level passes: shape inference with folding,
/// canonicalization, then the graph optimizations not in `disabled`.
void buildGraphPassPipeline(mlir::OpPassManager &pm,
                            const llvm::StringSet<> &disabled = {});

/// Adds the conversion of the onnx dialect to linalg on tensors.
void buildConversionPipeline(mlir::OpPassManager &pm);

/// Builds the pipeline from the imported graph to linalg on tensors, or to
/// the graph passes only for EmitKind::ONNX.
void buildPassPipeline(mlir::OpPassManager &pm, EmitKind emit,
                       const llvm::StringSet<> &disabled = {});

/// Prints the op histogram and the inputs/outputs of the graph function.
void printModelStats(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Runs the whole flow. Diagnostics go to the context's handler; returns
/// failure after one was emitted.
mlir::LogicalResult compile(mlir::MLIRContext &context,
                            const CompileOptions &options);

} // namespace onnxc

#endif // ONNXC_DRIVER_DRIVER_H
