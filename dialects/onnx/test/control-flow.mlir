// RUN: onnx-opt %s --split-input-file --onnx-shape-inference | FileCheck %s

// If: a dim the branches disagree on is dynamic in the result; the branches
// read the function's values directly.
// CHECK-LABEL: func.func @if_join
// CHECK: "onnx.If"
// CHECK: "onnx.Yield"(%{{.*}}) : (tensor<2x3xf32>) -> ()
// CHECK: "onnx.Concat"{{.*}} -> tensor<4x3xf32>
// CHECK: }) : (tensor<i1>) -> tensor<?x3xf32>
func.func @if_join(%c: tensor<i1>, %x: tensor<2x3xf32>) -> tensor<*xf32> {
  %r = "onnx.If"(%c) ({
    "onnx.Yield"(%x) : (tensor<2x3xf32>) -> ()
  }, {
    %y = "onnx.Concat"(%x, %x) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<*xf32>
    "onnx.Yield"(%y) : (tensor<*xf32>) -> ()
  }) : (tensor<i1>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

// Loop with a constant trip count and a condition that never changes: the
// scan output has M rows. The carried value keeps its static type.
// CHECK-LABEL: func.func @loop_counted
// CHECK: ^bb0(%{{.*}}: tensor<i64>, %{{.*}}: tensor<i1>, %{{.*}}: tensor<2xf32>):
// CHECK: }) : (tensor<i64>, none, tensor<2xf32>) -> (tensor<2xf32>, tensor<5x2xf32>)
func.func @loop_counted(%x: tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %m = "onnx.Constant"() {value = dense<5> : tensor<i64>} : () -> tensor<i64>
  %none = "onnx.NoValue"() : () -> none
  %v, %s = "onnx.Loop"(%m, %none, %x) ({
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %a: tensor<2xf32>):
    %n = "onnx.Add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<*xf32>
    "onnx.Yield"(%c, %n, %n) : (tensor<i1>, tensor<*xf32>, tensor<*xf32>) -> ()
  }) : (tensor<i64>, none, tensor<2xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return %v, %s : tensor<*xf32>, tensor<*xf32>
}

// -----

// A carried value that grows each iteration gets a dynamic dim, in the body
// argument and the result; a computed condition makes the scan rows dynamic.
// CHECK-LABEL: func.func @loop_growing
// CHECK: ^bb0(%{{.*}}: tensor<i64>, %{{.*}}: tensor<i1>, %{{.*}}: tensor<?xf32>):
// CHECK: "onnx.Concat"{{.*}} -> tensor<?xf32>
// CHECK: }) : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> (tensor<?xf32>, tensor<?xi64>)
func.func @loop_growing(%m: tensor<i64>, %c0: tensor<i1>, %x: tensor<1xf32>) -> (tensor<*xf32>, tensor<*xi64>) {
  %v, %s = "onnx.Loop"(%m, %c0, %x) ({
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %a: tensor<1xf32>):
    %n = "onnx.Concat"(%a, %x) {axis = 0 : i64} : (tensor<1xf32>, tensor<1xf32>) -> tensor<*xf32>
    %k = "onnx.Constant"() {value = dense<3> : tensor<i64>} : () -> tensor<i64>
    %go = "onnx.Less"(%i, %k) : (tensor<i64>, tensor<i64>) -> tensor<*xi1>
    "onnx.Yield"(%go, %n, %i) : (tensor<*xi1>, tensor<*xf32>, tensor<i64>) -> ()
  }) : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> (tensor<*xf32>, tensor<*xi64>)
  return %v, %s : tensor<*xf32>, tensor<*xi64>
}

// -----

// Scan: slices drop the scan axis (1 here); the output stacks along axis 0.
// CHECK-LABEL: func.func @scan_axes
// CHECK: "onnx.Scan"(%{{.*}}) <{num_scan_inputs = 1 : i64, scan_input_axes = array<i64: 1>}>
// CHECK: ^bb0(%{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>):
// CHECK: }) : (tensor<3xf32>, tensor<3x7xf32>) -> (tensor<3xf32>, tensor<7x3xf32>)
func.func @scan_axes(%s0: tensor<3xf32>, %xs: tensor<3x7xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %s, %ys = "onnx.Scan"(%s0, %xs) ({
  ^bb0(%acc: tensor<*xf32>, %x: tensor<*xf32>):
    %n = "onnx.Add"(%acc, %x) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
    "onnx.Yield"(%n, %n) : (tensor<*xf32>, tensor<*xf32>) -> ()
  }) {num_scan_inputs = 1 : i64, scan_input_axes = array<i64: 1>} : (tensor<3xf32>, tensor<3x7xf32>) -> (tensor<*xf32>, tensor<*xf32>)
  return %s, %ys : tensor<*xf32>, tensor<*xf32>
}

// -----

// An If on a constant is its taken branch, inlined; the sweep goes on into
// its ops (the Concat gets its static type).
// CHECK-LABEL: func.func @if_constant_condition
// CHECK-NOT: onnx.If
// CHECK: %[[Y:.*]] = "onnx.Concat"{{.*}} -> tensor<4x3xf32>
// CHECK: return %[[Y]] : tensor<4x3xf32>
func.func @if_constant_condition(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %c = "onnx.Constant"() {value = dense<false> : tensor<1xi1>} : () -> tensor<1xi1>
  %r = "onnx.If"(%c) ({
    "onnx.Yield"(%x) : (tensor<2x3xf32>) -> ()
  }, {
    %y = "onnx.Concat"(%x, %x) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<*xf32>
    "onnx.Yield"(%y) : (tensor<*xf32>) -> ()
  }) : (tensor<1xi1>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}
