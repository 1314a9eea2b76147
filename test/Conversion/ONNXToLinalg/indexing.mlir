// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// Positive steps, an INT64_MAX end clamped to the dim, a negative axis.
// CHECK-LABEL: func.func @slice_steps
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[1, 0] [3, 4] [1, 2] : tensor<5x7xf32> to tensor<3x4xf32>
// CHECK: return %[[S]]
func.func @slice_steps(%x: tensor<5x7xf32>) -> tensor<3x4xf32> {
  %starts = "onnx.Constant"() {value = dense<[1, 0]> : tensor<2xi64>} : () -> tensor<2xi64>
  %ends = "onnx.Constant"() {value = dense<[4, 9223372036854775807]> : tensor<2xi64>} : () -> tensor<2xi64>
  %axes = "onnx.Constant"() {value = dense<[0, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %steps = "onnx.Constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "onnx.Slice"(%x, %starts, %ends, %axes, %steps) : (tensor<5x7xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Negative steps: rows 4..0 (start -1, end INT64_MIN clamped to -1) and
// columns 6, 4 (start 100 clamped to 6, end 2). The slice walks upwards
// from the last element; a generic reverses both dims.
// CHECK-DAG: #[[$REV:.*]] = affine_map<(d0, d1) -> (-d0 + 4, -d1 + 1)>
// CHECK-LABEL: func.func @slice_negative_steps
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 4] [5, 2] [1, 2] : tensor<5x7xi64> to tensor<5x2xi64>
// CHECK: linalg.generic {indexing_maps = [#[[$REV]], #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[S]] : tensor<5x2xi64>)
func.func @slice_negative_steps(%x: tensor<5x7xi64>) -> tensor<5x2xi64> {
  %starts = "onnx.Constant"() {value = dense<[-1, 100]> : tensor<2xi64>} : () -> tensor<2xi64>
  %ends = "onnx.Constant"() {value = dense<[-9223372036854775808, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %axes = "onnx.Constant"() {value = dense<[0, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %steps = "onnx.Constant"() {value = dense<[-1, -2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "onnx.Slice"(%x, %starts, %ends, %axes, %steps) : (tensor<5x7xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<5x2xi64>
  return %0 : tensor<5x2xi64>
}

// -----

// CHECK-LABEL: func.func @split_sizes
// CHECK: %[[A:.*]] = tensor.extract_slice %{{.*}}[0, 0] [1, 4] [1, 1] : tensor<6x4xf16> to tensor<1x4xf16>
// CHECK: %[[B:.*]] = tensor.extract_slice %{{.*}}[1, 0] [2, 4] [1, 1] : tensor<6x4xf16> to tensor<2x4xf16>
// CHECK: %[[C:.*]] = tensor.extract_slice %{{.*}}[3, 0] [3, 4] [1, 1] : tensor<6x4xf16> to tensor<3x4xf16>
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @split_sizes(%x: tensor<6x4xf16>) -> (tensor<1x4xf16>, tensor<2x4xf16>, tensor<3x4xf16>) {
  %split = "onnx.Constant"() {value = dense<[1, 2, 3]> : tensor<3xi64>} : () -> tensor<3xi64>
  %a, %b, %c = "onnx.Split"(%x, %split) {axis = 0 : i64} : (tensor<6x4xf16>, tensor<3xi64>) -> (tensor<1x4xf16>, tensor<2x4xf16>, tensor<3x4xf16>)
  return %a, %b, %c : tensor<1x4xf16>, tensor<2x4xf16>, tensor<3x4xf16>
}

// -----

// num_outputs with a smaller last part, on a negative axis.
// CHECK-LABEL: func.func @split_equal_parts
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [2, 3] [1, 1] : tensor<2x7xi1> to tensor<2x3xi1>
// CHECK: tensor.extract_slice %{{.*}}[0, 3] [2, 3] [1, 1] : tensor<2x7xi1> to tensor<2x3xi1>
// CHECK: tensor.extract_slice %{{.*}}[0, 6] [2, 1] [1, 1] : tensor<2x7xi1> to tensor<2x1xi1>
func.func @split_equal_parts(%x: tensor<2x7xi1>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x1xi1>) {
  %none = "onnx.NoValue"() : () -> none
  %a, %b, %c = "onnx.Split"(%x, %none) {axis = -1 : i64, num_outputs = 3 : i64} : (tensor<2x7xi1>, none) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x1xi1>)
  return %a, %b, %c : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x1xi1>
}

// -----

// Broadcast to [r0, d0, r1, d1], then collapse the pairs.
// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-LABEL: func.func @tile
// CHECK: %[[T:.*]] = linalg.generic {indexing_maps = [#[[$IN]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<2x3xbf16>) outs(%{{.*}} : tensor<2x2x3x3xbf16>)
// CHECK: tensor.collapse_shape %[[T]] {{\[\[}}0, 1], [2, 3]] : tensor<2x2x3x3xbf16> into tensor<4x9xbf16>
func.func @tile(%x: tensor<2x3xbf16>) -> tensor<4x9xbf16> {
  %r = "onnx.Constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "onnx.Tile"(%x, %r) : (tensor<2x3xbf16>, tensor<2xi64>) -> tensor<4x9xbf16>
  return %0 : tensor<4x9xbf16>
}

// -----

// CHECK-LABEL: func.func @depth_to_space_dcr
// CHECK: %[[E:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4], [5]] output_shape [1, 2, 2, 2, 2, 3] : tensor<1x8x2x3xf32> into tensor<1x2x2x2x2x3xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[E]] : {{.*}}) outs(%{{.*}} : tensor<1x2x2x2x3x2xf32>) permutation = [0, 3, 4, 1, 5, 2]
// CHECK: tensor.collapse_shape %[[T]] {{\[\[}}0], [1], [2, 3], [4, 5]] : tensor<1x2x2x2x3x2xf32> into tensor<1x2x4x6xf32>
func.func @depth_to_space_dcr(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = "onnx.DepthToSpace"(%x) {blocksize = 2 : i64} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// CHECK-LABEL: func.func @depth_to_space_crd
// CHECK: linalg.transpose ins(%{{.*}} : tensor<1x2x2x2x2x3xui8>) outs(%{{.*}} : tensor<1x2x2x2x3x2xui8>) permutation = [0, 1, 4, 2, 5, 3]
func.func @depth_to_space_crd(%x: tensor<1x8x2x3xui8>) -> tensor<1x2x4x6xui8> {
  %0 = "onnx.DepthToSpace"(%x) {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xui8>) -> tensor<1x2x4x6xui8>
  return %0 : tensor<1x2x4x6xui8>
}

// -----

// CHECK-LABEL: func.func @space_to_depth
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3], [4, 5]] output_shape [1, 3, 2, 2, 3, 2] : tensor<1x3x4x6xf32> into tensor<1x3x2x2x3x2xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4], [5]] : tensor<1x2x2x3x2x3xf32> into tensor<1x12x2x3xf32>
func.func @space_to_depth(%x: tensor<1x3x4x6xf32>) -> tensor<1x12x2x3xf32> {
  %0 = "onnx.SpaceToDepth"(%x) {blocksize = 2 : i64} : (tensor<1x3x4x6xf32>) -> tensor<1x12x2x3xf32>
  return %0 : tensor<1x12x2x3xf32>
}

// -----

// The index replaces the axis coordinate; negative indices count from 4,
// and what is still out of range is clamped into [0, 3].
// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: %[[X:.*]]: tensor<4x3xf32>, %[[I:.*]]: tensor<2x3xi32>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<2x3xi32>)
// CHECK: ^bb0(%[[IDX:.*]]: i32, %{{.*}}: f32):
// CHECK: %[[COL:.*]] = linalg.index 1 : index
// CHECK: %[[CAST:.*]] = arith.index_cast %[[IDX]] : i32 to index
// CHECK: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[CAST]], %[[ZERO]] : index
// CHECK: %[[WRAP:.*]] = arith.addi %[[CAST]], %c4 : index
// CHECK: %[[SEL:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[CAST]] : index
// CHECK: %[[LAST:.*]] = arith.constant 3 : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %[[ZERO]] : index
// CHECK: %[[ROW:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: tensor.extract %[[X]][%[[ROW]], %[[COL]]] : tensor<4x3xf32>
func.func @gather_elements(%x: tensor<4x3xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %0 = "onnx.GatherElements"(%x, %i) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// batch_dims = 1: the batch coordinate is shared, the 1-tuple addresses dim
// 1, the last data dim is copied.
// CHECK-LABEL: func.func @gather_nd_batch_dims
// CHECK-SAME: %[[X:.*]]: tensor<2x3x4xf32>, %[[I:.*]]: tensor<2x5x1xi64>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x5x4xf32>)
// CHECK: %[[B:.*]] = linalg.index 0 : index
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK: %[[K:.*]] = linalg.index 2 : index
// CHECK: %[[IDX:.*]] = tensor.extract %[[I]][%[[B]], %[[J]], %{{.*}}] : tensor<2x5x1xi64>
// CHECK: arith.index_cast %[[IDX]] : i64 to index
// CHECK: %[[SEL:.*]] = arith.select
// CHECK: %[[LAST:.*]] = arith.constant 2 : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: tensor.extract %[[X]][%[[B]], %[[ROW]], %[[K]]] : tensor<2x3x4xf32>
func.func @gather_nd_batch_dims(%x: tensor<2x3x4xf32>, %i: tensor<2x5x1xi64>) -> tensor<2x5x4xf32> {
  %0 = "onnx.GatherND"(%x, %i) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x1xi64>) -> tensor<2x5x4xf32>
  return %0 : tensor<2x5x4xf32>
}

// -----

// An scf.for nest over the indices carries the output, starting from data.
// CHECK-LABEL: func.func @scatter_elements
// CHECK-SAME: %[[X:.*]]: tensor<3x5xf32>, %[[I:.*]]: tensor<3x2xi64>, %[[U:.*]]: tensor<3x2xf32>
// CHECK: %[[R:.*]] = scf.for %[[A:.*]] = %{{.*}} to %c3 step %{{.*}} iter_args(%[[OUTER:.*]] = %[[X]]) -> (tensor<3x5xf32>)
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %c2 step %{{.*}} iter_args(%[[OUT:.*]] = %[[OUTER]]) -> (tensor<3x5xf32>)
// CHECK: %[[IDX:.*]] = tensor.extract %[[I]][%[[A]], %[[B]]]
// CHECK: %[[UPD:.*]] = tensor.extract %[[U]][%[[A]], %[[B]]]
// CHECK: arith.index_cast %[[IDX]] : i64 to index
// CHECK: %[[SEL:.*]] = arith.select
// CHECK: %[[LAST:.*]] = arith.constant 4 : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %{{.*}} : index
// CHECK: %[[COL:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: %[[NEW:.*]] = tensor.insert %[[UPD]] into %[[OUT]][%[[A]], %[[COL]]] : tensor<3x5xf32>
// CHECK: scf.yield %[[NEW]]
// CHECK: return %[[R]]
func.func @scatter_elements(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  %0 = "onnx.ScatterElements"(%x, %i, %u) {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// f16 reductions are computed in f32.
// CHECK-LABEL: func.func @scatter_elements_add_f16
// CHECK: %[[OLD:.*]] = tensor.extract %{{.*}} : tensor<3x5xf16>
// CHECK: %[[A:.*]] = arith.extf %[[OLD]] : f16 to f32
// CHECK: %[[B:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[SUM:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK: %[[H:.*]] = arith.truncf %[[SUM]] : f32 to f16
// CHECK: tensor.insert %[[H]] into
func.func @scatter_elements_add_f16(%x: tensor<3x5xf16>, %i: tensor<3x2xi64>, %u: tensor<3x2xf16>) -> tensor<3x5xf16> {
  %0 = "onnx.ScatterElements"(%x, %i, %u) {axis = -1 : i64, reduction = "add"} : (tensor<3x5xf16>, tensor<3x2xi64>, tensor<3x2xf16>) -> tensor<3x5xf16>
  return %0 : tensor<3x5xf16>
}

// -----

// Unsigned maximum in the signless type of the same width.
// CHECK-LABEL: func.func @scatter_elements_max_ui8
// CHECK: %[[OLD:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: %[[NEW:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: %[[MAX:.*]] = arith.maxui %[[OLD]], %[[NEW]] : i8
// CHECK: %[[BACK:.*]] = builtin.unrealized_conversion_cast %[[MAX]] : i8 to ui8
// CHECK: tensor.insert %[[BACK]] into %{{.*}} : tensor<4xui8>
func.func @scatter_elements_max_ui8(%x: tensor<4xui8>, %i: tensor<2xi32>, %u: tensor<2xui8>) -> tensor<4xui8> {
  %0 = "onnx.ScatterElements"(%x, %i, %u) {reduction = "max"} : (tensor<4xui8>, tensor<2xi32>, tensor<2xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// One slice per index tuple: extract it from updates, insert it into data.
// CHECK-LABEL: func.func @scatter_nd_slices
// CHECK-SAME: %[[X:.*]]: tensor<4x3x2xf32>, %[[I:.*]]: tensor<2x1xi64>, %[[U:.*]]: tensor<2x3x2xf32>
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %c2 step %{{.*}} iter_args(%[[OUT:.*]] = %[[X]]) -> (tensor<4x3x2xf32>)
// CHECK: tensor.extract %[[I]][%[[T]], %{{.*}}] : tensor<2x1xi64>
// CHECK: %[[SEL:.*]] = arith.select
// CHECK: %[[LAST:.*]] = arith.constant 3 : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %[[U]][%[[T]], 0, 0] [1, 3, 2] [1, 1, 1] : tensor<2x3x2xf32> to tensor<3x2xf32>
// CHECK: tensor.insert_slice %[[SLICE]] into %[[OUT]][%[[ROW]], 0, 0] [1, 3, 2] [1, 1, 1] : tensor<3x2xf32> into tensor<4x3x2xf32>
func.func @scatter_nd_slices(%x: tensor<4x3x2xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3x2xf32>) -> tensor<4x3x2xf32> {
  %0 = "onnx.ScatterND"(%x, %i, %u) : (tensor<4x3x2xf32>, tensor<2x1xi64>, tensor<2x3x2xf32>) -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// -----

// A reduction combines in place into the addressed (here 0-d) slice, at
// both indices clamped: into [0, 2] and [0, 3].
// CHECK-LABEL: func.func @scatter_nd_mul_elements
// CHECK: scf.for {{.*}} iter_args(%[[OUT:.*]] = %{{.*}}) -> (tensor<3x4xi32>)
// CHECK: arith.constant 2 : index
// CHECK: %[[R0:.*]] = arith.maxsi
// CHECK: %[[R:.*]] = arith.minsi %[[R0]], %{{.*}} : index
// CHECK: arith.constant 3 : index
// CHECK: %[[C0:.*]] = arith.maxsi
// CHECK: %[[C:.*]] = arith.minsi %[[C0]], %{{.*}} : index
// CHECK: %[[UPD:.*]] = tensor.extract_slice %{{.*}}[%{{.*}}] [1] [1] : tensor<2xi32> to tensor<i32>
// CHECK: %[[CUR:.*]] = tensor.extract_slice %[[OUT]][%[[R]], %[[C]]] [1, 1] [1, 1] : tensor<3x4xi32> to tensor<i32>
// CHECK: %[[PROD:.*]] = linalg.generic {{.*}} ins(%[[UPD]] : tensor<i32>) outs(%[[CUR]] : tensor<i32>)
// CHECK: ^bb0(%[[IN:.*]]: i32, %[[OLD:.*]]: i32):
// CHECK: arith.muli %[[OLD]], %[[IN]] : i32
// CHECK: tensor.insert_slice %[[PROD]] into %[[OUT]][%[[R]], %[[C]]] [1, 1] [1, 1] : tensor<i32> into tensor<3x4xi32>
func.func @scatter_nd_mul_elements(%x: tensor<3x4xi32>, %i: tensor<2x2xi64>, %u: tensor<2xi32>) -> tensor<3x4xi32> {
  %0 = "onnx.ScatterND"(%x, %i, %u) {reduction = "mul"} : (tensor<3x4xi32>, tensor<2x2xi64>, tensor<2xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// -----

// k is a run-time scalar; the innermost two dims are the matrix.
// CHECK-LABEL: func.func @trilu_upper_k
// CHECK-SAME: %{{.*}}: tensor<2x4x3xf32>, %[[KT:.*]]: tensor<i64>
// CHECK: %[[K64:.*]] = tensor.extract %[[KT]][] : tensor<i64>
// CHECK: %[[K:.*]] = arith.index_cast %[[K64]] : i64 to index
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ROW:.*]] = linalg.index 1 : index
// CHECK: %[[COL:.*]] = linalg.index 2 : index
// CHECK: %[[OFF:.*]] = arith.subi %[[COL]], %[[ROW]] : index
// CHECK: %[[KEEP:.*]] = arith.cmpi sge, %[[OFF]], %[[K]] : index
// CHECK: arith.select %[[KEEP]], %[[IN]], %[[ZERO]] : f32
func.func @trilu_upper_k(%x: tensor<2x4x3xf32>, %k: tensor<i64>) -> tensor<2x4x3xf32> {
  %0 = "onnx.Trilu"(%x, %k) : (tensor<2x4x3xf32>, tensor<i64>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// CHECK-LABEL: func.func @trilu_lower_bool
// CHECK: %[[K:.*]] = arith.constant 0 : index
// CHECK: %[[FALSE:.*]] = arith.constant false
// CHECK: %[[KEEP:.*]] = arith.cmpi sle, %{{.*}}, %[[K]] : index
// CHECK: arith.select %[[KEEP]], %{{.*}}, %[[FALSE]] : i1
func.func @trilu_lower_bool(%x: tensor<3x3xi1>) -> tensor<3x3xi1> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Trilu"(%x, %none) {upper = 0 : i64} : (tensor<3x3xi1>, none) -> tensor<3x3xi1>
  return %0 : tensor<3x3xi1>
}

// -----

// dtype uint8: arith.constant takes no unsigned scalars, so 1 and 0 are read
// out of 0-d tensor constants.
// CHECK-LABEL: func.func @eye_like_ui8
// CHECK: %[[ONE_T:.*]] = arith.constant dense<1> : tensor<ui8>
// CHECK: %[[ONE:.*]] = tensor.extract %[[ONE_T]][] : tensor<ui8>
// CHECK: %[[ZERO_T:.*]] = arith.constant dense<0> : tensor<ui8>
// CHECK: %[[ZERO:.*]] = tensor.extract %[[ZERO_T]][] : tensor<ui8>
// CHECK: %[[K:.*]] = arith.constant -1 : index
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x4xui8>)
// CHECK: %[[DIAG:.*]] = arith.cmpi eq, %{{.*}}, %[[K]] : index
// CHECK: arith.select %[[DIAG]], %[[ONE]], %[[ZERO]] : ui8
func.func @eye_like_ui8(%x: tensor<3x4xf32>) -> tensor<3x4xui8> {
  %0 = "onnx.EyeLike"(%x) {dtype = 2 : i64, k = -1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xui8>
  return %0 : tensor<3x4xui8>
}

// -----

// The indices are read without the new axis (dim 1) and compared with it.
// CHECK-DAG: #[[$IDX:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @one_hot
// CHECK-SAME: %[[I:.*]]: tensor<2x3xi64>, %[[V:.*]]: tensor<2xf32>
// CHECK: %[[OFF:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xf32>
// CHECK: %[[ON:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$IDX]], #{{.*}}], {{.*}} ins(%[[I]] : tensor<2x3xi64>) outs(%{{.*}} : tensor<2x5x3xf32>)
// CHECK: %[[CAST:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: arith.addi %[[CAST]], %c5 : index
// CHECK: %[[INDEX:.*]] = arith.select
// CHECK-NOT: arith.maxsi
// CHECK-NOT: arith.minsi
// CHECK: %[[POS:.*]] = linalg.index 1 : index
// CHECK: %[[HOT:.*]] = arith.cmpi eq, %[[INDEX]], %[[POS]] : index
// CHECK: arith.select %[[HOT]], %[[ON]], %[[OFF]] : f32
func.func @one_hot(%i: tensor<2x3xi64>, %v: tensor<2xf32>) -> tensor<2x5x3xf32> {
  %d = "onnx.Constant"() {value = dense<5> : tensor<i64>} : () -> tensor<i64>
  %0 = "onnx.OneHot"(%i, %d, %v) {axis = 1 : i64} : (tensor<2x3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----

// CHECK-LABEL: func.func @range_static
// CHECK-SAME: %[[S:.*]]: tensor<f32>, %{{.*}}: tensor<f32>, %[[D:.*]]: tensor<f32>
// CHECK: %[[START:.*]] = tensor.extract %[[S]][] : tensor<f32>
// CHECK: %[[DELTA:.*]] = tensor.extract %[[D]][] : tensor<f32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<8xf32>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: %[[IF:.*]] = arith.sitofp %[[I64]] : i64 to f32
// CHECK: %[[STEP:.*]] = arith.mulf %[[IF]], %[[DELTA]] : f32
// CHECK: arith.addf %[[START]], %[[STEP]] : f32
func.func @range_static(%s: tensor<f32>, %l: tensor<f32>, %d: tensor<f32>) -> tensor<8xf32> {
  %0 = "onnx.Range"(%s, %l, %d) : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Without constant operands the count is computed: max(ceil((l - s) / d), 0).
// CHECK-LABEL: func.func @range_dynamic
// CHECK: %[[SPAN:.*]] = arith.subi
// CHECK: %[[COUNT:.*]] = arith.ceildivsi %[[SPAN]], %{{.*}} : i32
// CHECK: %[[N:.*]] = arith.index_cast %[[COUNT]] : i32 to index
// CHECK: %[[SIZE:.*]] = arith.maxsi %[[N]], %{{.*}} : index
// CHECK: %[[INIT:.*]] = tensor.empty(%[[SIZE]]) : tensor<?xi32>
// CHECK: linalg.generic {{.*}} outs(%[[INIT]] : tensor<?xi32>)
// CHECK: arith.muli
// CHECK: arith.addi
func.func @range_dynamic(%s: tensor<i32>, %l: tensor<i32>, %d: tensor<i32>) -> tensor<?xi32> {
  %0 = "onnx.Range"(%s, %l, %d) : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// -----

// A static ConstantOfShape folds to a constant; a dynamic dim is read from
// the shape operand.
// CHECK-LABEL: func.func @constant_of_shape_dynamic
// CHECK-SAME: %[[S:.*]]: tensor<2xi64>
// CHECK: %[[D:.*]] = tensor.extract %[[S]][%c0] : tensor<2xi64>
// CHECK: %[[N:.*]] = arith.index_cast %[[D]] : i64 to index
// CHECK: %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x3xi64>
// CHECK: %[[SEVEN:.*]] = arith.constant 7 : i64
// CHECK: linalg.fill ins(%[[SEVEN]] : i64) outs(%[[INIT]] : tensor<?x3xi64>)
func.func @constant_of_shape_dynamic(%s: tensor<2xi64>) -> tensor<?x3xi64> {
  %0 = "onnx.ConstantOfShape"(%s) {value = dense<7> : tensor<1xi64>} : (tensor<2xi64>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// CHECK-LABEL: func.func @shape_dynamic
// CHECK-SAME: %[[X:.*]]: tensor<?x4x5xf32>
// CHECK: %[[DIM:.*]] = tensor.dim %[[X]], %c0 : tensor<?x4x5xf32>
// CHECK: %[[D0:.*]] = arith.index_cast %[[DIM]] : index to i64
// CHECK: %[[D1:.*]] = arith.constant 4 : i64
// CHECK: tensor.from_elements %[[D0]], %[[D1]] : tensor<2xi64>
func.func @shape_dynamic(%x: tensor<?x4x5xf32>) -> tensor<2xi64> {
  %0 = "onnx.Shape"(%x) {end = -1 : i64} : (tensor<?x4x5xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @size_dynamic
// CHECK: tensor.dim
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %c4_i64 : i64
// CHECK: tensor.from_elements %[[N]] : tensor<i64>
func.func @size_dynamic(%x: tensor<?x4xi1>) -> tensor<i64> {
  %0 = "onnx.Size"(%x) : (tensor<?x4xi1>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// CHECK-LABEL: func.func @dropout_mask
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32>
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: %[[MASK:.*]] = linalg.fill ins(%[[TRUE]] : i1) outs(%{{.*}} : tensor<3x4xi1>)
// CHECK: return %[[X]], %[[MASK]]
func.func @dropout_mask(%x: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi1>) {
  %r = "onnx.Constant"() {value = dense<0.3> : tensor<f32>} : () -> tensor<f32>
  %none = "onnx.NoValue"() : () -> none
  %y, %m = "onnx.Dropout"(%x, %r, %none) : (tensor<3x4xf32>, tensor<f32>, none) -> (tensor<3x4xf32>, tensor<3x4xi1>)
  return %y, %m : tensor<3x4xf32>, tensor<3x4xi1>
}

// -----

// Reverse walks the axis backwards; exclusive writes the sum before adding;
// bf16 sums in f32.
// CHECK-LABEL: func.func @cumsum_exclusive_reverse_bf16
// CHECK-SAME: %[[X:.*]]: tensor<2x5xbf16>
// CHECK: %[[ACC0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x1xf32>)
// CHECK: %[[R:.*]]:2 = scf.for %[[T:.*]] = %{{.*}} to %c5 step %{{.*}} iter_args(%[[OUT:.*]] = %{{.*}}, %[[ACC:.*]] = %[[ACC0]]) -> (tensor<2x5xbf16>, tensor<2x1xf32>)
// CHECK: %[[POS:.*]] = arith.subi %c4, %[[T]] : index
// CHECK: %[[IN:.*]] = tensor.extract_slice %[[X]][0, %[[POS]]] [2, 1] [1, 1] : tensor<2x5xbf16> to tensor<2x1xbf16>
// CHECK: %[[DEST:.*]] = tensor.extract_slice %[[OUT]][0, %[[POS]]] [2, 1] [1, 1]
// CHECK: %[[STEP:.*]]:2 = linalg.generic {{.*}} ins(%[[IN]] : tensor<2x1xbf16>) outs(%[[ACC]], %[[DEST]] : tensor<2x1xf32>, tensor<2x1xbf16>)
// CHECK: ^bb0(%[[V:.*]]: bf16, %[[BEFORE:.*]]: f32, %{{.*}}: bf16):
// CHECK: %[[W:.*]] = arith.extf %[[V]] : bf16 to f32
// CHECK: %[[SUM:.*]] = arith.addf %[[BEFORE]], %[[W]] : f32
// CHECK: %[[Y:.*]] = arith.truncf %[[BEFORE]] : f32 to bf16
// CHECK: linalg.yield %[[SUM]], %[[Y]] : f32, bf16
// CHECK: %[[WRITTEN:.*]] = tensor.insert_slice %[[STEP]]#1 into %[[OUT]][0, %[[POS]]] [2, 1] [1, 1]
// CHECK: scf.yield %[[WRITTEN]], %[[STEP]]#0
// CHECK: return %[[R]]#0
func.func @cumsum_exclusive_reverse_bf16(%x: tensor<2x5xbf16>) -> tensor<2x5xbf16> {
  %a = "onnx.Constant"() {value = dense<-1> : tensor<i64>} : () -> tensor<i64>
  %0 = "onnx.CumSum"(%x, %a) {exclusive = 1 : i64, reverse = 1 : i64} : (tensor<2x5xbf16>, tensor<i64>) -> tensor<2x5xbf16>
  return %0 : tensor<2x5xbf16>
}

// -----

// Inclusive i64 along axis 0 given as a 1-element tensor.
// CHECK-LABEL: func.func @cumsum_i64
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %c4
// CHECK: tensor.extract_slice %{{.*}}[%[[T]], 0] [1, 3] [1, 1] : tensor<4x3xi64> to tensor<1x3xi64>
// CHECK: ^bb0(%[[V:.*]]: i64, %[[BEFORE:.*]]: i64, %{{.*}}: i64):
// CHECK: %[[SUM:.*]] = arith.addi %[[BEFORE]], %[[V]] : i64
// CHECK: linalg.yield %[[SUM]], %[[SUM]] : i64, i64
func.func @cumsum_i64(%x: tensor<4x3xi64>) -> tensor<4x3xi64> {
  %a = "onnx.Constant"() {value = dense<[0]> : tensor<1xi32>} : () -> tensor<1xi32>
  %0 = "onnx.CumSum"(%x, %a) : (tensor<4x3xi64>, tensor<1xi32>) -> tensor<4x3xi64>
  return %0 : tensor<4x3xi64>
}

// -----

// A constant condition (shorter than the axis) selects columns 1 and 3.
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @compress_constant_condition
// CHECK-SAME: %[[X:.*]]: tensor<3x5xf32>
// CHECK: %[[POS:.*]] = arith.constant dense<[1, 3]> : tensor<2xi64>
// CHECK: linalg.generic {indexing_maps = [#[[$COL]], #{{.*}}], {{.*}} ins(%[[POS]] : tensor<2xi64>) outs(%{{.*}} : tensor<3x2xf32>)
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: %[[COL:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: tensor.extract %[[X]][%[[ROW]], %[[COL]]] : tensor<3x5xf32>
func.func @compress_constant_condition(%x: tensor<3x5xf32>) -> tensor<3x2xf32> {
  %c = "onnx.Constant"() {value = dense<[false, true, false, true]> : tensor<4xi1>} : () -> tensor<4xi1>
  %0 = "onnx.Compress"(%x, %c) {axis = -1 : i64} : (tensor<3x5xf32>, tensor<4xi1>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
