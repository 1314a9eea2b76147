// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Static shapes that would access out of bounds whatever the index values
// (onnxruntime rejects them at run time) are reported by node.
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @gather_empty_axis(%x: tensor<0x4xf32>, %i: tensor<2xi64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'onnx.Gather' op indices address an empty axis; it would access memory out of bounds whatever the index values}}
  %0 = "onnx.Gather"(%x, %i) {axis = 0 : i64} : (tensor<0x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @gather_elements_wider_indices(%x: tensor<4x3xf32>, %i: tensor<2x5xi64>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'onnx.GatherElements' op indices dim 1 (5) exceeds data's (3); it would access memory out of bounds}}
  %0 = "onnx.GatherElements"(%x, %i) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x5xi64>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @gather_nd_batch_mismatch(%x: tensor<2x3x4xf32>, %i: tensor<3x5x1xi64>) -> tensor<3x5x4xf32> {
  // expected-error @+1 {{'onnx.GatherND' op batch dim 0 of indices (3) differs from data's (2)}}
  %0 = "onnx.GatherND"(%x, %i) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<3x5x1xi64>) -> tensor<3x5x4xf32>
  return %0 : tensor<3x5x4xf32>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @scatter_elements_empty_axis(%x: tensor<3x0xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x0xf32> {
  // expected-error @+1 {{'onnx.ScatterElements' op indices dim 1 (2) exceeds data's (0)}}
  %0 = "onnx.ScatterElements"(%x, %i, %u) {axis = 0 : i64} : (tensor<3x0xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x0xf32>
  return %0 : tensor<3x0xf32>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @scatter_elements_empty_data_axis(%x: tensor<0x3xf32>, %i: tensor<1x3xi64>, %u: tensor<1x3xf32>) -> tensor<0x3xf32> {
  // expected-error @+1 {{'onnx.ScatterElements' op indices address an empty axis}}
  %0 = "onnx.ScatterElements"(%x, %i, %u) {axis = 0 : i64} : (tensor<0x3xf32>, tensor<1x3xi64>, tensor<1x3xf32>) -> tensor<0x3xf32>
  return %0 : tensor<0x3xf32>
}

// -----

// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @scatter_nd_long_tuples(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>, %u: tensor<2xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'onnx.ScatterND' op index tuples of 3 address a rank 2 input}}
  %0 = "onnx.ScatterND"(%x, %i, %u) : (tensor<3x4xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
