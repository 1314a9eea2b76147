// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg --canonicalize | FileCheck %s

// Col2Im: a generic over (n, c, h, w, kh, kw), the block offsets reduced;
// an empty tensor of the block's shape gives the k loops their extents.
// CHECK-LABEL: func.func @col2im
// CHECK: %[[K:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[K]] : tensor<2x2xf32>) outs(%{{.*}} : tensor<1x2x3x4xf32>)
// CHECK: tensor.extract %arg0[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x8x12xf32>
// CHECK: arith.select
// CHECK: arith.addf
func.func @col2im(%x: tensor<1x8x12xf32>) -> tensor<1x2x3x4xf32> {
  %image = "onnx.Constant"() {value = dense<[3, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %block = "onnx.Constant"() {value = dense<[2, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %y = "onnx.Col2Im"(%x, %image, %block) : (tensor<1x8x12xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x2x3x4xf32>
  return %y : tensor<1x2x3x4xf32>
}

// -----

// ReverseSequence: the time index reversed below the batch entry's length.
// CHECK-LABEL: func.func @reverse_sequence
// CHECK: linalg.generic
// CHECK: %[[T:.*]] = linalg.index 0 : index
// CHECK: %[[B:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %arg1[%[[B]]] : tensor<3xi64>
// CHECK: %[[IN:.*]] = arith.cmpi slt, %[[T]], %{{.*}} : index
// CHECK: %[[AT:.*]] = arith.select %[[IN]], %{{.*}}, %[[T]] : index
// CHECK: tensor.extract %arg0[%[[AT]], %[[B]]] : tensor<4x3xf32>
func.func @reverse_sequence(%x: tensor<4x3xf32>, %lens: tensor<3xi64>) -> tensor<4x3xf32> {
  %y = "onnx.ReverseSequence"(%x, %lens) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<4x3xf32>, tensor<3xi64>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// CenterCropPad: reads outside the input (the padding) are 0.
// CHECK-LABEL: func.func @center_crop_pad
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x9xf32>)
// CHECK: %[[V:.*]] = tensor.extract %arg0[
// CHECK: arith.select %{{.*}}, %[[V]], %{{.*}} : f32
func.func @center_crop_pad(%x: tensor<5x6xf32>) -> tensor<2x9xf32> {
  %s = "onnx.Constant"() {value = dense<[2, 9]> : tensor<2xi64>} : () -> tensor<2xi64>
  %y = "onnx.CenterCropPad"(%x, %s) : (tensor<5x6xf32>, tensor<2xi64>) -> tensor<2x9xf32>
  return %y : tensor<2x9xf32>
}
