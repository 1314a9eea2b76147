// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// Convolutions, pools, Gemm and normalizations over dims known only at run
// time: sizes come from tensor.dim and ONNX's formulas on index values,
// and what must agree is checked by cf.assert (an error of the run).

// A dynamic batch: the accumulator takes N from X, the bias generic from
// the convolution.
// CHECK-LABEL: func.func @conv_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8x8xf32>
// CHECK-NOT: cf.assert
// CHECK: tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: } : tensor<?x3x8x8xf32> to tensor<?x3x10x10xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x8x8xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x4x8x8xf32>
// CHECK: %[[F:.*]] = linalg.fill {{.*}} outs(%[[E]] : tensor<?x4x8x8xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} outs(%[[F]] : tensor<?x4x8x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x4x8x8xf32>, tensor<4xf32>)
func.func @conv_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<?x4x8x8xf32> {
  %0 = "onnx.Conv"(%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
  return %0 : tensor<?x4x8x8xf32>
}

// -----

// SAME_UPPER over run-time H and W: total = max(0, (ceil(in / s) - 1) * s
// + extent - in), begin = total / 2; the output (in + pads - extent) / s + 1.
// A dynamic C is checked against the weight's and made static.
// CHECK-LABEL: func.func @conv_same_dynamic_hw
// CHECK: %[[C:.*]] = tensor.dim %{{.*}}, %c1 : tensor<?x?x?x?xf32>
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[C]], %c3
// CHECK: cf.assert %[[OK]], "node 'c' (Conv): the input's channels differ from group * the weight's dim 1 (3) at run time"
// CHECK: %[[CAST:.*]] = tensor.cast %{{.*}} : tensor<?x?x?x?xf32> to tensor<?x3x?x?xf32>
// CHECK: %[[H:.*]] = tensor.dim %[[CAST]], %c2
// CHECK: %[[OUT:.*]] = arith.ceildivsi %[[H]], %{{.*}} : index
// CHECK: %[[TOTAL:.*]] = arith.maxsi
// CHECK: %[[BEGIN:.*]] = arith.floordivsi %[[TOTAL]], %{{.*}} : index
// CHECK: %[[END:.*]] = arith.subi %[[TOTAL]], %[[BEGIN]] : index
// CHECK: tensor.pad %[[CAST]] low[0, 0, %[[BEGIN]], %{{.*}}] high[0, 0, %[[END]], %{{.*}}]
// CHECK: %[[OH:.*]] = arith.addi %{{.*}}, %c1{{.*}} : index
// CHECK: tensor.empty(%{{.*}}, %[[OH]], %{{.*}}) : tensor<?x4x?x?xf32>
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @conv_same_dynamic_hw(%x: tensor<?x?x?x?xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Conv"(%x, %w, %none) {auto_pad = "SAME_UPPER", strides = array<i64: 2, 2>} : (tensor<?x?x?x?xf32>, tensor<4x3x3x3xf32>, none) -> tensor<?x4x?x?xf32> loc("c")
  return %0 : tensor<?x4x?x?xf32>
}

// -----

// A grouped 1-D conv with a run-time batch and length: the unit height and
// the groups are expand_shapes with run-time sizes.
// CHECK-LABEL: func.func @conv_grouped_1d
// CHECK: cf.assert
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [%{{.*}}, 4, 1, %{{.*}}] : tensor<?x4x?xf32> into tensor<?x4x1x?xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] output_shape [%{{.*}}, 2, 2, 1, %{{.*}}] : tensor<?x4x1x?xf32> into tensor<?x2x2x1x?xf32>
// CHECK: linalg.conv_2d_ngchw_gfchw {{.*}} -> tensor<?x2x3x1x?xf32>
// CHECK: tensor.collapse_shape %{{.*}} : tensor<?x6x1x?xf32> into tensor<?x6x?xf32>
func.func @conv_grouped_1d(%x: tensor<?x?x?xf32>, %w: tensor<6x2x3xf32>) -> tensor<?x6x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Conv"(%x, %w, %none) {group = 2 : i64, pads = array<i64: 1, 1>} : (tensor<?x?x?xf32>, tensor<6x2x3xf32>, none) -> tensor<?x6x?xf32>
  return %0 : tensor<?x6x?xf32>
}

// -----

