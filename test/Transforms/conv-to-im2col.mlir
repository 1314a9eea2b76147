// RUN: onnx-opt %s -split-input-file --onnxc-conv-to-im2col | FileCheck %s

// The convolution becomes a patch gather [N, C, KH, KW, OH, OW] whose
// indexing has no division (the innermost loop walks an input row), viewed
// as [N, C*KH*KW, OH*OW], and a contraction with the flattened filter; the
// result is reshaped back.
// CHECK-DAG: #[[$GATHER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2 * 2, d5 * 2 + d3 * 2)>
// CHECK-LABEL: func.func @conv
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[$GATHER]], {{.*}}} {{.*}} outs(%{{.*}} : tensor<1x3x3x3x4x4xf32>)
// CHECK: %[[PATCHES:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<1x3x3x3x4x4xf32> into tensor<1x27x16xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<8x3x3x3xf32> into tensor<8x27xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[PATCHES]] : tensor<8x27xf32>, tensor<1x27x16xf32>)
// CHECK: tensor.expand_shape %{{.*}} : tensor<1x8x16xf32> into tensor<1x8x4x4xf32>
func.func @conv(%x: tensor<1x3x11x11xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : tensor<1x3x11x11xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// A 1x1 convolution with unit stride reads its input as it is: no gather.
// CHECK-LABEL: func.func @pointwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x7x7xf32>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<1x16x7x7xf32> into tensor<1x16x49xf32>
// CHECK-NOT: linalg.generic {{.*}} ins(%[[X]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[FLAT]] : tensor<32x16xf32>, tensor<1x16x49xf32>)
func.func @pointwise(%x: tensor<1x16x7x7xf32>, %w: tensor<32x16x1x1xf32>, %init: tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32> {
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x16x7x7xf32>, tensor<32x16x1x1xf32>) outs(%init : tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  return %y : tensor<1x32x7x7xf32>
}

// -----

// A grouped convolution: one contraction per group, the group a batch dim
// of filter, patches and output.
// CHECK-DAG: #[[$FILTER:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[$PATCH:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @grouped
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x4x3x3x6x6xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$FILTER]], #[[$PATCH]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x4x36xf32>, tensor<1x2x36x36xf32>)
// CHECK: tensor.expand_shape %{{.*}} : tensor<1x2x4x36xf32> into tensor<1x2x4x6x6xf32>
func.func @grouped(%x: tensor<1x2x4x8x8xf32>, %w: tensor<2x4x4x3x3xf32>, %init: tensor<1x2x4x6x6xf32>) -> tensor<1x2x4x6x6xf32> {
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x2x4x8x8xf32>, tensor<2x4x4x3x3xf32>) outs(%init : tensor<1x2x4x6x6xf32>) -> tensor<1x2x4x6x6xf32>
  return %y : tensor<1x2x4x6x6xf32>
}
