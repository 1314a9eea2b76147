// RUN: onnx-opt %s --split-input-file --onnx-shape-inference | FileCheck %s

// Every form a constant operand takes is read through one checked accessor.
// value_int constants used to fold to nothing, which m_Constant read past
// the end of (a segfault in the window-function `_expanded` node tests).

// CHECK-LABEL: func.func @value_int_cast
// CHECK: %[[C:.*]] = "onnx.Constant"() <{value = dense<0.000000e+00> : tensor<f32>}>
// CHECK-NOT: onnx.Cast
// CHECK-NOT: onnx.Sub
// CHECK: return %[[C]]
func.func @value_int_cast() -> tensor<*xf32> {
  %one = "onnx.Constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %two = "onnx.Constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %i = "onnx.Constant"() {value_int = 1 : i64} : () -> tensor<*xi64>
  %f = "onnx.Cast"(%i) {to = 1 : i64} : (tensor<*xi64>) -> tensor<*xf32>
  %d = "onnx.Sub"(%one, %f) : (tensor<f32>, tensor<*xf32>) -> tensor<*xf32>
  return %d : tensor<*xf32>
}

// -----

// value_ints, value_float and value_floats fold like value.
// CHECK-LABEL: func.func @list_forms
// CHECK-DAG: "onnx.Constant"() <{value = dense<[3, 5]> : tensor<2xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[1.500000e+00, 2.500000e+00]> : tensor<2xf32>}>
// CHECK-NOT: onnx.Add
// CHECK-NOT: onnx.Mul
func.func @list_forms() -> (tensor<*xi64>, tensor<*xf32>) {
  %a = "onnx.Constant"() {value_ints = array<i64: 1, 2>} : () -> tensor<*xi64>
  %b = "onnx.Constant"() {value_ints = array<i64: 2, 3>} : () -> tensor<*xi64>
  %s = "onnx.Add"(%a, %b) : (tensor<*xi64>, tensor<*xi64>) -> tensor<*xi64>
  %x = "onnx.Constant"() {value_floats = array<f32: 3.0, 5.0>} : () -> tensor<*xf32>
  %h = "onnx.Constant"() {value_float = 0.5 : f32} : () -> tensor<*xf32>
  %m = "onnx.Mul"(%x, %h) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %s, %m : tensor<*xi64>, tensor<*xf32>
}

// -----

// Resource blobs (how the importer stores initializers; bools one byte per
// element) and splats are read like dense elements.
// CHECK-LABEL: func.func @resource_and_splat
// CHECK-DAG: "onnx.Constant"() <{value = dense<[7, 9]> : tensor<2xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[4.000000e+00, 2.000000e+00, 4.000000e+00]> : tensor<3xf32>}>
// CHECK-NOT: onnx.Gather
// CHECK-NOT: onnx.Where
func.func @resource_and_splat() -> (tensor<*xi64>, tensor<*xf32>) {
  %data = "onnx.Constant"() {value = dense_resource<shape_blob> : tensor<3xi64>} : () -> tensor<3xi64>
  %idx = "onnx.Constant"() {value = dense<[0, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %g = "onnx.Gather"(%data, %idx) {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<*xi64>
  %cond = "onnx.Constant"() {value = dense_resource<mask_blob> : tensor<3xi1>} : () -> tensor<3xi1>
  %four = "onnx.Constant"() {value = dense<4.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %two = "onnx.Constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %w = "onnx.Where"(%cond, %four, %two) : (tensor<3xi1>, tensor<3xf32>, tensor<f32>) -> tensor<*xf32>
  return %g, %w : tensor<*xi64>, tensor<*xf32>
}

{-#
  dialect_resources: {
    builtin: {
      shape_blob: "0x08000000070000000000000008000000000000000900000000000000",
      mask_blob: "0x08000000010001"
    }
  }
#-}

// -----

// Where with a bool condition and float branches keeps the fractions (the
// folder used to read X and Y through the condition's integer kind).
// CHECK-LABEL: func.func @where_float_branches
// CHECK: "onnx.Constant"() <{value = dense<[1.500000e+00, -2.250000e+00]> : tensor<2xf32>}>
func.func @where_float_branches() -> tensor<*xf32> {
  %c = "onnx.Constant"() {value = dense<[true, false]> : tensor<2xi1>} : () -> tensor<2xi1>
  %x = "onnx.Constant"() {value = dense<1.5> : tensor<f32>} : () -> tensor<f32>
  %y = "onnx.Constant"() {value = dense<-2.25> : tensor<f32>} : () -> tensor<f32>
  %w = "onnx.Where"(%c, %x, %y) : (tensor<2xi1>, tensor<f32>, tensor<f32>) -> tensor<*xf32>
  return %w : tensor<*xf32>
}

// -----

// Shape functions read scalars of any element type and storage: a float
// OneHot depth, Range bounds from value_int/value_float, Resize scales from
// value_floats.
// CHECK-LABEL: func.func @shape_functions
// CHECK: "onnx.Constant"() <{value = dense<[2, 4, 6, 8]> : tensor<4xi64>}>
// CHECK: "onnx.OneHot"{{.*}} -> tensor<3x5xf32>
// CHECK: "onnx.Resize"{{.*}} -> tensor<1x1x4x6xf32>
func.func @shape_functions(%i: tensor<3xi64>, %x: tensor<1x1x2x3xf32>) -> (tensor<*xf32>, tensor<*xi64>, tensor<*xf32>) {
  %depth = "onnx.Constant"() {value = dense<5.0> : tensor<f32>} : () -> tensor<f32>
  %vals = "onnx.Constant"() {value = dense<[0.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %oh = "onnx.OneHot"(%i, %depth, %vals) {axis = -1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<*xf32>
  %start = "onnx.Constant"() {value_int = 2 : i64} : () -> tensor<*xi64>
  %limit = "onnx.Constant"() {value = dense<10> : tensor<i64>} : () -> tensor<i64>
  %delta = "onnx.Constant"() {value = dense<2> : tensor<i64>} : () -> tensor<i64>
  %r = "onnx.Range"(%start, %limit, %delta) : (tensor<*xi64>, tensor<i64>, tensor<i64>) -> tensor<*xi64>
  %none = "onnx.NoValue"() : () -> none
  %scales = "onnx.Constant"() {value_floats = array<f32: 1.0, 1.0, 2.0, 2.0>} : () -> tensor<*xf32>
  %y = "onnx.Resize"(%x, %none, %scales, %none) : (tensor<1x1x2x3xf32>, none, tensor<*xf32>, none) -> tensor<*xf32>
  return %oh, %r, %y : tensor<*xf32>, tensor<*xi64>, tensor<*xf32>
}