// A weight known only at run time: C checked against its dim 1 (both
// dynamic), its kernel sizes in the output's formula.
// CHECK-LABEL: func.func @conv_dynamic_weight
// CHECK: cf.assert %{{.*}}, "node '?' (Conv): the input's channels differ from the weight's dim 1 at run time"
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) outs(%{{.*}} : tensor<?x?x?x?xf32>)
func.func @conv_dynamic_weight(%x: tensor<?x?x?x?xf32>, %w: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Conv"(%x, %w, %none) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, none) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// CHECK-LABEL: func.func @maxpool_batch
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x?x9x9xf32>
// CHECK: %[[C:.*]] = tensor.dim %{{.*}}, %c1 : tensor<?x?x9x9xf32>
// CHECK: tensor.empty(%[[N]], %[[C]]) : tensor<?x?x4x4xf32>
// CHECK: linalg.pooling_nchw_max {{.*}} -> tensor<?x?x4x4xf32>
func.func @maxpool_batch(%x: tensor<?x?x9x9xf32>) -> tensor<?x?x4x4xf32> {
  %y, %i = "onnx.MaxPool"(%x) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x?x9x9xf32>) -> (tensor<?x?x4x4xf32>, none)
  return %y : tensor<?x?x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @averagepool_batch
// CHECK: linalg.pooling_nchw_sum {{.*}} -> tensor<?x3x5x5xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x3x5x5xf32>, tensor<5xf32>, tensor<5xf32>)
func.func @averagepool_batch(%x: tensor<?x3x10x10xf32>) -> tensor<?x3x5x5xf32> {
  %0 = "onnx.AveragePool"(%x) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x10x10xf32>) -> tensor<?x3x5x5xf32>
  return %0 : tensor<?x3x5x5xf32>
}

// -----

// The mean divides by H * W read at run time.
// CHECK-LABEL: func.func @global_average
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: %[[H:.*]] = tensor.dim %{{.*}}, %c2
// CHECK: %[[W:.*]] = tensor.dim %{{.*}}, %c3
// CHECK: %[[HW:.*]] = arith.muli %[[H]], %[[W]] : index
// CHECK: %[[I:.*]] = arith.index_castui %[[HW]] : index to i64
// CHECK: %[[COUNT:.*]] = arith.uitofp %[[I]] : i64 to f32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %[[COUNT]] : f32
func.func @global_average(%x: tensor<?x3x?x?xf32>) -> tensor<?x3x1x1xf32> {
  %0 = "onnx.GlobalAveragePool"(%x) : (tensor<?x3x?x?xf32>) -> tensor<?x3x1x1xf32>
  return %0 : tensor<?x3x1x1xf32>
}

// -----

// Gemm: M from A, K checked against B's.
// CHECK-LABEL: func.func @gemm
// CHECK: %[[K:.*]] = tensor.dim %{{.*}}, %c1 : tensor<?x?xf32>
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[K]], %c12 : index
// CHECK: cf.assert %[[OK]], "node '?' (Gemm): the inner dims (K) of A and B differ at run time"
// CHECK: %[[M:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x?xf32>
// CHECK: tensor.empty(%[[M]]) : tensor<?x16xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<16x12xf32>)
func.func @gemm(%a: tensor<?x?xf32>, %b: tensor<16x12xf32>, %c: tensor<16xf32>) -> tensor<?x16xf32> {
  %0 = "onnx.Gemm"(%a, %b, %c) {transB = 1 : i64} : (tensor<?x?xf32>, tensor<16x12xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// Normalized dims known only at run time: 1 / count from tensor.dim, and
// the scale's dim checked against X's.
// CHECK-LABEL: func.func @layernorm_dynamic_row
// CHECK: %[[D:.*]] = tensor.dim %{{.*}}, %c1 : tensor<2x?xf32>
// CHECK: %[[I:.*]] = arith.index_castui %[[D]] : index to i64
// CHECK: %[[COUNT:.*]] = arith.uitofp %[[I]] : i64 to f32
// CHECK: %[[INV:.*]] = arith.divf %{{.*}}, %[[COUNT]] : f32
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.*}}, %[[INV]] : f32
// CHECK: cf.assert %{{.*}}, "node '?' (LayerNormalization): Scale dim 0 differs from X's dim 1 at run time"
func.func @layernorm_dynamic_row(%x: tensor<2x?xf32>, %s: tensor<?xf32>) -> tensor<2x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %y, %m, %i = "onnx.LayerNormalization"(%x, %s, %none) {axis = 1 : i64} : (tensor<2x?xf32>, tensor<?xf32>, none) -> (tensor<2x?xf32>, none, none)
  return %y : tensor<2x?xf32>
}

