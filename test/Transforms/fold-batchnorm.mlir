// RUN: onnx-opt %s -split-input-file --onnxc-fold-batchnorm | FileCheck %s

// Conv + BatchNormalization: W' = W * s, b' = (b - mean) * s + beta with
// s = scale / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1: W' = W = 0.5 and
// b' = (1 - 4) * 1 + 5 = 2 (the folded constants are resource blobs).
// CHECK-LABEL: func.func @conv_bn
// CHECK-NOT: onnx.BatchNormalization
// CHECK: %[[W:.*]] = "onnx.Constant"() <{value = dense_resource<bn_folded_weight{{.*}}>
// CHECK: %[[B:.*]] = "onnx.Constant"() <{value = dense_resource<bn_folded_bias{{.*}}>
// CHECK: %[[Y:.*]] = "onnx.Conv"(%{{.*}}, %[[W]], %[[B]])
// CHECK: return %[[Y]]
// Little-endian f32 0.5 (0x3F000000) and 2.0 (0x40000000), after the blob's
// alignment word.
// CHECK: bn_folded_weight: "0x100000000000003F0000003F0000003F0000003F0000003F0000003F"
// CHECK: bn_folded_bias: "0x10000000000000400000004000000040"
func.func @conv_bn(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = "onnx.Constant"() {value = dense<0.5> : tensor<3x2x1x1xf32>} : () -> tensor<3x2x1x1xf32>
  %b = "onnx.Constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %scale = "onnx.Constant"() {value = dense<2.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %beta = "onnx.Constant"() {value = dense<5.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %mean = "onnx.Constant"() {value = dense<4.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %var = "onnx.Constant"() {value = dense<3.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %c = "onnx.Conv"(%x, %w, %b) : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %y, %rm, %rv = "onnx.BatchNormalization"(%c, %scale, %beta, %mean, %var) {epsilon = 1.0 : f32}
      : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<1x3x4x4xf32>, none, none)
  return %y : tensor<1x3x4x4xf32>
}

// -----

// Gemm + BatchNormalization over its columns: beta of the Gemm is folded
// into the new bias, which the Gemm then adds with beta = 1.
// CHECK-LABEL: func.func @gemm_bn
// CHECK-NOT: onnx.BatchNormalization
// CHECK: "onnx.Gemm"({{.*}}) {{.*}}beta = 1.000000e+00 : f32
func.func @gemm_bn(%a: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = "onnx.Constant"() {value = dense<0.5> : tensor<3x4xf32>} : () -> tensor<3x4xf32>
  %c = "onnx.Constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %s = "onnx.Constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %g = "onnx.Gemm"(%a, %w, %c) {transB = 1 : i64, beta = 2.0 : f32} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %y, %rm, %rv = "onnx.BatchNormalization"(%g, %s, %s, %s, %s)
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, none, none)
  return %y : tensor<2x3xf32>
}

// -----

// Non-constant statistics, a Conv result with another user, or training
// mode: the normalization stays.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-2: onnx.BatchNormalization
func.func @kept(%x: tensor<1x2x4x4xf32>, %mean: tensor<3xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) {
  %w = "onnx.Constant"() {value = dense<0.5> : tensor<3x2x1x1xf32>} : () -> tensor<3x2x1x1xf32>
  %k = "onnx.Constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %none = "onnx.NoValue"() : () -> none
  %c = "onnx.Conv"(%x, %w, %none) : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>, none) -> tensor<1x3x4x4xf32>
  %y, %rm, %rv = "onnx.BatchNormalization"(%c, %k, %k, %mean, %k)
      : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<1x3x4x4xf32>, none, none)
  %c2 = "onnx.Conv"(%x, %w, %none) : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>, none) -> tensor<1x3x4x4xf32>
  %y2, %rm2, %rv2 = "onnx.BatchNormalization"(%c2, %k, %k, %k, %k)
      : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<1x3x4x4xf32>, none, none)
  return %y, %y2, %c2 : tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>
}
