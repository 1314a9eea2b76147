// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// Softmax: max, exp(x - max) summed, then normalized.
// CHECK-LABEL: func.func @softmax
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "onnx.Softmax"(%x) {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean_nokeep
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: %[[N:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[N]]
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<2x1x4xf32> into tensor<2x4xf32>
func.func @reduce_mean_nokeep(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %axes = "onnx.Constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceMean"(%x, %axes) {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// LayerNormalization by the corrected two-pass algorithm: sum(x) gives an
// estimate m of the mean, c = x - m, then sum(c) and sum(c^2) (each its own
// reduction); y = (c - sum(c)/n) / sqrt(sum(c^2)/n - (sum(c)/n)^2 + eps).
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<1x4x8xf32>)
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SUM]] :
// CHECK: %[[INV_N:.*]] = arith.constant 1.250000e-01 : f32
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %[[INV_N]]
// CHECK: arith.subf %{{.*}}, %[[M]]
// CHECK: %[[SUM_C:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[C]] :
// CHECK: %[[SUM_C2:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[C]] :
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}} ins(%[[C]], %[[SUM_C]], %[[SUM_C2]], %{{.*}}, %{{.*}} :
// CHECK: %[[OFFSET:.*]] = arith.mulf
// CHECK: %[[MEAN_SQUARE:.*]] = arith.mulf
// CHECK: %[[OFFSET2:.*]] = arith.mulf %[[OFFSET]], %[[OFFSET]]
// CHECK: arith.subf %[[MEAN_SQUARE]], %[[OFFSET2]]
// CHECK: math.sqrt
// CHECK: arith.subf %{{.*}}, %[[OFFSET]]
func.func @layer_norm(%x: tensor<1x4x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<1x4x8xf32> {
  %y, %m, %i = "onnx.LayerNormalization"(%x, %s, %b) {axis = -1 : i64, epsilon = 1.0e-5 : f32} : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x4x8xf32>, none, none)
  return %y : tensor<1x4x8xf32>
}

// -----

// Unsigned maxima start from 0 and compare unsigned.
// CHECK-LABEL: func.func @reduce_max_u8
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[ZERO]] : i8) outs(%{{.*}} : tensor<2x1xi8>)
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: arith.maxui
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : i8 to ui8
func.func @reduce_max_u8(%x: tensor<2x3xui8>) -> tensor<2x1xui8> {
  %axes = "onnx.Constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceMax"(%x, %axes) : (tensor<2x3xui8>, tensor<1xi64>) -> tensor<2x1xui8>
  return %0 : tensor<2x1xui8>
}

// -----

// CHECK-LABEL: func.func @reduce_min_i8
// CHECK: %[[MAX:.*]] = arith.constant 127 : i8
// CHECK: linalg.fill ins(%[[MAX]] : i8)
// CHECK: arith.minsi
func.func @reduce_min_i8(%x: tensor<2x3xi8>) -> tensor<2x1xi8> {
  %axes = "onnx.Constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceMin"(%x, %axes) : (tensor<2x3xi8>, tensor<1xi64>) -> tensor<2x1xi8>
  return %0 : tensor<2x1xi8>
}

// -----

// Integer means truncate toward zero.
// CHECK-LABEL: func.func @reduce_mean_i32
// CHECK: arith.addi
// CHECK: %[[N:.*]] = arith.constant 3 : i32
// CHECK: arith.divsi %{{.*}}, %[[N]] : i32
func.func @reduce_mean_i32(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  %axes = "onnx.Constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceMean"(%x, %axes) {keepdims = 0 : i64} : (tensor<2x3xi32>, tensor<1xi64>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// Integer square roots are taken in f64 and truncated.
// CHECK-LABEL: func.func @reduce_l2_i64
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : i64 to f64
// CHECK: %[[S:.*]] = math.sqrt %[[F]] : f64
// CHECK: arith.fptosi %[[S]] : f64 to i64
func.func @reduce_l2_i64(%x: tensor<2x3xi64>) -> tensor<2x1xi64> {
  %axes = "onnx.Constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceL2"(%x, %axes) : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// Integer LogSumExp: the maximum in i32, the rest in f64.
// CHECK-LABEL: func.func @reduce_log_sum_exp_i32
// CHECK: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK: linalg.fill ins(%[[MIN]] : i32)
// CHECK: arith.maxsi
// CHECK: arith.subf %{{.*}}, %{{.*}} : f64
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.log %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i32
func.func @reduce_log_sum_exp_i32(%x: tensor<2x3xi32>) -> tensor<2x1xi32> {
  %axes = "onnx.Constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceLogSumExp"(%x, %axes) : (tensor<2x3xi32>, tensor<1xi64>) -> tensor<2x1xi32>
  return %0 : tensor<2x1xi32>
}

// -----

// f16 reductions accumulate in f32 and round once.
// CHECK-LABEL: func.func @reduce_sum_f16
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x3xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.addf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @reduce_sum_f16(%x: tensor<2x3xf16>) -> tensor<1x3xf16> {
  %axes = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceSum"(%x, %axes) : (tensor<2x3xf16>, tensor<1xi64>) -> tensor<1x3xf16>
  return %0 : tensor<1x3xf16>
}
