//===- ONNXDialect.cpp - The onnx dialect ---------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

#include "onnxc/Dialect/ONNX/ONNXDialect.cpp.inc"
#include "onnxc/Dialect/ONNX/ONNXInterfaces.cpp.inc"

void ONNXDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "onnxc/Dialect/ONNX/ONNXOps.cpp.inc"
      >();
}

Operation *ONNXDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  OperationState state(loc, ConstantOp::getOperationName());
  state.addTypes(type);
  state.addAttribute("value", elements);
  return builder.create(state);
}
