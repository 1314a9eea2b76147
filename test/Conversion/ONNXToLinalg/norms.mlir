// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// InstanceNormalization: per (n, c) statistics over H, W kept as 1x1 by the
// corrected two-pass algorithm (sum(x) estimates the mean m, c = x - m, then
// sum(c) and sum(c^2)); y = (c - sum(c)/n) / sqrt(var + eps) * s[c] + b[c];
// f16 computes in f32 and rounds once.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$KEPT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-DAG: #[[$CHANNEL:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @instance_norm
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$KEPT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<2x3x4x5xf16>) outs(%{{.*}} : tensor<2x3x1x1xf32>)
// CHECK: %[[CENTERED:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SUM]] : tensor<2x3x4x5xf16>, tensor<2x3x1x1xf32>) outs(%{{.*}} : tensor<2x3x4x5xf32>)
// CHECK: %[[INV_COUNT:.*]] = arith.constant 5.000000e-02 : f32
// CHECK: arith.mulf %{{.*}}, %[[INV_COUNT]] : f32
// CHECK: arith.subf
// CHECK: %[[SUM_C:.*]] = linalg.generic {{.*}} ins(%[[CENTERED]] : tensor<2x3x4x5xf32>) outs(%{{.*}} : tensor<2x3x1x1xf32>)
// CHECK: %[[SUM_C2:.*]] = linalg.generic {{.*}} ins(%[[CENTERED]] : tensor<2x3x4x5xf32>) outs(%{{.*}} : tensor<2x3x1x1xf32>)
// CHECK: arith.mulf
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$KEPT]], #[[$KEPT]], #[[$CHANNEL]], #[[$CHANNEL]], #[[$ID]]], {{.*}} ins(%[[CENTERED]], %[[SUM_C]], %[[SUM_C2]], %{{.*}}, %{{.*}} : tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>, tensor<3xf16>, tensor<3xf16>) outs(%{{.*}} : tensor<2x3x4x5xf16>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: arith.addf %{{.*}}, %[[EPS]] : f32
// CHECK: math.sqrt
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @instance_norm(%x: tensor<2x3x4x5xf16>, %s: tensor<3xf16>, %b: tensor<3xf16>) -> tensor<2x3x4x5xf16> {
  %0 = "onnx.InstanceNormalization"(%x, %s, %b) {epsilon = 1.0e-3 : f32} : (tensor<2x3x4x5xf16>, tensor<3xf16>, tensor<3xf16>) -> tensor<2x3x4x5xf16>
  return %0 : tensor<2x3x4x5xf16>
}

// -----

// MVN over the default axes (0, 2, 3): (x - mean) / (sqrt(var) + 1e-9).
// CHECK-DAG: #[[$KEPT:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
// CHECK-LABEL: func.func @mean_variance_normalization
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$KEPT]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
// CHECK-DAG: %[[EPS:.*]] = arith.constant 9.99999971E-10 : f32
// CHECK-DAG: %[[STD:.*]] = math.sqrt
// CHECK: %[[DENOMINATOR:.*]] = arith.addf %[[STD]], %[[EPS]] : f32
// CHECK: arith.divf %{{.*}}, %[[DENOMINATOR]] : f32
func.func @mean_variance_normalization(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = "onnx.MeanVarianceNormalization"(%x) : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// LpNormalization p = 1 along the default last axis; 0 where the norm is 0.
// CHECK-LABEL: func.func @lp_normalization
// CHECK: %[[NORM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<3x4xf64>) outs(%{{.*}} : tensor<3x1xf64>)
// CHECK: math.absf
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[NORM]] : tensor<3x4xf64>, tensor<3x1xf64>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[IS_ZERO:.*]] = arith.cmpf oeq, %{{.*}}, %[[ZERO]] : f64
// CHECK: %[[Y:.*]] = arith.divf
// CHECK: arith.select %[[IS_ZERO]], %[[ZERO]], %[[Y]] : f64
func.func @lp_normalization(%x: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %0 = "onnx.LpNormalization"(%x) {p = 1 : i64} : (tensor<3x4xf64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// -----

// LRN: channels padded by (size - 1) / 2 before and the rest after, summed
// over the window k (bounded by an empty tensor of the window's size).
// CHECK-DAG: #[[$WINDOW:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d4, d2, d3)>
// CHECK-DAG: #[[$K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d4)>
// CHECK-LABEL: func.func @lrn
// CHECK: %[[PADDED:.*]] = tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 2, 0, 0]
// CHECK: tensor<1x5x2x2xf32> to tensor<1x8x2x2xf32>
// CHECK: %[[SIZE:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[SQUARES:.*]] = linalg.generic {indexing_maps = [#[[$WINDOW]], #[[$K]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[PADDED]], %[[SIZE]] : tensor<1x8x2x2xf32>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[SQUARES]] : tensor<1x5x2x2xf32>, tensor<1x5x2x2xf32>)
// CHECK: %[[ALPHA:.*]] = arith.constant 2.500000e-02 : f32
// CHECK: arith.mulf %[[ALPHA]], %{{.*}} : f32
// CHECK: %[[BETA:.*]] = arith.constant -7.500000e-01 : f32
// CHECK: math.powf %{{.*}}, %[[BETA]] : f32
func.func @lrn(%x: tensor<1x5x2x2xf32>) -> tensor<1x5x2x2xf32> {
  %0 = "onnx.LRN"(%x) {size = 4 : i64, alpha = 0.1 : f32} : (tensor<1x5x2x2xf32>) -> tensor<1x5x2x2xf32>
  return %0 : tensor<1x5x2x2xf32>
}

// -----

// LpPool: |x|^p summed by pooling_nchw_sum, then ^(1/p).
// CHECK-LABEL: func.func @lp_pool
// CHECK: %[[POW:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<1x2x5x5xf32>)
// CHECK: math.absf
// CHECK: math.powf
// CHECK: %[[PADDED:.*]] = tensor.pad %[[POW]] low[0, 0, 1, 0] high[0, 0, 0, 1]
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PADDED]], %{{.*}} : tensor<1x2x6x6xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<1x2x3x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x2x3x3xf32>)
// CHECK: %[[ROOT:.*]] = arith.constant 0.333333343 : f32
// CHECK: math.powf %{{.*}}, %[[ROOT]] : f32
func.func @lp_pool(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "onnx.LpPool"(%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 1>, p = 3 : i64} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// GlobalLpPool p = 2: the sum of squares over every spatial dim, square-rooted.
// CHECK-LABEL: func.func @global_lp_pool
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<2x3x7xf32>) outs(%{{.*}} : tensor<2x3x1xf32>)
// CHECK: arith.mulf
// CHECK: math.sqrt
func.func @global_lp_pool(%x: tensor<2x3x7xf32>) -> tensor<2x3x1xf32> {
  %0 = "onnx.GlobalLpPool"(%x) : (tensor<2x3x7xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}
