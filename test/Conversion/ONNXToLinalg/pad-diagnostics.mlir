// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Axes that are not constants leave which dim each pad applies to unknown:
// Pad is listed among the ops without a lowering (pads known only at run
// time are fine, see dynamic-data-movement.mlir).
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @runtime_axes(%x: tensor<2x3xf32>, %pads: tensor<2xi64>, %axes: tensor<1xi64>) -> tensor<?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %axes) : (tensor<2x3xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<?x?xf32> loc("pad_runtime")
  return %0 : tensor<?x?xf32>
}

// -----

// Edge, reflect and wrap have nothing to read in an empty dim (onnxruntime
// rejects this too).
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @edge_empty_dim(%x: tensor<0x3xf32>) -> tensor<2x3xf32> {
  %pads = "onnx.Constant"() {value = dense<[1, 0, 1, 0]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{'onnx.Pad' op cannot pad the empty dimension 0 in edge mode}}
  %0 = "onnx.Pad"(%x, %pads, %none, %none) {mode = "edge"} : (tensor<0x3xf32>, tensor<4xi64>, none, none) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Constant mode pads an empty dim fine.
func.func @constant_empty_dim(%x: tensor<0x3xf32>) -> tensor<2x3xf32> {
  %pads = "onnx.Constant"() {value = dense<[1, 0, 1, 0]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) : (tensor<0x3xf32>, tensor<4xi64>, none, none) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
