//===- Tensors.h - TensorProto to MLIR attributes ---------------*- C++ -*-===//

#ifndef ONNXC_LIB_FRONTEND_TENSORS_H
#define ONNXC_LIB_FRONTEND_TENSORS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <onnx/onnx_pb.h>

namespace onnxc::frontend {

/// Converts a TensorProto to an elements attribute. Tensors larger than
/// `inlineLimitBytes` become DenseResourceElementsAttr blobs named after the
/// tensor. External data is read from below `modelDir` only.
llvm::Expected<mlir::ElementsAttr>
convertTensor(mlir::MLIRContext &context, const onnx::TensorProto &tensor,
              llvm::StringRef modelDir, size_t inlineLimitBytes);

/// The MLIR type of an ONNX element type code, or an error naming it.
llvm::Expected<mlir::Type> convertElementType(mlir::MLIRContext &context,
                                              int32_t dataType);

} // namespace onnxc::frontend

#endif // ONNXC_LIB_FRONTEND_TENSORS_H
