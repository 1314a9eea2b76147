// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "onnx.Add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A static size-1 dimension broadcasts by reading index 0.
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @mul_size_one
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$COL]], #{{.*}}]
// CHECK: arith.muli
func.func @mul_size_one(%a: tensor<4x5xi64>, %b: tensor<4x1xi64>) -> tensor<4x5xi64> {
  %0 = "onnx.Mul"(%a, %b) : (tensor<4x5xi64>, tensor<4x1xi64>) -> tensor<4x5xi64>
  return %0 : tensor<4x5xi64>
}

// -----

// Dynamic dims are sized from the operand that has them.
// CHECK-LABEL: func.func @relu_dynamic
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[DIM:.*]] = tensor.dim %{{.*}}, %[[C0]] : tensor<?x8xf32>
// CHECK: tensor.empty(%[[DIM]]) : tensor<?x8xf32>
// CHECK: arith.maximumf
func.func @relu_dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = "onnx.Relu"(%x) : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// f16 math runs in f32 and is rounded once.
// CHECK-LABEL: func.func @erf_f16
// CHECK: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f16):
// CHECK: %[[WIDE:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK: %[[ERF:.*]] = math.erf %[[WIDE]] : f32
// CHECK: %[[NARROW:.*]] = arith.truncf %[[ERF]] : f32 to f16
// CHECK: linalg.yield %[[NARROW]] : f16
func.func @erf_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = "onnx.Erf"(%x) : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Comparisons produce i1; Where selects with a broadcast condition.
// CHECK-LABEL: func.func @where_less
// CHECK: arith.cmpf olt
// CHECK: linalg.generic
// CHECK: arith.select
func.func @where_less(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %c = "onnx.Less"(%a, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %0 = "onnx.Where"(%c, %a, %b) : (tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @cast_and_constant
// CHECK: %[[CST:.*]] = arith.constant dense<[1.500000e+00, -2.500000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[CST]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: arith.fptosi %{{.*}} : f32 to i32
func.func @cast_and_constant(%x: tensor<2xf32>) -> tensor<2xi32> {
  %c = "onnx.Constant"() {value = dense<[1.5, -2.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %s = "onnx.Add"(%x, %c) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %0 = "onnx.Cast"(%s) {to = 6 : i64} : (tensor<2xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// Clip with only a max.
// CHECK-LABEL: func.func @clip_max_only
// CHECK-NOT: arith.maximumf
// CHECK: arith.minimumf
func.func @clip_max_only(%x: tensor<4xf32>, %hi: tensor<f32>) -> tensor<4xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Clip"(%x, %none, %hi) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
