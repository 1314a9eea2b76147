// RUN: onnx-opt %s --convert-onnx-to-linalg --verify-diagnostics

// Every op without a lowering is listed with its node name.
// expected-error @+1 {{2 op(s) have no lowering to linalg yet:}}
func.func @not_yet(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %none = "onnx.NoValue"() : () -> none
  %c = "onnx.Conv"(%x, %w, %none) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x6x6xf32> loc("conv_0")
  %r = "onnx.Relu"(%c) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %t = "onnx.Transpose"(%r) {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("transpose_1")
  return %t : tensor<1x4x6x6xf32>
}
