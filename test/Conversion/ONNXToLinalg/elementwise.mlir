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

// -----

// Unsigned elements are computed in the signless type of their width and
// divide unsigned; the yield converts back.
// CHECK-LABEL: func.func @div_u8
// CHECK: ^bb0(%[[A:.*]]: ui8, %[[B:.*]]: ui8, %{{.*}}: ui8):
// CHECK: %[[A8:.*]] = builtin.unrealized_conversion_cast %[[A]] : ui8 to i8
// CHECK: %[[B8:.*]] = builtin.unrealized_conversion_cast %[[B]] : ui8 to i8
// CHECK: %[[Q:.*]] = arith.divui %[[A8]], %[[B8]] : i8
// CHECK: %[[R:.*]] = builtin.unrealized_conversion_cast %[[Q]] : i8 to ui8
// CHECK: linalg.yield %[[R]] : ui8
func.func @div_u8(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "onnx.Div"(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @mod_u8
// CHECK: arith.remui
// CHECK-NOT: arith.select
func.func @mod_u8(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "onnx.Mod"(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @less_u8
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
func.func @less_u8(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xi1> {
  %0 = "onnx.Less"(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Unsigned tensor constants lower to arith.constant as they are; Clip
// takes the unsigned max and min.
// CHECK-LABEL: func.func @clip_u8
// CHECK-DAG: %[[LO:.*]] = arith.constant dense<40> : tensor<ui8>
// CHECK-DAG: %[[HI:.*]] = arith.constant dense<200> : tensor<ui8>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[LO]], %[[HI]] : tensor<4xui8>, tensor<ui8>, tensor<ui8>)
// CHECK: arith.maxui
// CHECK: arith.minui
func.func @clip_u8(%x: tensor<4xui8>) -> tensor<4xui8> {
  %lo = "onnx.Constant"() {value = dense<40> : tensor<ui8>} : () -> tensor<ui8>
  %hi = "onnx.Constant"() {value = dense<200> : tensor<ui8>} : () -> tensor<ui8>
  %0 = "onnx.Clip"(%x, %lo, %hi) : (tensor<4xui8>, tensor<ui8>, tensor<ui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @abs_u8
// CHECK-NOT: math.absi
// CHECK: linalg.yield
func.func @abs_u8(%x: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "onnx.Abs"(%x) : (tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// Casts from and to unsigned types convert unsigned.
// CHECK-LABEL: func.func @cast_u8_f32
// CHECK: %[[U:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: arith.uitofp %[[U]] : i8 to f32
func.func @cast_u8_f32(%x: tensor<4xui8>) -> tensor<4xf32> {
  %0 = "onnx.Cast"(%x) {to = 1 : i64} : (tensor<4xui8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast_u8_i32
// CHECK: arith.extui %{{.*}} : i8 to i32
func.func @cast_u8_i32(%x: tensor<4xui8>) -> tensor<4xi32> {
  %0 = "onnx.Cast"(%x) {to = 6 : i64} : (tensor<4xui8>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @cast_f32_u8
// CHECK: %[[I:.*]] = arith.fptoui %{{.*}} : f32 to i8
// CHECK: builtin.unrealized_conversion_cast %[[I]] : i8 to ui8
func.func @cast_f32_u8(%x: tensor<4xf32>) -> tensor<4xui8> {
  %0 = "onnx.Cast"(%x) {to = 2 : i64} : (tensor<4xf32>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// Same-width integer casts only reinterpret.
// CHECK-LABEL: func.func @cast_i8_u8
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: ui8):
// CHECK-NEXT: %[[R:.*]] = builtin.unrealized_conversion_cast %[[IN]] : i8 to ui8
// CHECK-NEXT: linalg.yield %[[R]] : ui8
func.func @cast_i8_u8(%x: tensor<4xi8>) -> tensor<4xui8> {
  %0 = "onnx.Cast"(%x) {to = 2 : i64} : (tensor<4xi8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// f16 and bf16 convert through f32 (arith has no f16 <-> bf16 cast).
// CHECK-LABEL: func.func @cast_f16_bf16
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %[[W]] : f32 to bf16
func.func @cast_f16_bf16(%x: tensor<4xf16>) -> tensor<4xbf16> {
  %0 = "onnx.Cast"(%x) {to = 16 : i64} : (tensor<4xf16>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// f64 to bf16 rounds to f32 first, as onnxruntime does.
// CHECK-LABEL: func.func @cast_f64_bf16
// CHECK: %[[F:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK: arith.truncf %[[F]] : f32 to bf16
func.func @cast_f64_bf16(%x: tensor<4xf64>) -> tensor<4xbf16> {
  %0 = "onnx.Cast"(%x) {to = 16 : i64} : (tensor<4xf64>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @cast_bool_f16
// CHECK: %[[F:.*]] = arith.uitofp %{{.*}} : i1 to f32
// CHECK: arith.truncf %[[F]] : f32 to f16
func.func @cast_bool_f16(%x: tensor<4xi1>) -> tensor<4xf16> {
  %0 = "onnx.Cast"(%x) {to = 10 : i64} : (tensor<4xi1>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Pow's integer exponent takes the base's type.
// CHECK-LABEL: func.func @pow_int_exponent
// CHECK: %[[B:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[E:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: math.powf %[[B]], %[[E]] : f32
func.func @pow_int_exponent(%x: tensor<4xf16>, %e: tensor<4xi64>) -> tensor<4xf16> {
  %0 = "onnx.Pow"(%x, %e) : (tensor<4xf16>, tensor<4xi64>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Integer bases are raised in f64 and truncated.
// CHECK-LABEL: func.func @pow_int_base
// CHECK: math.powf %{{.*}}, %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i32
func.func @pow_int_base(%x: tensor<4xi32>, %e: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "onnx.Pow"(%x, %e) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
