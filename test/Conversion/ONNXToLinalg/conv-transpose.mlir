// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// The input dilated by the strides and padded by extent - pad (2 - 1 at
// the start, 2 - 0 at the end) is one strided insert into zeros; W is
// flipped with its channels swapped; a stride-1 conv and the bias follow.
// CHECK-DAG: #[[$FLIP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0 * 3 + d2, d1, -d3 + 2, -d4 + 2)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK: %[[ZEROS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x3x10x12xf32>)
// CHECK: %[[DILATED:.*]] = tensor.insert_slice %{{.*}} into %[[ZEROS]][0, 0, 1, 1] [1, 3, 4, 5] [1, 1, 2, 2] : tensor<1x3x4x5xf32> into tensor<1x3x10x12xf32>
// CHECK: %[[FLIPPED:.*]] = linalg.generic {indexing_maps = [#[[$FLIP]], #{{.*}}]{{.*}} ins(%{{.*}} : tensor<3x2x3x3xf32>) outs(%{{.*}} : tensor<1x2x3x3x3xf32>)
// CHECK: %[[FILTER:.*]] = tensor.collapse_shape %[[FLIPPED]] {{\[\[}}0, 1], [2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<2x3x3x3xf32>
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[DILATED]], %[[FILTER]] : tensor<1x3x10x12xf32>, tensor<2x3x3x3xf32>) outs(%{{.*}} : tensor<1x2x8x10xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[CONV]], %{{.*}} : tensor<1x2x8x10xf32>, tensor<2xf32>)
// CHECK: arith.addf
func.func @conv_transpose(%x: tensor<1x3x4x5xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x8x10xf32> {
  %0 = "onnx.ConvTranspose"(%x, %w, %b) {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>} : (tensor<1x3x4x5xf32>, tensor<3x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x8x10xf32>
  return %0 : tensor<1x2x8x10xf32>
}

// -----

// Groups: conv_2d_ngchw_gfchw over the grouped input, accumulating f16 in
// f32 and rounding once.
// CHECK-LABEL: func.func @conv_transpose_grouped_f16
// CHECK: %[[FILTER:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4x3x2x2xf16>) outs(%{{.*}} : tensor<2x3x2x2x2xf16>)
// CHECK: %[[GROUPED:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 7, 7] : tensor<1x4x7x7xf16> into tensor<1x2x2x7x7xf16>
// CHECK: %[[CONV:.*]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[GROUPED]], %[[FILTER]] : tensor<1x2x2x7x7xf16>, tensor<2x3x2x2x2xf16>) outs(%{{.*}} : tensor<1x2x3x6x6xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[CONV]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
// CHECK: linalg.generic {{.*}} ins(%[[FLAT]] : tensor<1x6x6x6xf32>) outs(%{{.*}} : tensor<1x6x6x6xf16>)
// CHECK: arith.truncf
func.func @conv_transpose_grouped_f16(%x: tensor<1x4x3x3xf16>, %w: tensor<4x3x2x2xf16>) -> tensor<1x6x6x6xf16> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.ConvTranspose"(%x, %w, %none) {group = 2 : i64, strides = array<i64: 2, 2>} : (tensor<1x4x3x3xf16>, tensor<4x3x2x2xf16>, none) -> tensor<1x6x6x6xf16>
  return %0 : tensor<1x6x6x6xf16>
}

// -----

// 1-D runs over a unit height; a begin pad beyond the kernel extent crops
// the convolution's result with a slice.
// CHECK-LABEL: func.func @conv_transpose_1d_large_pad
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [2, 3, 1, 5] : tensor<2x3x5xf32> into tensor<2x3x1x5xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [2, 3, 1, 5] [1, 1, 1, 2] : tensor<2x3x1x5xf32> into tensor<2x3x1x10xf32>
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nchw_fchw {{.*}} outs(%{{.*}} : tensor<2x2x1x9xf32>)
// CHECK: %[[CROPPED:.*]] = tensor.extract_slice %[[CONV]][0, 0, 0, 1] [2, 2, 1, 8] [1, 1, 1, 1] : tensor<2x2x1x9xf32> to tensor<2x2x1x8xf32>
// CHECK: tensor.collapse_shape %[[CROPPED]] {{\[\[}}0], [1], [2, 3]] : tensor<2x2x1x8xf32> into tensor<2x2x8xf32>
func.func @conv_transpose_1d_large_pad(%x: tensor<2x3x5xf32>, %w: tensor<3x2x2xf32>) -> tensor<2x2x8xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.ConvTranspose"(%x, %w, %none) {strides = array<i64: 2>, pads = array<i64: 2, 0>} : (tensor<2x3x5xf32>, tensor<3x2x2xf32>, none) -> tensor<2x2x8xf32>
  return %0 : tensor<2x2x8xf32>
}

// -----

// SAME_UPPER: the odd total padding (1) goes to the end, so nothing is
// cropped at the start: extent 2 zeros before the dilated input, 1 after.
// CHECK-LABEL: func.func @conv_transpose_same_upper
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 2, 2] [1, 1, 3, 3] [1, 1, 2, 2] : tensor<1x1x3x3xf32> into tensor<1x1x8x8xf32>
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} {{.*}} outs(%{{.*}} : tensor<1x1x6x6xf32>)
func.func @conv_transpose_same_upper(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x6x6xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.ConvTranspose"(%x, %w, %none) {auto_pad = "SAME_UPPER", strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>, none) -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}
