// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @flatten
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2, 3]] : tensor<2x3x4x5xf32> into tensor<120xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [6, 20] : tensor<120xf32> into tensor<6x20xf32>
func.func @flatten(%x: tensor<2x3x4x5xf32>) -> tensor<6x20xf32> {
  %0 = "onnx.Flatten"(%x) {axis = 2 : i64} : (tensor<2x3x4x5xf32>) -> tensor<6x20xf32>
  return %0 : tensor<6x20xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<3x4x2xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3x4x2xf32>) permutation = [1, 2, 0]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = "onnx.Transpose"(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK: tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "onnx.Concat"(%a, %b) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm
// CHECK: linalg.generic
// CHECK: math.sqrt
func.func @batch_norm(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  %y, %rm, %rv = "onnx.BatchNormalization"(%x, %s, %b, %m, %v) {epsilon = 1.0e-5 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x4x2x2xf32>, none, none)
  return %y : tensor<1x4x2x2xf32>
}

// -----

// f16 data computes in f32: f16 parameters widen, f64 ones round.
// CHECK-LABEL: func.func @batch_norm_mixed_types
// CHECK: ^bb0(%[[X:.*]]: f16, %[[S:.*]]: f16, %[[B:.*]]: f16, %[[M:.*]]: f64, %[[V:.*]]: f64, %{{.*}}: f16):
// CHECK-DAG: arith.extf %[[X]] : f16 to f32
// CHECK-DAG: arith.extf %[[S]] : f16 to f32
// CHECK-DAG: arith.truncf %[[M]] : f64 to f32
// CHECK-DAG: arith.truncf %[[V]] : f64 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @batch_norm_mixed_types(%x: tensor<1x4x2x2xf16>, %s: tensor<4xf16>, %b: tensor<4xf16>, %m: tensor<4xf64>, %v: tensor<4xf64>) -> tensor<1x4x2x2xf16> {
  %y, %rm, %rv = "onnx.BatchNormalization"(%x, %s, %b, %m, %v) {epsilon = 1.0e-5 : f32} : (tensor<1x4x2x2xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf64>, tensor<4xf64>) -> (tensor<1x4x2x2xf16>, none, none)
  return %y : tensor<1x4x2x2xf16>
}

// -----

// Negative ids count from 100; ids still out of range are clamped into
// [0, 99] so that no id reads outside the table.
// CHECK-DAG: #[[$IDX:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_embedding
// CHECK-SAME: %[[T:.*]]: tensor<100x16xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$IDX]], #{{.*}}]
// CHECK: %[[I:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[I]], %[[ZERO]]
// CHECK: %[[WRAP:.*]] = arith.addi %[[I]], %c100 : index
// CHECK: %[[SEL:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[I]] : index
// CHECK: %[[LAST:.*]] = arith.constant 99 : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %[[ZERO]] : index
// CHECK: %[[ROW:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: %[[J:.*]] = linalg.index 2 : index
// CHECK: tensor.extract %[[T]][%[[ROW]], %[[J]]] : tensor<100x16xf32>
func.func @gather_embedding(%table: tensor<100x16xf32>, %ids: tensor<1x8xi64>) -> tensor<1x8x16xf32> {
  %0 = "onnx.Gather"(%table, %ids) {axis = 0 : i64} : (tensor<100x16xf32>, tensor<1x8xi64>) -> tensor<1x8x16xf32>
  return %0 : tensor<1x8x16xf32>
}

// -----

// Gather along a middle axis with int32 indices: the clamp bound is that
// axis's size, 5.
// CHECK-LABEL: func.func @gather_middle_axis_i32
// CHECK-SAME: %[[X:.*]]: tensor<2x5x3xf16>, %[[I:.*]]: tensor<4xi32>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<4xi32>) outs(%{{.*}} : tensor<2x4x3xf16>)
// CHECK: ^bb0(%[[IDX:.*]]: i32, %{{.*}}: f16):
// CHECK: %[[CAST:.*]] = arith.index_cast %[[IDX]] : i32 to index
// CHECK: arith.addi %[[CAST]], %c5 : index
// CHECK: %[[SEL:.*]] = arith.select
// CHECK: %[[LAST:.*]] = arith.constant 4 : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %{{.*}} : index
// CHECK: %[[MID:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: %[[A:.*]] = linalg.index 0 : index
// CHECK: %[[C:.*]] = linalg.index 2 : index
// CHECK: tensor.extract %[[X]][%[[A]], %[[MID]], %[[C]]] : tensor<2x5x3xf16>
func.func @gather_middle_axis_i32(%x: tensor<2x5x3xf16>, %i: tensor<4xi32>) -> tensor<2x4x3xf16> {
  %0 = "onnx.Gather"(%x, %i) {axis = -2 : i64} : (tensor<2x5x3xf16>, tensor<4xi32>) -> tensor<2x4x3xf16>
  return %0 : tensor<2x4x3xf16>
}

// -----

// CHECK-DAG: #[[$BCAST:.*]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @expand
// CHECK: linalg.generic {indexing_maps = [#[[$BCAST]], #{{.*}}]
func.func @expand(%x: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  %shape = "onnx.Constant"() {value = dense<[2, 3, 4]> : tensor<3xi64>} : () -> tensor<3xi64>
  %0 = "onnx.Expand"(%x, %shape) : (tensor<1x4xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// A dynamic axis: the bound is its run-time size, less one.
// CHECK-LABEL: func.func @gather_dynamic_axis
// CHECK-SAME: %[[X:.*]]: tensor<?x4xf32>
// CHECK: linalg.generic
// CHECK: %[[DIM:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[CAST:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: arith.addi %[[CAST]], %[[DIM]] : index
// CHECK: %[[SEL:.*]] = arith.select
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[LAST:.*]] = arith.subi %[[DIM]], %[[ONE]] : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: tensor.extract %[[X]][%[[ROW]], %{{.*}}] : tensor<?x4xf32>
func.func @gather_dynamic_axis(%x: tensor<?x4xf32>, %i: tensor<3xi64>) -> tensor<3x4xf32> {
  %0 = "onnx.Gather"(%x, %i) {axis = 0 : i64} : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Constants in the value_int(s) / value_float(s) forms lower like value
// (they used to stay onnx.Constant: "no lowering to linalg").
// CHECK-LABEL: func.func @constant_value_forms
// CHECK-DAG: arith.constant dense<7> : tensor<i64>
// CHECK-DAG: arith.constant dense<[1.000000e+00, 2.500000e+00]> : tensor<2xf32>
// CHECK-NOT: onnx.Constant
func.func @constant_value_forms() -> (tensor<i64>, tensor<2xf32>) {
  %i = "onnx.Constant"() {value_int = 7 : i64} : () -> tensor<i64>
  %f = "onnx.Constant"() {value_floats = array<f32: 1.0, 2.5>} : () -> tensor<2xf32>
  return %i, %f : tensor<i64>, tensor<2xf32>
}
