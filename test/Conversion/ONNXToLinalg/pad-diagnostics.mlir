// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Pads that are not constants leave the output shape unknown: Pad is listed
// among the ops without a lowering.
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @runtime_pads(%x: tensor<2x3xf32>, %pads: tensor<4xi64>) -> tensor<?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) : (tensor<2x3xf32>, tensor<4xi64>, none, none) -> tensor<?x?xf32> loc("pad_runtime")
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
