//===- Passes.td - Graph passes of onnx-compile -------------*- tablegen -*-===//

#ifndef ONNXC_TRANSFORMS_PASSES_TD
#define ONNXC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ONNXShapeInference : Pass<"onnx-shape-inference", "::mlir::func::FuncOp"> {
  let summary = "Infer static shapes and fold shape computations";
  let description = [{
    Visits the ops of a graph function in order, sets each op's result types
    from its operands (ShapeInferenceOpInterface) and folds the ops whose
    operands are constants, so chains such as Shape -> Gather -> Concat ->
    Reshape become constants and the ops after them get static shapes.
    Dynamic graph inputs (`?`) stay dynamic and propagate. Dead ops are
    removed and the function's result types are updated.

    Before:

    ```mlir
    %s = "onnx.Shape"(%x) {start = 0 : i64} : (tensor<2x3xf32>) -> tensor<*xi64>
    %y = "onnx.Reshape"(%x, %s) : (tensor<2x3xf32>, tensor<*xi64>) -> tensor<*xf32>
    ```

    After:

    ```mlir
    %c = "onnx.Constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
    %y = "onnx.Reshape"(%x, %c) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
    ```
  }];
  let dependentDialects = ["::onnxc::onnx_ir::ONNXDialect"];
}

#endif // ONNXC_TRANSFORMS_PASSES_TD
