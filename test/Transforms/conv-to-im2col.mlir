// RUN: onnx-opt %s --onnxc-conv-to-im2col | FileCheck %s

// The convolution becomes a patch gather [N, C*KH*KW, OH*OW] and a
// contraction with the flattened filter; the result is reshaped back.
// CHECK-LABEL: func.func @conv
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<8x3x3x3xf32> into tensor<8x27xf32>
// CHECK: %[[PATCHES:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x27x64xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[PATCHES]] : tensor<8x27xf32>, tensor<1x27x64xf32>)
// CHECK: tensor.expand_shape %{{.*}} : tensor<1x8x64xf32> into tensor<1x8x8x8xf32>
func.func @conv(%x: tensor<1x3x10x10xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x3x10x10xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}
