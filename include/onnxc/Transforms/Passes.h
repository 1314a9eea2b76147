//===- Passes.h - Graph passes of onnx-compile ------------------*- C++ -*-===//

#ifndef ONNXC_TRANSFORMS_PASSES_H
#define ONNXC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

#include "onnxc/Dialect/ONNX/ONNXOps.h"

namespace onnxc {

#define GEN_PASS_DECL
#include "onnxc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "onnxc/Transforms/Passes.h.inc"

} // namespace onnxc

#endif // ONNXC_TRANSFORMS_PASSES_H
