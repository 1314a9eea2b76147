//===- ONNXDialect.td - The onnx dialect --------------------*- tablegen -*-===//

#ifndef ONNXC_DIALECT_ONNX_ONNXDIALECT_TD
#define ONNXC_DIALECT_ONNX_ONNXDIALECT_TD

include "mlir/IR/OpBase.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let summary = "The operators of the ONNX standard (ai.onnx domain)";
  let description = [{
    One op per ONNX operator, in the form of the newest opset the compiler
    supports: the importer rewrites older forms, such as attributes that
    opset 13 or 18 moved to inputs, into it. Ops keep ONNX's operand,
    result and attribute names. Results start unranked when the model does
    not give their types; `--onnx-shape-inference` resolves them and folds
    shape computations into constants. Every op's location names its ONNX
    node, so diagnostics point at the node a user can find in the model.

    ```mlir
    func.func @main_graph(%x: tensor<1x3xf32> {onnx.name = "x"}) -> tensor<1x3xf32> {
      %0 = "onnx.Relu"(%x) : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("relu_0")
      return %0 : tensor<1x3xf32>
    }
    ```
  }];
  let cppNamespace = "::onnxc::onnx_ir";
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
}

#endif // ONNXC_DIALECT_ONNX_ONNXDIALECT_TD
