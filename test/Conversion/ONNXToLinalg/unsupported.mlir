// RUN: onnx-opt %s --convert-onnx-to-linalg --verify-diagnostics

// Every op without a lowering is listed with its node name; the ops that
// have one are still lowered.
// expected-error @+1 {{2 op(s) have no lowering to linalg yet:}}
func.func @not_yet(%x: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x8xf32>) {
  %k = "onnx.Constant"() {value = dense<3> : tensor<1xi64>} : () -> tensor<1xi64>
  %r = "onnx.Relu"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %v, %i = "onnx.TopK"(%r, %k) : (tensor<2x8xf32>, tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>) loc("topk_0")
  %c = "onnx.CumSum"(%x, %k) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x8xf32> loc("cumsum_1")
  return %v, %c : tensor<2x3xf32>, tensor<2x8xf32>
}
