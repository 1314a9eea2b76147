// Data movement and indexing with dims (or shape-deciding values) known only
// at run time: sizes computed from tensor.dim and the operands' values, and
// cf.assert checks where ONNX requires agreement.
// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// Flatten merges dims by groups, keeping the run-time dim visible.
// CHECK-LABEL: func.func @flatten_dynamic
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<?x?x4xf32> into tensor<?x?xf32>
func.func @flatten_dynamic(%x: tensor<?x?x4xf32>) -> tensor<?x?xf32> {
  %0 = "onnx.Flatten"(%x) {axis = 1 : i64} : (tensor<?x?x4xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A squeezed run-time dim must be 1.
// CHECK-LABEL: func.func @squeeze_dynamic
// CHECK: %[[ONE:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK: cf.assert %[[ONE]], "node '?' (Squeeze): a squeezed dim is not 1 (dim 1)"
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<?x?x4xf32> into tensor<?x4xf32>
func.func @squeeze_dynamic(%x: tensor<?x?x4xf32>) -> tensor<?x4xf32> {
  %axes = "onnx.Constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.Squeeze"(%x, %axes) : (tensor<?x?x4xf32>, tensor<1xi64>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @unsqueeze_dynamic
// CHECK: %[[D0:.*]] = tensor.dim
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [1, %[[D0]], 4] : tensor<?x4xf32> into tensor<1x?x4xf32>
func.func @unsqueeze_dynamic(%x: tensor<?x4xf32>) -> tensor<1x?x4xf32> {
  %axes = "onnx.Constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.Unsqueeze"(%x, %axes) : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<1x?x4xf32>
  return %0 : tensor<1x?x4xf32>
}

// -----

// -1 is the element count over the other dims, checked to divide it.
// CHECK-LABEL: func.func @reshape_inferred_dim
// CHECK: %[[TOTAL:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: %[[INFERRED:.*]] = arith.floordivsi %[[TOTAL]], %{{.*}} : index
// CHECK: cf.assert %{{.*}}, "node '?' (Reshape): the output's element count (the product of its dims) differs from the input's"
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<?x4xf32> into tensor<?xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1, 2]] output_shape [%[[INFERRED]], 2, 2] : tensor<?xf32> into tensor<?x2x2xf32>
func.func @reshape_inferred_dim(%x: tensor<?x4xf32>) -> tensor<?x2x2xf32> {
  %s = "onnx.Constant"() {value = dense<[-1, 2, 2]> : tensor<3xi64>} : () -> tensor<3xi64>
  %0 = "onnx.Reshape"(%x, %s) {allowzero = 0 : i64} : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x2x2xf32>
  return %0 : tensor<?x2x2xf32>
}

// -----

// A shape known only at run time: each entry read, 0 copies the input's
// dim, -1 inferred; two run-time dims reshape through an i64 shape tensor.
// CHECK-LABEL: func.func @reshape_run_time_shape
// CHECK: %[[E0:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<2xi64>
// CHECK: %[[I0:.*]] = arith.index_cast %[[E0]] : i64 to index
// CHECK: %[[Z0:.*]] = arith.cmpi eq, %[[I0]], %{{.*}} : index
// CHECK: arith.select %[[Z0]], %{{.*}}, %[[I0]] : index
// CHECK: cf.assert %{{.*}}, "node '?' (Reshape): the output's element count
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi64>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
func.func @reshape_run_time_shape(%x: tensor<?x?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = "onnx.Reshape"(%x, %s) {allowzero = 0 : i64} : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Pads read at run time: negative ones crop (checked not to crop more than
// the dim holds), positive ones pad.
// CHECK-LABEL: func.func @pad_run_time_pads
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<4xi64>
// CHECK: cf.assert %{{.*}}, "node '?' (Pad): negative pads crop more than dim 0 holds"
// CHECK: cf.assert %{{.*}}, "node '?' (Pad): negative pads crop more than dim 1 holds"
// CHECK: %[[CROP:.*]] = tensor.extract_slice %{{.*}}{{\[}}%{{.*}}, %{{.*}}] [%{{.*}}, %{{.*}}] [1, 1] : tensor<?x?xf32> to tensor<?x?xf32>
// CHECK: tensor.pad %[[CROP]] low[%{{.*}}, %{{.*}}] high[%{{.*}}, %{{.*}}]
func.func @pad_run_time_pads(%x: tensor<?x?xf32>, %p: tensor<4xi64>) -> tensor<?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %p, %none, %none) {mode = "constant"} : (tensor<?x?xf32>, tensor<4xi64>, none, none) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Reflect on a run-time dim: the index mirrors with a period of 2(n - 1).
// CHECK-LABEL: func.func @pad_reflect_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (Pad): cannot pad the empty dim 0 in reflect mode"
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK: tensor.extract
func.func @pad_reflect_dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %p = "onnx.Constant"() {value = dense<[2, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %p, %none, %none) {mode = "reflect"} : (tensor<?xf32>, tensor<2xi64>, none, none) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Split sizes known at run time: checked non-negative and summing to the
// axis before the outputs are sliced.
// CHECK-LABEL: func.func @split_run_time_sizes
// CHECK: cf.assert %{{.*}}, "node '?' (Split): a split size is negative"
// CHECK: cf.assert %{{.*}}, "node '?' (Split): a split size is negative"
// CHECK: cf.assert %{{.*}}, "node '?' (Split): the split sizes do not sum to the axis' size"
// CHECK: %[[A:.*]] = tensor.extract_slice %{{.*}}[0, 0] [%{{.*}}, %[[S0:.*]]] [1, 1]
// CHECK: %[[B:.*]] = tensor.extract_slice %{{.*}}[0, %[[S0]]] [%{{.*}}, %{{.*}}] [1, 1]
// CHECK: return %[[A]], %[[B]]
func.func @split_run_time_sizes(%x: tensor<?x?xf32>, %s: tensor<2xi64>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  %0, %1 = "onnx.Split"(%x, %s) {axis = 1 : i64} : (tensor<?x?xf32>, tensor<2xi64>) -> (tensor<?x?xf32>, tensor<?x?xf32>)
  return %0, %1 : tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// Slice with run-time starts and ends and a negative step: clamped at run
// time, then reversed along the axis.
// CHECK-LABEL: func.func @slice_run_time_starts
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}{{\[}}%{{.*}}] [%{{.*}}] [2] : tensor<?xf32> to tensor<?xf32>
// CHECK: linalg.generic
// CHECK: arith.subi
// CHECK: tensor.extract %[[S]]
func.func @slice_run_time_starts(%x: tensor<?xf32>, %b: tensor<1xi64>, %e: tensor<1xi64>) -> tensor<?xf32> {
  %axes = "onnx.Constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %steps = "onnx.Constant"() {value = dense<[-2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.Slice"(%x, %b, %e, %axes, %steps) : (tensor<?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @gather_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (Gather): indices address an empty axis"
// CHECK: %[[INIT:.*]] = tensor.empty(%{{.*}}) : tensor<?x3xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?xi64>) outs(%[[INIT]] : tensor<?x3xf32>)
func.func @gather_dynamic(%x: tensor<?x3xf32>, %i: tensor<?xi64>) -> tensor<?x3xf32> {
  %0 = "onnx.Gather"(%x, %i) {axis = 0 : i64} : (tensor<?x3xf32>, tensor<?xi64>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (GatherElements): indices dim 1 exceeds data's"
// CHECK: cf.assert %{{.*}}, "node '?' (GatherElements): indices address an empty axis"
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
func.func @gather_elements_dynamic(%x: tensor<?x?xf32>, %i: tensor<?x?xi64>) -> tensor<?x?xf32> {
  %0 = "onnx.GatherElements"(%x, %i) {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// An axis known only at run time: checked in range, then a generic sums
// along it per output element.
// CHECK-LABEL: func.func @cumsum_run_time_axis
// CHECK: cf.assert %{{.*}}, "node '?' (CumSum): axis out of range"
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: arith.addf
func.func @cumsum_run_time_axis(%x: tensor<?x?xf32>, %a: tensor<i64>) -> tensor<?x?xf32> {
  %0 = "onnx.CumSum"(%x, %a) : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @trilu_dynamic
// CHECK: %[[D0:.*]] = tensor.dim
// CHECK: %[[D1:.*]] = tensor.dim
// CHECK: tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xf32>
func.func @trilu_dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Trilu"(%x, %none) {upper = 1 : i64} : (tensor<?x?xf32>, none) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Resize by scales known only at run time: the output dims are
// floor(in * scale) computed while the model runs; a scale of 1 reads the
// same index.
// CHECK-LABEL: func.func @resize_run_time_scales
// CHECK: cf.assert %{{.*}}, "node '?' (Resize): scales must hold one value per resized axis"
// CHECK: %[[SCALE:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<?xf32>
// CHECK: math.floor
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic
// CHECK: arith.cmpf oeq, %[[SCALE]]
// CHECK: tensor.extract
func.func @resize_run_time_scales(%x: tensor<?x?xf32>, %s: tensor<?xf32>) -> tensor<?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Resize"(%x, %none, %s, %none) {mode = "nearest"} : (tensor<?x?xf32>, none, tensor<?xf32>, none) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// ScatterElements over run-time dims: updates checked against indices, a
// loop nest bounded by the indices' run-time dims.
// CHECK-LABEL: func.func @scatter_elements_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (ScatterElements): updates dim 0 differs from indices'"
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK: tensor.insert
func.func @scatter_elements_dynamic(%x: tensor<?x?xf32>, %i: tensor<?x?xi64>, %u: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = "onnx.ScatterElements"(%x, %i, %u) {axis = 1 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A run-time tuple length follows from the ranks (updates: 1 + 2 - k = 2
// dims, so k = 1) and is checked while running.
// CHECK-LABEL: func.func @scatter_nd_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (ScatterND): the index tuples' length disagrees with the ranks of data and updates"
// CHECK: scf.for
// CHECK: tensor.insert_slice
func.func @scatter_nd_dynamic(%x: tensor<?x?xf32>, %i: tensor<?x?xi64>, %u: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = "onnx.ScatterND"(%x, %i, %u) : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @gather_nd_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (GatherND): the index tuples' length disagrees with the ranks of data and the output"
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
func.func @gather_nd_dynamic(%x: tensor<?x?x?xf32>, %i: tensor<?x?xi64>) -> tensor<?x?xf32> {
  %0 = "onnx.GatherND"(%x, %i) : (tensor<?x?x?xf32>, tensor<?x?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A depth known only at run time sizes the one-hot axis.
// CHECK-LABEL: func.func @one_hot_run_time_depth
// CHECK: %[[E:.*]] = tensor.extract %{{.*}}[] : tensor<i64>
// CHECK: %[[DEPTH:.*]] = arith.index_cast %[[E]] : i64 to index
// CHECK: cf.assert %{{.*}}, "node '?' (OneHot): depth must be positive"
// CHECK: tensor.empty(%{{.*}}, %[[DEPTH]]) : tensor<?x?xf32>
func.func @one_hot_run_time_depth(%i: tensor<?xi64>, %d: tensor<i64>, %v: tensor<2xf32>) -> tensor<?x?xf32> {
  %0 = "onnx.OneHot"(%i, %d, %v) {axis = -1 : i64} : (tensor<?xi64>, tensor<i64>, tensor<2xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Repeats known only at run time: output dim d is in_d * repeats[d]; the
// input is read modulo its dims.
// CHECK-LABEL: func.func @tile_run_time_repeats
// CHECK: cf.assert %{{.*}}, "node '?' (Tile): a repeat is negative"
// CHECK: linalg.generic
// CHECK: arith.remui
// CHECK: tensor.extract
func.func @tile_run_time_repeats(%x: tensor<?x3xf32>, %r: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = "onnx.Tile"(%x, %r) : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Expand to a shape known only at run time: the shape's entry and the
// input's dim must agree unless one is 1.
// CHECK-LABEL: func.func @expand_run_time_shape
// CHECK: cf.assert %{{.*}}, "node '?' (Expand): dim 1 of the shape and of the input differ and neither is 1"
// CHECK: linalg.generic
// CHECK: tensor.extract
func.func @expand_run_time_shape(%x: tensor<?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = "onnx.Expand"(%x, %s) : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @depth_to_space_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (DepthToSpace): the channels are not a multiple of blocksize^2"
// CHECK: linalg.generic
// CHECK: arith.remui
func.func @depth_to_space_dynamic(%x: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %0 = "onnx.DepthToSpace"(%x) {blocksize = 2 : i64, mode = "CRD"} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// Concat's dims off the axis known only at run time must agree.
// CHECK-LABEL: func.func @concat_dynamic
// CHECK: cf.assert %{{.*}}, "node '?' (Concat): dim 0 of input 1 differs from input 0's"
// CHECK: tensor.concat dim(1)
func.func @concat_dynamic(%a: tensor<?x2xf32>, %b: tensor<?x3xf32>) -> tensor<?x5xf32> {
  %0 = "onnx.Concat"(%a, %b) {axis = 1 : i64} : (tensor<?x2xf32>, tensor<?x3xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// A negative step's start clamps into [0, dim - 1] (its end into
// [-1, dim - 1]): starts -9 on a dim of 3 reads from 0, one element.
// CHECK-LABEL: func.func @slice_negative_step_start_clamp
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [4, 1] [1, 2] : tensor<4x3xf32> to tensor<4x1xf32>
func.func @slice_negative_step_start_clamp(%x: tensor<4x3xf32>) -> tensor<4x1xf32> {
  %s = "onnx.Constant"() {value = dense<[-9]> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "onnx.Constant"() {value = dense<[-6]> : tensor<1xi64>} : () -> tensor<1xi64>
  %a = "onnx.Constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %st = "onnx.Constant"() {value = dense<[-2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.Slice"(%x, %s, %e, %a, %st) : (tensor<4x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}
