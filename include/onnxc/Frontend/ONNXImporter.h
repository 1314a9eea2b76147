//===- ONNXImporter.h - ModelProto to the onnx dialect ----------*- C++ -*-===//
//
// Reads an ONNX model (file or bytes) into a module holding one function,
// `main_graph` by default, in the onnx dialect. Nodes map by (domain,
// op_type, opset version); older op versions are rewritten into the newest
// form. Every error is reported through the context's diagnostic engine and
// names the node and op it concerns.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_FRONTEND_ONNXIMPORTER_H
#define ONNXC_FRONTEND_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace onnxc {

struct ImportOptions {
  /// Name of the function the graph becomes.
  std::string functionName = "main_graph";
  /// Initializers at most this many bytes become inline dense attributes;
  /// larger ones become resources that printing elides.
  size_t inlineLimitBytes = 256;
};

/// Imports the model at `path`; external data is looked up relative to the
/// model's folder. Returns null after emitting an error on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModelFile(mlir::MLIRContext &context, llvm::StringRef path,
                    const ImportOptions &options = {});

/// Imports a serialized ModelProto. `modelDir` is where external data files
/// are looked up (empty: external data is refused); `sourceName` names the
/// model in diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModelBytes(mlir::MLIRContext &context, llvm::StringRef bytes,
                     llvm::StringRef modelDir, llvm::StringRef sourceName,
                     const ImportOptions &options = {});

/// Registers the dialects an imported module uses.
void registerImportDialects(mlir::MLIRContext &context);

} // namespace onnxc

#endif // ONNXC_FRONTEND_ONNXIMPORTER_H
