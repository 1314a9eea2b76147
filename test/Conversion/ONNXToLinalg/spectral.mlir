// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// DFT: one generic over (n, k, c) and the signal index j (reduced), the
// angle 2 pi (j k mod N) / N in f64.
// CHECK-LABEL: func.func @dft
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: arith.remui
// CHECK: math.cos %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f64
// CHECK: arith.truncf
func.func @dft(%x: tensor<3x8x2xf32>) -> tensor<3x8x2xf32> {
  %none = "onnx.NoValue"() : () -> none
  %y = "onnx.DFT"(%x, %none, %none) : (tensor<3x8x2xf32>, none, none) -> tensor<3x8x2xf32>
  return %y : tensor<3x8x2xf32>
}

// -----

// GroupNormalization: X viewed as (N, G, C / G, D), moments per (n, g),
// scale and bias read at channel g * C / G + i.
// CHECK-DAG: #[[$CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1 * 3 + d2)>
// CHECK-LABEL: func.func @group_norm
// CHECK: tensor.expand_shape %arg0 {{\[\[}}0], [1, 2], [3]] output_shape [2, 2, 3, 5] : tensor<2x6x5xf32> into tensor<2x2x3x5xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #[[$CH]], #[[$CH]], #{{.*}}]
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<2x2x3x5xf32> into tensor<2x6x5xf32>
func.func @group_norm(%x: tensor<2x6x5xf32>, %s: tensor<6xf32>, %b: tensor<6xf32>) -> tensor<2x6x5xf32> {
  %y = "onnx.GroupNormalization"(%x, %s, %b) {num_groups = 2 : i64} : (tensor<2x6x5xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<2x6x5xf32>
  return %y : tensor<2x6x5xf32>
}
