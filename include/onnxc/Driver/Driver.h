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
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace onnxc {

/// What the compiler produces, in pipeline order.
enum class EmitKind {
  /// The imported onnx dialect, shapes inferred and shape subgraphs folded.
  ONNX,
  /// linalg / tensor / arith / math on tensors (elementwise ops so far).
  Linalg,
};

/// The phases of the pipeline, in order.
enum class Phase { Graph, Conversion };

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
};

/// Adds the graph-level passes: shape inference with folding, then
/// canonicalization.
void buildGraphPassPipeline(mlir::OpPassManager &pm);

/// Builds the pipeline for every phase up to the one `emit` needs.
void buildPassPipeline(mlir::OpPassManager &pm, EmitKind emit);

/// Prints the op histogram and the inputs/outputs of the graph function.
void printModelStats(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Runs the whole flow. Diagnostics go to the context's handler; returns
/// failure after one was emitted.
mlir::LogicalResult compile(mlir::MLIRContext &context,
                            const CompileOptions &options);

} // namespace onnxc

#endif // ONNXC_DRIVER_DRIVER_H
