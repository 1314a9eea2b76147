// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// NonZero: a counting pass over the input in row-major order, then a
// [rank, count] result filled by a second pass, one column per nonzero
// element (NaN counts as nonzero: une).
// CHECK-LABEL: func.func @nonzero
// CHECK:         %[[COUNT:.*]] = scf.for {{.*}} iter_args
// CHECK:           scf.for
// CHECK:             arith.cmpf une
// CHECK:             arith.select
// CHECK:         %[[INIT:.*]] = tensor.empty(%[[COUNT]]) : tensor<2x?xi64>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:               tensor.insert
// CHECK:               tensor.insert
// CHECK-NOT:     onnx.NonZero
func.func @nonzero(%x: tensor<3x4xf32>) -> tensor<2x?xi64> {
  %0 = "onnx.NonZero"(%x) : (tensor<3x4xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

// Compress with a run-time condition: the selected positions among the
// first min(len(condition), dim) entries, counted then listed, and a
// gather of them along the axis.
// CHECK-LABEL: func.func @compress
// CHECK:         %[[LEN:.*]] = arith.minui
// CHECK:         %[[COUNT:.*]] = scf.for %{{.*}} = %c0{{.*}} to %[[LEN]]
// CHECK:         %[[POS:.*]] = tensor.empty(%[[COUNT]]) : tensor<?xi64>
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %[[LEN]] {{.*}} iter_args(%{{.*}} = %[[POS]]
// CHECK:         tensor.empty(%[[COUNT]]) : tensor<3x?xf32>
// CHECK:         linalg.generic
// CHECK:           tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<3x4xf32>
func.func @compress(%x: tensor<3x4xf32>, %c: tensor<?xi1>) -> tensor<3x?xf32> {
  %0 = "onnx.Compress"(%x, %c) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<?xi1>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}
