// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// If: scf.if on the condition's element, each branch cast to the result.
// CHECK-LABEL: func.func @if_cast
// CHECK: %[[C:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK: scf.if %[[C]] -> (tensor<?x3xf32>)
// CHECK: tensor.cast %{{.*}} : tensor<2x3xf32> to tensor<?x3xf32>
// CHECK: } else {
// CHECK: tensor.cast %{{.*}} : tensor<4x3xf32> to tensor<?x3xf32>
func.func @if_cast(%c: tensor<i1>, %x: tensor<2x3xf32>, %y: tensor<4x3xf32>) -> tensor<?x3xf32> {
  %r = "onnx.If"(%c) ({
    "onnx.Yield"(%x) : (tensor<2x3xf32>) -> ()
  }, {
    "onnx.Yield"(%y) : (tensor<4x3xf32>) -> ()
  }) : (tensor<i1>) -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}

// -----

// Loop: scf.while on (i, cond, carried, scan stack); the static carried
// value is copied back into its own iteration's tensor; the stack grows to
// 2 * capacity + 1 rows when full, and the result is its first i rows.
// CHECK-LABEL: func.func @loop_scan
// CHECK: %[[M:.*]] = tensor.extract %{{.*}}[] : tensor<i64>
// CHECK: %[[STACK:.*]] = tensor.empty(%{{.*}}) : tensor<?x2xf32>
// CHECK: %[[W:.*]]:4 = scf.while (%[[I:.*]] = %{{.*}}, %[[GO:.*]] = %true, %{{.*}} = %{{.*}}, %{{.*}} = %[[STACK]]) : (i64, i1, tensor<2xf32>, tensor<?x2xf32>)
// CHECK: %[[BELOW:.*]] = arith.cmpi slt, %[[I]], %[[M]] : i64
// CHECK: %[[BOTH:.*]] = arith.andi %[[BELOW]], %[[GO]] : i1
// CHECK: scf.condition(%[[BOTH]])
// CHECK: } do {
// CHECK: ^bb0(%[[AI:.*]]: i64, %{{.*}}: i1, %[[AV:.*]]: tensor<2xf32>, %[[AS:.*]]: tensor<?x2xf32>):
// CHECK: tensor.from_elements %[[AI]] : tensor<i64>
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: %[[NEXT:.*]] = linalg.copy ins(%[[SUM]] : tensor<2xf32>) outs(%[[AV]] : tensor<2xf32>)
// CHECK: %[[ROW:.*]] = arith.index_cast %[[AI]] : i64 to index
// CHECK: %[[CAP:.*]] = tensor.dim %[[AS]], %{{.*}} : tensor<?x2xf32>
// CHECK: %[[FULL:.*]] = arith.cmpi uge, %[[ROW]], %[[CAP]] : index
// CHECK: %[[GROWN:.*]] = scf.if %[[FULL]] -> (tensor<?x2xf32>)
// CHECK: tensor.insert_slice %[[AS]] into
// CHECK: %[[ADDED:.*]] = tensor.insert_slice %[[SUM]] into %[[GROWN]][%[[ROW]], 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<?x2xf32>
// CHECK: scf.yield %{{.*}}, %{{.*}}, %[[NEXT]], %[[ADDED]]
// CHECK: %[[N:.*]] = arith.index_cast %[[W]]#0 : i64 to index
// CHECK: %[[USED:.*]] = tensor.extract_slice %[[W]]#3[0, 0] [%[[N]], 2] [1, 1]
// CHECK: return %[[W]]#2, %[[USED]]
func.func @loop_scan(%m: tensor<i64>, %x: tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %v, %s = "onnx.Loop"(%m, %none, %x) ({
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %a: tensor<2xf32>):
    %n = "onnx.Add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    "onnx.Yield"(%c, %n, %n) : (tensor<i1>, tensor<2xf32>, tensor<2xf32>) -> ()
  }) : (tensor<i64>, none, tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>)
  return %v, %s : tensor<2xf32>, tensor<?x2xf32>
}

// -----

// Scan: scf.for over the length; a reversed input reads slice L-1-t; the
// stack, of static length, is preallocated with its 4 rows.
// CHECK-LABEL: func.func @scan_reverse
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[STACK:.*]] = tensor.empty(%[[C4]]) : tensor<?x3xf32>
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %[[L:.*]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %[[STACK]])
// CHECK: %[[LAST:.*]] = arith.subi %[[L]], %{{.*}} : index
// CHECK: %[[REV:.*]] = arith.subi %[[LAST]], %[[T]] : index
// CHECK: tensor.extract_slice %{{.*}}[%[[REV]], 0] [1, 3] [1, 1] : tensor<4x3xf32> to tensor<3xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[T]], 0] [1, 3] [1, 1] : tensor<3xf32> into tensor<?x3xf32>
// CHECK: tensor.cast %{{.*}} : tensor<?x3xf32> to tensor<4x3xf32>
func.func @scan_reverse(%s0: tensor<3xf32>, %xs: tensor<4x3xf32>) -> (tensor<3xf32>, tensor<4x3xf32>) {
  %s, %ys = "onnx.Scan"(%s0, %xs) ({
  ^bb0(%acc: tensor<3xf32>, %x: tensor<3xf32>):
    %n = "onnx.Add"(%acc, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    "onnx.Yield"(%n, %n) : (tensor<3xf32>, tensor<3xf32>) -> ()
  }) {num_scan_inputs = 1 : i64, scan_input_directions = array<i64: 1>} : (tensor<3xf32>, tensor<4x3xf32>) -> (tensor<3xf32>, tensor<4x3xf32>)
  return %s, %ys : tensor<3xf32>, tensor<4x3xf32>
}
