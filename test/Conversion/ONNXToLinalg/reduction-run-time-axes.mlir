// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// Axes known only at run time: a bit mask of the reduced dims, built over
// the axes (negative ones counted from the end, an out-of-range one an error
// of the run; no axes: every dim), selects one of the 2^rank reductions
// compiled for each subset; each is cast to the dynamic result type.
// CHECK-LABEL: func.func @run_time_axes_keepdims
// CHECK:         %[[LEN:.*]] = tensor.dim %{{.*}}, %c0
// CHECK:         %[[MASK:.*]] = scf.for %{{.*}} = %c0{{.*}} to %[[LEN]] {{.*}} iter_args
// CHECK:           tensor.extract
// CHECK:           cf.assert %{{.*}}, "node '?' (ReduceSum): an axis is out of range [-2, 1]"
// CHECK:           arith.shli
// CHECK:           arith.ori
// CHECK:         %[[EMPTY:.*]] = arith.cmpi eq, %[[LEN]], %c0
// CHECK:         %[[SEL:.*]] = arith.select %[[EMPTY]], %c3{{.*}}, %[[MASK]]
// CHECK:         scf.index_switch %[[SEL]] -> tensor<?x?xf32>
// CHECK:         case 0 {
// CHECK:           tensor.cast %{{.*}} : tensor<2x3xf32> to tensor<?x?xf32>
// CHECK:         case 1 {
// CHECK:           linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK:           tensor.cast %{{.*}} : tensor<1x3xf32> to tensor<?x?xf32>
// CHECK:         case 2 {
// CHECK:           tensor.cast %{{.*}} : tensor<2x1xf32> to tensor<?x?xf32>
// CHECK:         default {
// CHECK:           tensor.cast %{{.*}} : tensor<1x1xf32> to tensor<?x?xf32>
func.func @run_time_axes_keepdims(%x: tensor<2x3xf32>, %axes: tensor<?xi64>) -> tensor<?x?xf32> {
  %0 = "onnx.ReduceSum"(%x, %axes) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Without keepdims, one axis of a 2-D input leaves a 1-D result: the
// subsets of one dim collapse to it; the others (repeated or out-of-range
// axes) fail the run with a message naming the op.
// CHECK-LABEL: func.func @run_time_axes_dropped
// CHECK:         scf.index_switch %{{.*}} -> tensor<?xf32>
// CHECK:         case 0 {
// CHECK:           cf.assert %false{{.*}}"node '?' (ReduceMax): the axes repeat or are out of range"
// CHECK:         case 1 {
// CHECK:           tensor.collapse_shape
// CHECK:           tensor.cast %{{.*}} : tensor<3xf32> to tensor<?xf32>
// CHECK:         case 2 {
// CHECK:           tensor.cast %{{.*}} : tensor<2xf32> to tensor<?xf32>
// CHECK:         default {
// CHECK:           cf.assert
func.func @run_time_axes_dropped(%x: tensor<2x3xf32>, %axes: tensor<1xi64>) -> tensor<?xf32> {
  %0 = "onnx.ReduceMax"(%x, %axes) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
