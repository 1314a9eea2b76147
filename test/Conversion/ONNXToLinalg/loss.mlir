// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// NLL, weighted mean with an ignore_index, f16: one generic over the labels
// gathers -x[n, t, d] * w[t] and the weight it counts with (both 0 where
// t == ignore_index, the loss NaN for a label outside [0, C)), one reduction
// sums both to 0-d f32 tensors, and their quotient is rounded to f16 once.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @nll_weighted_mean
// CHECK-DAG: %[[C:.*]] = arith.constant 5 : index
// CHECK: %[[PER:.*]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<3x2xi64>) outs(%{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<3x2xf32>)
// CHECK: ^bb0(%[[T:.*]]: i64,
// CHECK: %[[CLS:.*]] = arith.index_cast %[[T]] : i64 to index
// CHECK-DAG: arith.cmpi slt, %[[CLS]], %[[C]] : index
// CHECK-DAG: arith.cmpi sge, %[[CLS]], %{{.*}} : index
// CHECK: %[[SAFE:.*]] = arith.select %{{.*}}, %[[CLS]], %{{.*}} : index
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %[[SAFE]], %{{.*}}] : tensor<3x5x2xf16>
// CHECK: tensor.extract %{{.*}}[%[[SAFE]]] : tensor<5xf16>
// CHECK: arith.negf
// CHECK: arith.constant 0x7FC00000 : f32
// CHECK: %[[IGNORED:.*]] = arith.cmpi eq, %[[T]], %{{.*}} : i64
// CHECK: %[[LOSS:.*]] = arith.select %[[IGNORED]]
// CHECK: %[[W:.*]] = arith.select %[[IGNORED]]
// CHECK: linalg.yield %[[LOSS]], %[[W]] : f32, f32
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$ALL]], #[[$ALL]]], iterator_types = ["reduction", "reduction"]} ins(%[[PER]]#0, %[[PER]]#1 : tensor<3x2xf32>, tensor<3x2xf32>) outs({{.*}} : tensor<f32>, tensor<f32>)
// CHECK: linalg.generic {{.*}} ins(%[[SUMS]]#0, %[[SUMS]]#1 : tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<f16>)
// CHECK: arith.divf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @nll_weighted_mean(%x: tensor<3x5x2xf16>, %t: tensor<3x2xi64>, %w: tensor<5xf16>) -> tensor<f16> {
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %w) {ignore_index = 1 : i64, reduction = "mean"} : (tensor<3x5x2xf16>, tensor<3x2xi64>, tensor<5xf16>) -> tensor<f16>
  return %0 : tensor<f16>
}

// -----

// reduction = "none" without weights or ignore_index: the per-label losses
// are the result; nothing is reduced and no weight is read.
// CHECK-LABEL: func.func @nll_none
// CHECK: %[[PER:.*]]:2 = linalg.generic {{.*}} ins(%{{.*}} : tensor<4xi32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK: tensor.extract %{{.*}} : tensor<4x3xf32>
// CHECK-NOT: tensor.extract
// CHECK-NOT: arith.cmpi eq
// CHECK: linalg.yield
// CHECK-NOT: linalg.generic
// CHECK: return %[[PER]]#0 : tensor<4xf32>
func.func @nll_none(%x: tensor<4x3xf32>, %t: tensor<4xi32>) -> tensor<4xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %none) {reduction = "none"} : (tensor<4x3xf32>, tensor<4xi32>, none) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// SoftmaxCrossEntropyLoss over run-time dims: LogSoftmax along axis 1 (max,
// exp-sum, x - max - log(sum)) is both the log_prob result and the NLL's
// input; dims known only at run time are checked against each other.
// CHECK-LABEL: func.func @sce_dynamic
// CHECK: math.exp
// CHECK: %[[LOGP:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?x?xf32>)
// CHECK: math.log
// CHECK: cf.assert {{.*}} "node '?' (SoftmaxCrossEntropyLoss): labels dim 0 differs from scores dim 0"
// CHECK: cf.assert {{.*}} "node '?' (SoftmaxCrossEntropyLoss): labels dim 1 differs from scores dim 2"
// CHECK: cf.assert {{.*}} "node '?' (SoftmaxCrossEntropyLoss): there are no classes (C = 0) to label"
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x?xi64>)
// CHECK: tensor.extract %[[LOGP]]
// CHECK: iterator_types = ["reduction", "reduction"]
// CHECK: return %{{.*}}, %[[LOGP]] : tensor<f32>, tensor<?x?x?xf32>
func.func @sce_dynamic(%x: tensor<?x?x?xf32>, %t: tensor<?x?xi64>) -> (tensor<f32>, tensor<?x?x?xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %0:2 = "onnx.SoftmaxCrossEntropyLoss"(%x, %t, %none) {reduction = "sum"} : (tensor<?x?x?xf32>, tensor<?x?xi64>, none) -> (tensor<f32>, tensor<?x?x?xf32>)
  return %0#0, %0#1 : tensor<f32>, tensor<?x?x?xf32>
}
