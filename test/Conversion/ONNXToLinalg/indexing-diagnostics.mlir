// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Ops whose output size depends on run-time values are reported by node,
// then listed among the ops without a lowering.
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @non_zero(%x: tensor<3x4xf32>) -> tensor<2x?xi64> {
  // expected-error @+1 {{'onnx.NonZero' op output shape depends on the values of its input (the count of non-zeros); data-dependent shapes cannot be compiled ahead of time}}
  %0 = "onnx.NonZero"(%x) : (tensor<3x4xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @compress_runtime_condition(%x: tensor<3x4xf32>, %c: tensor<3xi1>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'onnx.Compress' op output shape depends on the values of 'condition' (only a constant condition with an axis is supported)}}
  %0 = "onnx.Compress"(%x, %c) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<3xi1>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Without an axis the input is flattened and the size depends on the
// condition even when it is constant.
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @compress_no_axis(%x: tensor<3x4xf32>) -> tensor<?xf32> {
  %c = "onnx.Constant"() {value = dense<[true, false, true]> : tensor<3xi1>} : () -> tensor<3xi1>
  // expected-error @+1 {{'onnx.Compress' op output shape depends on the values of 'condition'}}
  %0 = "onnx.Compress"(%x, %c) : (tensor<3x4xf32>, tensor<3xi1>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
