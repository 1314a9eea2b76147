// RUN: onnx-opt %s --split-input-file --onnx-shape-inference 2>&1 | FileCheck %s --implicit-check-not=error

// Any op whose operands are all constants and whose results are small folds,
// with no folder of its own: ConstantEvaluator lowers it alone and
// interprets the lowering. The attention-reshaping chain of the issue:
// Shape -> Slice(ends = Mod(-1, 3)) -> Concat(., [2, 4]) -> Reshape.
// CHECK-LABEL: func.func @mod_shape_chain
// CHECK-SAME: -> tensor<2x3x2x4xf32>
// CHECK-NOT: onnx.Mod
// CHECK-NOT: onnx.Slice
// CHECK: %[[SHAPE:.*]] = "onnx.Constant"() <{value = dense<[2, 3, 2, 4]> : tensor<4xi64>}>
// CHECK: "onnx.Reshape"(%{{.*}}, %[[SHAPE]]) {{.*}} -> tensor<2x3x2x4xf32>
func.func @mod_shape_chain(%x: tensor<2x3x8xf32>) -> tensor<*xf32> {
  %s = "onnx.Shape"(%x) : (tensor<2x3x8xf32>) -> tensor<*xi64>
  %zero = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %m1 = "onnx.Constant"() {value = dense<-1> : tensor<1xi64>} : () -> tensor<1xi64>
  %three = "onnx.Constant"() {value = dense<3> : tensor<1xi64>} : () -> tensor<1xi64>
  %end = "onnx.Mod"(%m1, %three) : (tensor<1xi64>, tensor<1xi64>) -> tensor<*xi64>
  %none = "onnx.NoValue"() : () -> none
  %lead = "onnx.Slice"(%s, %zero, %end, %none, %none) : (tensor<*xi64>, tensor<1xi64>, tensor<*xi64>, none, none) -> tensor<*xi64>
  %tail = "onnx.Constant"() {value = dense<[2, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %shape = "onnx.Concat"(%lead, %tail) {axis = 0 : i64} : (tensor<*xi64>, tensor<2xi64>) -> tensor<*xi64>
  %y = "onnx.Reshape"(%x, %shape) : (tensor<2x3x8xf32>, tensor<*xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Integer semantics are the lowering's: Mod takes the divisor's sign (fmod
// the dividend's), Div truncates, ReduceProd and Max of constants.
// CHECK-LABEL: func.func @integers
// CHECK-DAG: "onnx.Constant"() <{value = dense<[2, -2, 2, 0]> : tensor<4xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[-1, 1, -1, 0]> : tensor<4xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[-2, -2, 0, 1]> : tensor<4xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<-135> : tensor<i64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[3, 7, 3, 5]> : tensor<4xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[false, false, false, true]> : tensor<4xi1>}>
// CHECK-NOT: "onnx.{{[A-Z][a-z]+}}"({{.+}})
func.func @integers() -> (tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi1>) {
  %a = "onnx.Constant"() {value = dense<[-7, 7, -1, 5]> : tensor<4xi64>} : () -> tensor<4xi64>
  %b = "onnx.Constant"() {value = dense<[3, -3, 3, 5]> : tensor<4xi64>} : () -> tensor<4xi64>
  %mod = "onnx.Mod"(%a, %b) : (tensor<4xi64>, tensor<4xi64>) -> tensor<*xi64>
  %fmod = "onnx.Mod"(%a, %b) {fmod = 1 : i64} : (tensor<4xi64>, tensor<4xi64>) -> tensor<*xi64>
  %div = "onnx.Div"(%a, %b) : (tensor<4xi64>, tensor<4xi64>) -> tensor<*xi64>
  %axes = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %prod = "onnx.ReduceProd"(%b, %axes) {keepdims = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<*xi64>
  %max = "onnx.Max"(%a, %b) : (tensor<4xi64>, tensor<4xi64>) -> tensor<*xi64>
  %eq = "onnx.Equal"(%a, %b) : (tensor<4xi64>, tensor<4xi64>) -> tensor<*xi1>
  return %mod, %fmod, %div, %prod, %max, %eq : tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>, tensor<*xi1>
}

// -----

// Floats: rounding, casts (truncating toward zero), math functions and a
// Softmax, each evaluated as its lowering computes it.
// CHECK-LABEL: func.func @floats
// CHECK-DAG: "onnx.Constant"() <{value = dense<[-2.000000e+00, 2.000000e+00, 9.000000e+00, 0.000000e+00]> : tensor<4xf32>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[-1.000000e+00, 3.000000e+00, 9.000000e+00, 1.000000e+00]> : tensor<4xf32>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[-1, 2, 9, 0]> : tensor<4xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[1.22474492, 1.500000e+00, 3.000000e+00, 0.707106769]> : tensor<4xf32>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[2.250000e+00, 5.062500e+00, 8.100000e+01, 2.500000e-01]> : tensor<4xf32>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[2.749790e-05, 0.00116924045, 0.998600065, 2.03183532E-4]> : tensor<4xf32>}>
// CHECK-NOT: "onnx.{{[A-Z][a-z]+}}"({{.+}})
func.func @floats() -> (tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %a = "onnx.Constant"() {value = dense<[-1.5, 2.25, 9.0, 0.5]> : tensor<4xf32>} : () -> tensor<4xf32>
  %floor = "onnx.Floor"(%a) : (tensor<4xf32>) -> tensor<*xf32>
  %ceil = "onnx.Ceil"(%a) : (tensor<4xf32>) -> tensor<*xf32>
  %cast = "onnx.Cast"(%a) {to = 7 : i64} : (tensor<4xf32>) -> tensor<*xi64>
  %abs = "onnx.Abs"(%a) : (tensor<4xf32>) -> tensor<*xf32>
  %sqrt = "onnx.Sqrt"(%abs) : (tensor<*xf32>) -> tensor<*xf32>
  %two = "onnx.Constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %pow = "onnx.Pow"(%a, %two) : (tensor<4xf32>, tensor<f32>) -> tensor<*xf32>
  %sm = "onnx.Softmax"(%a) : (tensor<4xf32>) -> tensor<*xf32>
  return %floor, %ceil, %cast, %sqrt, %pow, %sm : tensor<*xf32>, tensor<*xf32>, tensor<*xi64>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// -----

// Data movement and contractions; unsigned elements through the lowering's
// signless view.
// CHECK-LABEL: func.func @data
// CHECK-DAG: "onnx.Constant"() <{value = dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<{{\[\[}}1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]> : tensor<2x6xi64>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<{{\[\[}}7.000000e+00, 1.000000e+01], [1.500000e+01, 2.200000e+01]]> : tensor<2x2xf32>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<[3, 4294967292]> : tensor<2xui32>}>
// CHECK-DAG: "onnx.Constant"() <{value = dense<2.500000e+00> : tensor<1x1x1xf32>}>
// CHECK-NOT: "onnx.{{[A-Z][a-z]+}}"({{.+}})
func.func @data() -> (tensor<*xi64>, tensor<*xi64>, tensor<*xf32>, tensor<*xui32>, tensor<*xf32>) {
  %a = "onnx.Constant"() {value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>} : () -> tensor<2x3xi64>
  %t = "onnx.Transpose"(%a) {perm = array<i64: 1, 0>} : (tensor<2x3xi64>) -> tensor<*xi64>
  %r = "onnx.Constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %tile = "onnx.Tile"(%a, %r) : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<*xi64>
  %m = "onnx.Constant"() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %mm = "onnx.MatMul"(%m, %m) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<*xf32>
  %c = "onnx.Constant"() {value = dense<[3, -4]> : tensor<2xi32>} : () -> tensor<2xi32>
  %u = "onnx.Cast"(%c) {to = 12 : i64} : (tensor<2xi32>) -> tensor<*xui32>
  %m3 = "onnx.Constant"() {value = dense<[[[1.0, 2.0, 3.0, 4.0]]]> : tensor<1x1x4xf32>} : () -> tensor<1x1x4xf32>
  %pool = "onnx.AveragePool"(%m3) {kernel_shape = array<i64: 4>} : (tensor<1x1x4xf32>) -> tensor<*xf32>
  return %t, %tile, %mm, %u, %pool : tensor<*xi64>, tensor<*xi64>, tensor<*xf32>, tensor<*xui32>, tensor<*xf32>
}

// -----

// What cannot be evaluated runs at run time, silently: an integer division
// by zero (the folder of arith.divsi declines), an op without a lowering for
// its attributes (tf_crop_and_resize), a result above 4096 elements, an operand
// that is not a constant.
// CHECK-LABEL: func.func @left_alone
// CHECK: "onnx.Div"
// CHECK: "onnx.Resize"
// CHECK: "onnx.Tile"
// CHECK: "onnx.Add"
func.func @left_alone(%x: tensor<2xi64>) -> (tensor<*xi64>, tensor<*xf32>, tensor<*xi64>, tensor<*xi64>) {
  %a = "onnx.Constant"() {value = dense<[4, 5]> : tensor<2xi64>} : () -> tensor<2xi64>
  %z = "onnx.Constant"() {value = dense<[2, 0]> : tensor<2xi64>} : () -> tensor<2xi64>
  %div = "onnx.Div"(%a, %z) : (tensor<2xi64>, tensor<2xi64>) -> tensor<*xi64>
  %img = "onnx.Constant"() {value = dense<1.0> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %none = "onnx.NoValue"() : () -> none
  %scales = "onnx.Constant"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %resized = "onnx.Resize"(%img, %none, %scales, %none) {coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<*xf32>
  %reps = "onnx.Constant"() {value = dense<[4096]> : tensor<1xi64>} : () -> tensor<1xi64>
  %big = "onnx.Tile"(%a, %reps) : (tensor<2xi64>, tensor<1xi64>) -> tensor<*xi64>
  %sum = "onnx.Add"(%a, %x) : (tensor<2xi64>, tensor<2xi64>) -> tensor<*xi64>
  return %div, %resized, %big, %sum : tensor<*xi64>, tensor<*xf32>, tensor<*xi64>, tensor<*xi64>
}
