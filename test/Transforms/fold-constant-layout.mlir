// RUN: onnx-opt %s -split-input-file --onnxc-fold-constant-layout | FileCheck %s

// A transposed constant becomes a constant with the elements moved:
// [[1, 2, 3], [4, 5, 6]]^T = [[1, 4], [2, 5], [3, 6]].
// CHECK-LABEL: func.func @transpose
// CHECK-NOT: onnx.Transpose
// CHECK: %[[C:.*]] = "onnx.Constant"() <{value = dense_resource<folded_layout> : tensor<3x2xf32>}>
// CHECK: "onnx.MatMul"(%{{.*}}, %[[C]])
// 1, 4, 2, 5, 3, 6 as little-endian f32, after the blob's alignment word:
// CHECK: folded_layout: "0x{{[0-9A-F]+}}0000803F00008040000000400000A040000040400000C040"
func.func @transpose(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = "onnx.Constant"() {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %t = "onnx.Transpose"(%w) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %y = "onnx.MatMul"(%x, %t) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Reshapes of constants become constants (large ones here, small ones by
// the op folders the rewrite driver also runs); run-time data stays.
// CHECK-LABEL: func.func @reshapes
// CHECK: "onnx.Constant"() <{value = {{.*}} : tensor<6xf32>}>
// CHECK: "onnx.Reshape"(%arg0
func.func @reshapes(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %w = "onnx.Constant"() {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %s = "onnx.Constant"() {value = dense<[6]> : tensor<1xi64>} : () -> tensor<1xi64>
  %r = "onnx.Reshape"(%w, %s) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<6xf32>
  %q = "onnx.Reshape"(%x, %s) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<6xf32>
  return %r, %q : tensor<6xf32>, tensor<6xf32>
}
