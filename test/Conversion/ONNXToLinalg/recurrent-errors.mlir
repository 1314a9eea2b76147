// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Attributes no lowering can honour are reported on the node, which is then
// listed among the ops without a lowering.
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @unknown_activation(%x: tensor<4x2x3xf32>, %w: tensor<1x20x3xf32>, %r: tensor<1x20x5xf32>) -> tensor<4x1x2x5xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{unsupported activation function 'Gelu' (expected one of Relu Tanh Sigmoid Affine LeakyRelu ThresholdedRelu ScaledTanh HardSigmoid Elu Softsign Softplus)}}
  %y, %h, %c = "onnx.LSTM"(%x, %w, %r, %none, %none, %none, %none, %none) {hidden_size = 5 : i64, activations = ["Sigmoid", "Gelu", "Tanh"]} : (tensor<4x2x3xf32>, tensor<1x20x3xf32>, tensor<1x20x5xf32>, none, none, none, none, none) -> (tensor<4x1x2x5xf32>, none, none)
  return %y : tensor<4x1x2x5xf32>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @activation_count(%x: tensor<4x2x3xf32>, %w: tensor<2x15x3xf32>, %r: tensor<2x15x5xf32>) -> tensor<4x2x2x5xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{expects 4 activations (2 per direction), got 2}}
  %y, %h = "onnx.GRU"(%x, %w, %r, %none, %none, %none) {hidden_size = 5 : i64, direction = "bidirectional", activations = ["Sigmoid", "Tanh"]} : (tensor<4x2x3xf32>, tensor<2x15x3xf32>, tensor<2x15x5xf32>, none, none, none) -> (tensor<4x2x2x5xf32>, none)
  return %y : tensor<4x2x2x5xf32>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @negative_clip(%x: tensor<4x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>) -> tensor<4x1x2x5xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{clip must be positive, got -1}}
  %y, %h = "onnx.RNN"(%x, %w, %r, %none, %none, %none) {hidden_size = 5 : i64, clip = -1.000000e+00 : f32} : (tensor<4x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, none, none, none) -> (tensor<4x1x2x5xf32>, none)
  return %y : tensor<4x1x2x5xf32>
}
