// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// ArgMax reduces the axis carrying the best value and its index: the first
// element seeds both, later ones win only when strictly greater.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$KEPT:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-LABEL: func.func @argmax_keepdims
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$KEPT]], #[[$KEPT]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.*}} : tensor<2x5x3xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x1x3xf32>, tensor<2x1x3xi64>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[BEST:.*]]: f32, %[[INDEX:.*]]: i64):
// CHECK: %[[POS:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[POS]], %{{.*}} : i64
// CHECK: %[[BETTER:.*]] = arith.cmpf ogt, %[[IN]], %[[BEST]] : f32
// CHECK: %[[TAKE:.*]] = arith.ori %[[FIRST]], %[[BETTER]] : i1
// CHECK: arith.select %[[TAKE]], %[[IN]], %[[BEST]] : f32
// CHECK: arith.select %[[TAKE]], %[[POS]], %[[INDEX]] : i64
// CHECK: return %[[R]]#1 : tensor<2x1x3xi64>
func.func @argmax_keepdims(%x: tensor<2x5x3xf32>) -> tensor<2x1x3xi64> {
  %0 = "onnx.ArgMax"(%x) {axis = 1 : i64} : (tensor<2x5x3xf32>) -> tensor<2x1x3xi64>
  return %0 : tensor<2x1x3xi64>
}

// -----