// -----

// InstanceNormalization over run-time H and W; the channels of scale and B
// checked against X's.
// CHECK-LABEL: func.func @instancenorm
// CHECK: cf.assert %{{.*}}, "node '?' (InstanceNormalization): scale has not as many values as the input has channels"
// CHECK: cf.assert %{{.*}}, "node '?' (InstanceNormalization): B has not as many values as the input has channels"
// CHECK: arith.muli
// CHECK: arith.uitofp
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?x1x1xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?x?x?xf32>)
func.func @instancenorm(%x: tensor<?x?x?x?xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<?x?x?x?xf32> {
  %0 = "onnx.InstanceNormalization"(%x, %s, %b) : (tensor<?x?x?x?xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// MaxPool over run-time H and W with ceil_mode: the output's size is
// selected at run time (a window may not start in the end padding) and the
// end pads grow so that the last window fits.
// CHECK-LABEL: func.func @maxpool_dynamic_hw
// CHECK: %[[H:.*]] = tensor.dim %{{.*}}, %c2 : tensor<?x3x?x?xf32>
// CHECK: arith.ceildivsi
// CHECK: %[[PAST:.*]] = arith.cmpi sge
// CHECK: %[[OH:.*]] = arith.select %[[PAST]]
// CHECK: arith.maxsi
// CHECK: tensor.pad
// CHECK: tensor.empty(%{{.*}}, %[[OH]], %{{.*}}) : tensor<?x3x?x?xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} {{.*}} -> tensor<?x3x?x?xf32>
func.func @maxpool_dynamic_hw(%x: tensor<?x3x?x?xf32>) -> tensor<?x3x?x?xf32> {
  %y, %i = "onnx.MaxPool"(%x) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = 1 : i64} : (tensor<?x3x?x?xf32>) -> (tensor<?x3x?x?xf32>, none)
  return %y : tensor<?x3x?x?xf32>
}

// -----

// AveragePool over a run-time length: the divisor of each window is a
// pooling of ones over the input (padded with zeros: count_include_pad 0).
// CHECK-LABEL: func.func @averagepool_dynamic_1d
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum {{.*}} -> tensor<?x2x1x?xf32>
// CHECK: %[[ONES:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x1x1x?xf32>)
// CHECK: %[[COUNTS:.*]] = linalg.pooling_nchw_sum {{.*}} -> tensor<1x1x1x?xf32>
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[COUNTS]] : tensor<?x2x1x?xf32>, tensor<1x1x1x?xf32>)
// CHECK: arith.divf
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<?x2x1x?xf32> into tensor<?x2x?xf32>
func.func @averagepool_dynamic_1d(%x: tensor<?x2x?xf32>) -> tensor<?x2x?xf32> {
  %0 = "onnx.AveragePool"(%x) {kernel_shape = array<i64: 4>, strides = array<i64: 3>, pads = array<i64: 1, 1>} : (tensor<?x2x?xf32>) -> tensor<?x2x?xf32>
  return %0 : tensor<?x2x?xf32>
}

// -----

// ConvTranspose with a run-time batch: the dilated input and the
// accumulator are sized by X's N.
// CHECK-LABEL: func.func @conv_transpose_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x5x6xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4x5x6xf32>
// CHECK: %[[Z:.*]] = tensor.empty(%[[N]]) : tensor<?x4x{{[0-9]+}}x{{[0-9]+}}xf32>
// CHECK: tensor.insert_slice %[[X]] into %{{.*}}[0, 0, {{.*}}] [%[[N]], 4, 5, 6] [1, 1, 2, 2]
// CHECK: %[[ACC:.*]] = tensor.empty(%[[N]]) : tensor<?x3x10x12xf32>
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<?x3x10x12xf32>
func.func @conv_transpose_batch(%x: tensor<?x4x5x6xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x3x10x12xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.ConvTranspose"(%x, %w, %none) {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>} : (tensor<?x4x5x6xf32>, tensor<4x3x3x3xf32>, none) -> tensor<?x3x10x12xf32>
  return %0 : tensor<?x3x10x12xf32>
}
