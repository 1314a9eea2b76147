//===- Tensors.h - TensorProto to MLIR attributes ---------------*- C++ -*-===//

#ifndef ONNXC_LIB_FRONTEND_TENSORS_H
#define ONNXC_LIB_FRONTEND_TENSORS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

#include <onnx/onnx_pb.h>

namespace onnxc::frontend {

/// The external data files of one model, each mapped once (read-only) and
/// kept mapped while a blob points into it.
struct ExternalDataFiles {
  llvm::StringMap<std::shared_ptr<llvm::MemoryBuffer>> mapped;
};

/// Converts a TensorProto to an elements attribute. Tensors larger than
/// `inlineLimitBytes` become DenseResourceElementsAttr blobs named after the
/// tensor; with `files`, such blobs of external data point into the mapped
/// file instead of a copy, so a model past 2 GiB is not held in memory
/// twice. External data is read from below `modelDir` only.
llvm::Expected<mlir::ElementsAttr>
convertTensor(mlir::MLIRContext &context, const onnx::TensorProto &tensor,
              llvm::StringRef modelDir, size_t inlineLimitBytes,
              ExternalDataFiles *files = nullptr);

/// The MLIR type of an ONNX element type code, or an error naming it.
llvm::Expected<mlir::Type> convertElementType(mlir::MLIRContext &context,
                                              int32_t dataType);

} // namespace onnxc::frontend

#endif // ONNXC_LIB_FRONTEND_TENSORS_H
