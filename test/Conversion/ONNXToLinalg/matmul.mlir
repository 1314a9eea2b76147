// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @matmul_2d
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x5xf32>) outs(%[[FILL]] : tensor<2x5xf32>)
func.func @matmul_2d(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_batch
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<3x2x4xf32>, tensor<3x4x5xf32>)
func.func @matmul_batch(%a: tensor<3x2x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<3x2x5xf32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<3x2x4xf32>, tensor<3x4x5xf32>) -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

// Broadcast batch dims and a 1-D operand become one contraction generic.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$C]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul_broadcast(%a: tensor<7x1x3x4xf32>, %b: tensor<2x4x6xf32>) -> tensor<7x2x3x6xf32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<7x1x3x4xf32>, tensor<2x4x6xf32>) -> tensor<7x2x3x6xf32>
  return %0 : tensor<7x2x3x6xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_vector
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
// CHECK: linalg.matmul
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x5xf32> into tensor<5xf32>
func.func @matmul_vector(%a: tensor<4xf32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// f16 accumulates in f32.
// CHECK-LABEL: func.func @matmul_f16
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf16>, tensor<4x5xf16>) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @matmul_f16(%a: tensor<2x4xf16>, %b: tensor<4x5xf16>) -> tensor<2x5xf16> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<2x4xf16>, tensor<4x5xf16>) -> tensor<2x5xf16>
  return %0 : tensor<2x5xf16>
}

// -----

// Gemm: transB in the indexing map, alpha and C in the epilogue.
// CHECK-DAG: #[[$GA:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$GB:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm
// CHECK: linalg.generic {indexing_maps = [#[[$GA]], #[[$GB]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$ROW]], #{{.*}}]
// CHECK: %[[ALPHA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: arith.mulf %[[ALPHA]]
// CHECK: arith.addf
func.func @gemm(%a: tensor<3x4xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = "onnx.Gemm"(%a, %b, %c) {alpha = 2.0 : f32, transB = 1 : i64} : (tensor<3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Unsigned operands accumulate in the signless type through a generic (the
// named ops would read them as signed); the result takes its bits back.
// CHECK-LABEL: func.func @matmul_u32
// CHECK-NOT: linalg.matmul
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4xui32>, tensor<4x5xui32>) outs(%{{.*}} : tensor<2x5xi32>)
// CHECK: ^bb0(%[[A:.*]]: ui32, %[[B:.*]]: ui32, %[[ACC:.*]]: i32):
// CHECK: %[[A32:.*]] = builtin.unrealized_conversion_cast %[[A]] : ui32 to i32
// CHECK: %[[B32:.*]] = builtin.unrealized_conversion_cast %[[B]] : ui32 to i32
// CHECK: %[[P:.*]] = arith.muli %[[A32]], %[[B32]] : i32
// CHECK: arith.addi %[[ACC]], %[[P]] : i32
// CHECK: linalg.generic
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : i32 to ui32
func.func @matmul_u32(%a: tensor<2x4xui32>, %b: tensor<4x5xui32>) -> tensor<2x5xui32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<2x4xui32>, tensor<4x5xui32>) -> tensor<2x5xui32>
  return %0 : tensor<2x5xui32>
}

// -----

// f64 accumulates and applies beta in f64.
// CHECK-LABEL: func.func @gemm_f64
// CHECK: linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<3x5xf64>)
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f64
// CHECK: %[[BETA:.*]] = arith.constant 5.000000e-01 : f64
// CHECK: arith.mulf %[[BETA]], %{{.*}} : f64
func.func @gemm_f64(%a: tensor<3x4xf64>, %b: tensor<4x5xf64>, %c: tensor<5xf64>) -> tensor<3x5xf64> {
  %0 = "onnx.Gemm"(%a, %b, %c) {beta = 0.5 : f32} : (tensor<3x4xf64>, tensor<4x5xf64>, tensor<5xf64>) -> tensor<3x5xf64>
  return %0 : tensor<3x5xf64>
}

// -----

// CHECK-LABEL: func.func @gemm_i64
// CHECK: arith.muli %{{.*}}, %{{.*}} : i64
// CHECK: arith.addi %{{.*}}, %{{.*}} : i64
func.func @gemm_i64(%a: tensor<3x4xi64>, %b: tensor<4x5xi64>, %c: tensor<5xi64>) -> tensor<3x5xi64> {
  %0 = "onnx.Gemm"(%a, %b, %c) : (tensor<3x4xi64>, tensor<4x5xi64>, tensor<5xi64>) -> tensor<3x5xi64>
  return %0 : tensor<3x5xi64>
}
