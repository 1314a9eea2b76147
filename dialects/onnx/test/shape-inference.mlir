// RUN: onnx-opt %s --split-input-file --onnx-shape-inference | FileCheck %s

// A shape computation as exporters write it folds to a constant, and the
// Reshape after it gets a static type.
// CHECK-LABEL: func.func @fold_shape_chain
// CHECK-SAME: -> tensor<2x12xf32>
// CHECK-NOT: onnx.Shape
// CHECK-NOT: onnx.Gather
// CHECK: %[[SHAPE:.*]] = "onnx.Constant"() <{value = dense<[2, -1]> : tensor<2xi64>}>
// CHECK: "onnx.Reshape"(%{{.*}}, %[[SHAPE]]) {{.*}} -> tensor<2x12xf32>
func.func @fold_shape_chain(%x: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %idx = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %minus1 = "onnx.Constant"() {value = dense<-1> : tensor<1xi64>} : () -> tensor<1xi64>
  %s = "onnx.Shape"(%x) : (tensor<2x3x4xf32>) -> tensor<*xi64>
  %n = "onnx.Gather"(%s, %idx) {axis = 0 : i64} : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %shape = "onnx.Concat"(%n, %minus1) {axis = 0 : i64} : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  %y = "onnx.Reshape"(%x, %shape) : (tensor<2x3x4xf32>, tensor<*xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Symbolic input dims stay dynamic and propagate.
// CHECK-LABEL: func.func @dynamic_batch
// CHECK-SAME: -> tensor<?x16x16x16xf32>
// CHECK: "onnx.Conv"{{.*}} -> tensor<?x16x16x16xf32>
// CHECK: "onnx.Relu"{{.*}} -> tensor<?x16x16x16xf32>
func.func @dynamic_batch(%x: tensor<?x3x32x32xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  %c = "onnx.Conv"(%x, %w, %none) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32>, none) -> tensor<*xf32>
  %r = "onnx.Relu"(%c) : (tensor<*xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Shape of a dynamic tensor is not folded; its static part stays known.
// CHECK-LABEL: func.func @shape_of_dynamic
// CHECK: "onnx.Shape"{{.*}} -> tensor<3xi64>
// CHECK: "onnx.ConstantOfShape"{{.*}} -> tensor<?x?x?xf32>
func.func @shape_of_dynamic(%x: tensor<?x4x5xf32>) -> tensor<*xf32> {
  %s = "onnx.Shape"(%x) : (tensor<?x4x5xf32>) -> tensor<*xi64>
  %y = "onnx.ConstantOfShape"(%s) : (tensor<*xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Arithmetic on constant shapes folds, including broadcasting.
// CHECK-LABEL: func.func @fold_arith
// CHECK: "onnx.Constant"() <{value = dense<[3, 5]> : tensor<2xi64>}>
// CHECK-NOT: onnx.Add
// CHECK-NOT: onnx.Mul
func.func @fold_arith() -> tensor<*xi64> {
  %a = "onnx.Constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %b = "onnx.Constant"() {value = dense<2> : tensor<i64>} : () -> tensor<i64>
  %one = "onnx.Constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %m = "onnx.Mul"(%a, %b) : (tensor<2xi64>, tensor<i64>) -> tensor<*xi64>
  %r = "onnx.Add"(%m, %one) : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  return %r : tensor<*xi64>
}


// -----

// Negative axes in folders: Gather and Concat along axis -1.
// CHECK-LABEL: func.func @fold_negative_axes
// CHECK: "onnx.Constant"() <{value = dense<[4, 3, 7]> : tensor<3xi64>}>
// CHECK-NOT: onnx.Gather
func.func @fold_negative_axes(%x: tensor<2x3x4xf32>) -> tensor<*xi64> {
  %s = "onnx.Shape"(%x) : (tensor<2x3x4xf32>) -> tensor<*xi64>
  %idx = "onnx.Constant"() {value = dense<[2, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %g = "onnx.Gather"(%s, %idx) {axis = -1 : i64} : (tensor<*xi64>, tensor<2xi64>) -> tensor<*xi64>
  %seven = "onnx.Constant"() {value = dense<7> : tensor<1xi64>} : () -> tensor<1xi64>
  %c = "onnx.Concat"(%g, %seven) {axis = -1 : i64} : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
  return %c : tensor<*xi64>
}

// -----

// A negative step's start clamps into [0, dim - 1], its end into
// [-1, dim - 1] (the ONNX spec): starts -9 on a dim of 3 is 0, one element.
// CHECK-LABEL: func.func @slice_negative_step_start_clamp
// CHECK: "onnx.Slice"{{.*}} -> tensor<4x1xf32>
func.func @slice_negative_step_start_clamp(%x: tensor<4x3xf32>) -> tensor<*xf32> {
  %s = "onnx.Constant"() {value = dense<[-9]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "onnx.Constant"() {value = dense<[-6]> : tensor<1xi64>} : () -> tensor<1xi64>
  %a = "onnx.Constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %st = "onnx.Constant"() {value = dense<[-2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.Slice"(%x, %s, %e, %a, %st) : (tensor<4x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// The loss ops: reduction "none" keeps the labels' shape (N, d1, ..., dk),
// the others give a scalar; log_prob has the scores' type.
// CHECK-LABEL: func.func @loss_shapes
// CHECK: "onnx.NegativeLogLikelihoodLoss"{{.*}} -> tensor<2x?xf32>
// CHECK: "onnx.SoftmaxCrossEntropyLoss"{{.*}} -> (tensor<f32>, tensor<2x3x?xf32>)
func.func @loss_shapes(%x: tensor<2x3x?xf32>, %t: tensor<2x?xi64>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %none) {reduction = "none"} : (tensor<2x3x?xf32>, tensor<2x?xi64>, none) -> tensor<*xf32>
  %1:2 = "onnx.SoftmaxCrossEntropyLoss"(%x, %t, %none) : (tensor<2x3x?xf32>, tensor<2x?xi64>, none) -> (tensor<*xf32>, tensor<*xf32>)
  return %0, %1#0, %1#1 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// GridSample takes N and C from X, the output's spatial dims from the grid.
// CHECK-LABEL: func.func @grid_sample_shape
// CHECK: "onnx.GridSample"{{.*}} -> tensor<2x3x7x?xf32>
func.func @grid_sample_shape(%x: tensor<2x3x5x6xf32>, %g: tensor<?x7x?x2xf32>) -> tensor<*xf32> {
  %y = "onnx.GridSample"(%x, %g) : (tensor<2x3x5x6xf32>, tensor<?x7x?x2xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// AffineGrid's grid has size's spatial dims and one component per dim.
// CHECK-LABEL: func.func @affine_grid_shape
// CHECK: "onnx.AffineGrid"{{.*}} -> tensor<1x4x5x6x3xf32>
func.func @affine_grid_shape(%theta: tensor<1x3x4xf32>) -> tensor<*xf32> {
  %size = "onnx.Constant"() {value = dense<[1, 2, 4, 5, 6]> : tensor<5xi64>} : () -> tensor<5xi64>
  %g = "onnx.AffineGrid"(%theta, %size) : (tensor<1x3x4xf32>, tensor<5xi64>) -> tensor<*xf32>
  return %g : tensor<*xf32>
}

// -----

// CenterCropPad: the listed axes take shape's values.
// CHECK-LABEL: func.func @center_crop_pad_shape
// CHECK: "onnx.CenterCropPad"{{.*}} -> tensor<5x2x9xf32>
func.func @center_crop_pad_shape(%x: tensor<5x6x3xf32>) -> tensor<*xf32> {
  %s = "onnx.Constant"() {value = dense<[9, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %y = "onnx.CenterCropPad"(%x, %s) {axes = array<i64: 2, 1>} : (tensor<5x6x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Col2Im: (N, C * prod(block), L) to (N, C, image...).
// CHECK-LABEL: func.func @col2im_shape
// CHECK: "onnx.Col2Im"{{.*}} -> tensor<2x3x7x6xf32>
func.func @col2im_shape(%x: tensor<2x18x15xf32>) -> tensor<*xf32> {
  %image = "onnx.Constant"() {value = dense<[7, 6]> : tensor<2xi64>} : () -> tensor<2xi64>
  %block = "onnx.Constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
  %y = "onnx.Col2Im"(%x, %image, %block) : (tensor<2x18x15xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// DFT: the last dim holds the parts; onesided halves the signal axis.
// CHECK-LABEL: func.func @dft_onesided_shape
// CHECK: "onnx.DFT"{{.*}} -> tensor<2x4x5x2xf32>
func.func @dft_onesided_shape(%x: tensor<2x6x5x1xf32>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  %axis = "onnx.Constant"() {value = dense<1> : tensor<i64>} : () -> tensor<i64>
  %y = "onnx.DFT"(%x, %none, %axis) {onesided = 1 : i64} : (tensor<2x6x5x1xf32>, none, tensor<i64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// STFT: (batch, frames, bins, 2).
// CHECK-LABEL: func.func @stft_shape
// CHECK: "onnx.STFT"{{.*}} -> tensor<1x15x9x2xf32>
func.func @stft_shape(%s: tensor<1x128x1xf32>, %w: tensor<16xf32>) -> tensor<*xf32> {
  %step = "onnx.Constant"() {value = dense<8> : tensor<i64>} : () -> tensor<i64>
  %none = "onnx.NoValue"() : () -> none
  %y = "onnx.STFT"(%s, %step, %w, %none) : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
