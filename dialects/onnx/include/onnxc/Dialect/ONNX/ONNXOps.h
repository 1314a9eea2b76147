//===- ONNXOps.h - The onnx dialect and its ops -----------------*- C++ -*-===//
//
// Declares the onnx dialect (namespace onnxc::onnx_ir), its ops generated
// from ONNXOps.td and the shape inference interface.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_DIALECT_ONNX_ONNXOPS_H
#define ONNXC_DIALECT_ONNX_ONNXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "onnxc/Dialect/ONNX/ONNXDialect.h.inc"
#include "onnxc/Dialect/ONNX/ONNXInterfaces.h.inc"

#define GET_OP_CLASSES
#include "onnxc/Dialect/ONNX/ONNXOps.h.inc"

#endif // ONNXC_DIALECT_ONNX_ONNXOPS_H
