// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// A plain matmul equation becomes linalg.matmul.
// CHECK-LABEL: func.func @einsum_matmul
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x5xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[ACC]] : tensor<3x5xf32>)
func.func @einsum_matmul(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = "onnx.Einsum"(%a, %b) {equation = "ij,jk->ik"} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @einsum_batch_matmul
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x3x4xf64>, tensor<2x4x5xf64>) outs(%{{.*}} : tensor<2x3x5xf64>)
func.func @einsum_batch_matmul(%a: tensor<2x3x4xf64>, %b: tensor<2x4x5xf64>) -> tensor<2x3x5xf64> {
  %0 = "onnx.Einsum"(%a, %b) {equation = "bij,bjk->bik"} : (tensor<2x3x4xf64>, tensor<2x4x5xf64>) -> tensor<2x3x5xf64>
  return %0 : tensor<2x3x5xf64>
}

// -----

// Loops: output labels (b, h, i, j), then the summed d.
// CHECK-DAG: #[[$Q:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[$K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @einsum_attention
// CHECK: linalg.generic {indexing_maps = [#[[$Q]], #[[$K]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: %[[P:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.addf %{{.*}}, %[[P]] : f32
func.func @einsum_attention(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>) -> tensor<1x2x3x5xf32> {
  %0 = "onnx.Einsum"(%q, %k) {equation = "bhid,bhjd->bhij"} : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>) -> tensor<1x2x3x5xf32>
  return %0 : tensor<1x2x3x5xf32>
}

// -----

// A label repeated in one operand reads its diagonal.
// CHECK-DAG: #[[$DIAG:.*]] = affine_map<(d0, d1) -> (d0, d1, d1)>
// CHECK-LABEL: func.func @einsum_ellipsis_diagonal
// CHECK: linalg.generic {indexing_maps = [#[[$DIAG]], #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<2x3x3xi32>) outs(%{{.*}} : tensor<2x3xi32>)
// CHECK: arith.addi
func.func @einsum_ellipsis_diagonal(%a: tensor<2x3x3xi32>) -> tensor<2x3xi32> {
  %0 = "onnx.Einsum"(%a) {equation = "...ii->...i"} : (tensor<2x3x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// The trace: nothing in the implicit output, a 0-D result.
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @einsum_trace
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$SCALAR]]], iterator_types = ["reduction"]} ins(%{{.*}} : tensor<4x4xf32>) outs(%{{.*}} : tensor<f32>)
func.func @einsum_trace(%a: tensor<4x4xf32>) -> tensor<f32> {
  %0 = "onnx.Einsum"(%a) {equation = "ii"} : (tensor<4x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Implicit output with an ellipsis: its dims (broadcast: A's 1 against B's
// 5), then i and k; the ellipsis aligns at the right, so B's single
// ellipsis dim is the second one. f16 accumulates in f32.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-LABEL: func.func @einsum_implicit_ellipsis
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} {{.*}} outs(%{{.*}} : tensor<2x5x3x2xf32>)
// CHECK: arith.extf
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x5x3x2xf32>) outs(%{{.*}} : tensor<2x5x3x2xf16>)
// CHECK: arith.truncf
func.func @einsum_implicit_ellipsis(%a: tensor<2x1x3x4xf16>, %b: tensor<5x4x2xf16>) -> tensor<2x5x3x2xf16> {
  %0 = "onnx.Einsum"(%a, %b) {equation = "...ij,...jk"} : (tensor<2x1x3x4xf16>, tensor<5x4x2xf16>) -> tensor<2x5x3x2xf16>
  return %0 : tensor<2x5x3x2xf16>
}

// -----

// Unsigned bytes multiply and add in i8 (mod 256); a dynamic output dim
// takes its size from the operand.
// CHECK-LABEL: func.func @einsum_unsigned_dynamic
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x4xui8>
// CHECK: tensor.empty(%[[N]]) : tensor<?xi8>
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : i8 to ui8
func.func @einsum_unsigned_dynamic(%a: tensor<?x4xui8>, %b: tensor<4xui8>) -> tensor<?xui8> {
  %0 = "onnx.Einsum"(%a, %b) {equation = "ij,j->i"} : (tensor<?x4xui8>, tensor<4xui8>) -> tensor<?xui8>
  return %0 : tensor<?xui8>
}
