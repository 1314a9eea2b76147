// RUN: not onnx-opt %s --split-input-file --convert-onnx-to-linalg 2>&1 | FileCheck %s

// An op whose lowering does not cover the configuration at hand is reported
// with the reason the lowering gives (its notifyMatchFailure), collected by
// the conversion for every pattern, not only "no lowering to linalg yet".

// CHECK: error: 1 op(s) have no lowering to linalg yet:
// CHECK-NEXT: node 'p' (MaxPool): no lowering: only 1-D and 2-D pooling windows are supported, got 3-D
func.func @max_pool_3d(%x: tensor<1x1x4x4x4xf32>) -> tensor<1x1x3x3x3xf32> {
  %y, %i = "onnx.MaxPool"(%x) {kernel_shape = array<i64: 2, 2, 2>} : (tensor<1x1x4x4x4xf32>) -> (tensor<1x1x3x3x3xf32>, none) loc("p")
  return %y : tensor<1x1x3x3x3xf32>
}

// -----

// Several ops: one line each, with each one's reason; lowered ops do not
// appear.
// CHECK: error: 3 op(s) have no lowering to linalg yet:
// CHECK-NEXT: node 'r' (Resize): no lowering: tf_crop_and_resize (roi) not lowered
// CHECK-NEXT: node 'c' (Conv): no lowering: only 1-D/2-D float convs
// CHECK-NEXT: node 'm' (MaxPool): no lowering: the Indices output is not supported
// CHECK-NOT: Relu
func.func @several(%x: tensor<1x1x4x4xf32>, %v: tensor<1x1x4x4x4xf32>, %w: tensor<1x1x2x2x2xf32>) -> (tensor<1x1x8x8xf32>, tensor<1x1x3x3x3xf32>, tensor<1x1x3x3xi64>, tensor<1x1x4x4xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %s = "onnx.Constant"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %r = "onnx.Resize"(%x, %none, %s, %none) {coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x1x4x4xf32>, none, tensor<4xf32>, none) -> tensor<1x1x8x8xf32> loc("r")
  %c = "onnx.Conv"(%v, %w, %none) : (tensor<1x1x4x4x4xf32>, tensor<1x1x2x2x2xf32>, none) -> tensor<1x1x3x3x3xf32> loc("c")
  %m, %mi = "onnx.MaxPool"(%x) {kernel_shape = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xi64>) loc("m")
  %relu = "onnx.Relu"(%x) : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> loc("relu")
  return %r, %c, %mi, %relu : tensor<1x1x8x8xf32>, tensor<1x1x3x3x3xf32>, tensor<1x1x3x3xi64>, tensor<1x1x4x4xf32>
}