// keepdims = 0 drops the axis from the output map; select_last_index lets
// equal values win; f16 compares in f32.
// CHECK-DAG: #[[$DROPPED:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @argmin_last_nokeep_f16
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$DROPPED]], #[[$DROPPED]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: %[[WIDE:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: arith.cmpf ole, %[[WIDE]], %{{.*}} : f32
func.func @argmin_last_nokeep_f16(%x: tensor<2x5xf16>) -> tensor<2xi64> {
  %0 = "onnx.ArgMin"(%x) {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x5xf16>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Unsigned elements compare unsigned, in the signless type; a 1-D input
// with keepdims = 0 gives a 0-D result.
// CHECK-LABEL: func.func @argmax_unsigned
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%{{.*}} : tensor<4xui8>) outs(%{{.*}}, %{{.*}} : tensor<i8>, tensor<i64>)
// CHECK: %[[SIGNLESS:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: arith.cmpi ugt, %[[SIGNLESS]], %{{.*}} : i8
func.func @argmax_unsigned(%x: tensor<4xui8>) -> tensor<i64> {
  %0 = "onnx.ArgMax"(%x) {keepdims = 0 : i64} : (tensor<4xui8>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// CHECK-LABEL: func.func @argmax_dynamic
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x5xi64>
// CHECK: tensor.empty(%[[N]]) : tensor<?x1xi64>
// CHECK: arith.cmpi sgt
func.func @argmax_dynamic(%x: tensor<?x5xi64>) -> tensor<?x1xi64> {
  %0 = "onnx.ArgMax"(%x) {axis = 1 : i64} : (tensor<?x5xi64>) -> tensor<?x1xi64>
  return %0 : tensor<?x1xi64>
}

// -----

// Hardmax: 1 where the position along the axis is the ArgMax, else 0.
// CHECK-LABEL: func.func @hardmax
// CHECK: %[[ARG:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {{.*}} ins(%[[ARG]]#1 : tensor<2x1xi64>) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: %[[IS:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : i64
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.select %[[IS]], %[[ONE]], %[[ZERO]] : f32
func.func @hardmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = "onnx.Hardmax"(%x) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// TopK: step j of an scf.for reduces the axis to the best element ranking
// after step j - 1's choice (read back from the results) and inserts it at
// position j.
// CHECK-LABEL: func.func @topk
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[K:.*]] = arith.constant 3 : index
// CHECK: %[[R:.*]]:2 = scf.for %[[J:.*]] = %[[C0]] to %[[K]] step %{{.*}} iter_args(%[[V:.*]] = %{{.*}}, %[[I:.*]] = %{{.*}}) -> (tensor<2x3xf32>, tensor<2x3xi64>)
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[J]], %[[C0]] : index
// CHECK: %[[PREV:.*]] = arith.select %[[FIRST]]
// CHECK: %[[PV:.*]] = tensor.extract_slice %[[V]][0, %[[PREV]]] [2, 1] [1, 1]
// CHECK: %[[PI:.*]] = tensor.extract_slice %[[I]][0, %[[PREV]]] [2, 1] [1, 1]
// CHECK: %[[NONE:.*]] = arith.constant -1 : i64
// CHECK: %[[STEP:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %[[PV]], %[[PI]] : tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpi eq, %{{.*}}, %[[NONE]] : i64
// CHECK: linalg.yield
// CHECK: %[[NV:.*]] = tensor.insert_slice %[[STEP]]#0 into %[[V]][0, %[[J]]] [2, 1] [1, 1]
// CHECK: %[[NI:.*]] = tensor.insert_slice %[[STEP]]#1 into %[[I]][0, %[[J]]] [2, 1] [1, 1]
// CHECK: scf.yield %[[NV]], %[[NI]]
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @topk(%x: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  %k = "onnx.Constant"() {value = dense<3> : tensor<1xi64>} : () -> tensor<1xi64>
  %v, %i = "onnx.TopK"(%x, %k) : (tensor<2x8xf32>, tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

// The smallest along axis 0 of unsigned bytes: unsigned order, computed in
// i8 and converted back once.
// CHECK-LABEL: func.func @topk_smallest_u8
// CHECK: %[[R:.*]]:2 = scf.for
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK: arith.cmpi ult
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[R]]#0 : tensor<2x2xi8>) outs(%{{.*}} : tensor<2x2xui8>)
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : i8 to ui8
// CHECK: return %[[U]], %[[R]]#1
func.func @topk_smallest_u8(%x: tensor<6x2xui8>) -> (tensor<2x2xui8>, tensor<2x2xi64>) {
  %k = "onnx.Constant"() {value = dense<2> : tensor<1xi64>} : () -> tensor<1xi64>
  %v, %i = "onnx.TopK"(%x, %k) {axis = 0 : i64, largest = 0 : i64} : (tensor<6x2xui8>, tensor<1xi64>) -> (tensor<2x2xui8>, tensor<2x2xi64>)
  return %v, %i : tensor<2x2xui8>, tensor<2x2xi64>
}

// -----

// K = 0 selects nothing.
// CHECK-LABEL: func.func @topk_zero
// CHECK-NOT: scf.for
// CHECK: %[[V:.*]] = tensor.empty() : tensor<2x0xf32>
// CHECK: %[[I:.*]] = tensor.empty() : tensor<2x0xi64>
// CHECK: return %[[V]], %[[I]]
func.func @topk_zero(%x: tensor<2x8xf32>) -> (tensor<2x0xf32>, tensor<2x0xi64>) {
  %k = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %v, %i = "onnx.TopK"(%x, %k) : (tensor<2x8xf32>, tensor<1xi64>) -> (tensor<2x0xf32>, tensor<2x0xi64>)
  return %v, %i : tensor<2x0xf32>, tensor<2x0xi64>
}

// -----

// TopK with K known only at run time: K is read from its tensor, checked
// into [0, dim] by the run, and sizes the results' axis and the step loop.
// CHECK-LABEL: func.func @top_k_run_time
// CHECK:         %[[K64:.*]] = tensor.extract %{{.*}}[%c0{{.*}}] : tensor<1xi64>
// CHECK:         %[[K:.*]] = arith.index_cast %[[K64]] : i64 to index
// CHECK:         cf.assert %{{.*}}, "node '?' (TopK): K is out of range [0, 5]"
// CHECK:         tensor.empty(%[[K]]) : tensor<3x?xf32>
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %[[K]]
func.func @top_k_run_time(%x: tensor<3x5xf32>, %k: tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  %v, %i = "onnx.TopK"(%x, %k) {axis = -1 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %v, %i : tensor<3x?xf32>, tensor<3x?xi64>
}
