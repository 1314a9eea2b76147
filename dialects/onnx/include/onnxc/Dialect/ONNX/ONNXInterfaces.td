//===- ONNXInterfaces.td - Interfaces of onnx ops -----------*- tablegen -*-===//

#ifndef ONNXC_DIALECT_ONNX_ONNXINTERFACES_TD
#define ONNXC_DIALECT_ONNX_ONNXINTERFACES_TD

include "mlir/IR/OpBase.td"

def ONNXShapeInferenceOpInterface : OpInterface<"ShapeInferenceOpInterface"> {
  let description = [{
    Ops that compute their result types (element type and shape) from their
    operands' types and, where an operand is a constant, its values. Used by
    `--onnx-shape-inference`, which visits ops in order.
  }];
  let cppNamespace = "::onnxc::onnx_ir";
  let methods = [
    InterfaceMethod<[{
        Sets the type of every result from the operands. Returns failure
        after emitting an error when the operands cannot be valid inputs.
        Leaves a dimension dynamic when it depends on values unknown at
        compile time.
      }],
      "::mlir::LogicalResult", "inferShapes">,
  ];
}

#endif // ONNXC_DIALECT_ONNX_ONNXINTERFACES_TD
