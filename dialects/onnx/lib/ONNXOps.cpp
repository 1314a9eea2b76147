//===- ONNXOps.cpp - Generated op definitions of the onnx dialect ---------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

#define GET_OP_CLASSES
#include "onnxc/Dialect/ONNX/ONNXOps.cpp.inc"
