// RUN: onnx-opt %s --convert-onnx-to-linalg | FileCheck %s

// The input projection of all steps is one contraction; each step of the
// scf.for computes H * R^T and one generic producing the new C and H in
// place of the loop-carried state, then inserts H into Y.
// CHECK-LABEL: func.func @lstm
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: %[[LOOP:.*]]:3 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}, %[[Y:.*]] = %{{.*}}) -> (tensor<2x5xf32>, tensor<2x5xf32>, tensor<4x2x5xf32>)
// CHECK: tensor.extract_slice %{{.*}}[%[[T]], 0, 0] [1, 2, 20] [1, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%[[H]], %{{.*}} : tensor<2x5xf32>, tensor<20x5xf32>)
// CHECK: %[[CELL:.*]]:2 = linalg.generic {{.*}} outs(%[[C]], %[[H]] : tensor<2x5xf32>, tensor<2x5xf32>)
// CHECK: math.tanh
// CHECK: %[[NEW_Y:.*]] = tensor.insert_slice %[[CELL]]#1 into %[[Y]][%[[T]], 0, 0] [1, 2, 5] [1, 1, 1]
// CHECK: scf.yield %[[CELL]]#1, %[[CELL]]#0, %[[NEW_Y]]
// CHECK: tensor.expand_shape %[[LOOP]]#2 {{\[\[}}0, 1], [2], [3]] {{.*}} into tensor<4x1x2x5xf32>
func.func @lstm(%x: tensor<4x2x3xf32>, %w: tensor<1x20x3xf32>, %r: tensor<1x20x5xf32>) -> tensor<4x1x2x5xf32> {
  %none = "onnx.NoValue"() : () -> none
  %y, %h, %c = "onnx.LSTM"(%x, %w, %r, %none, %none, %none, %none, %none) {hidden_size = 5 : i64} : (tensor<4x2x3xf32>, tensor<1x20x3xf32>, tensor<1x20x5xf32>, none, none, none, none, none) -> (tensor<4x1x2x5xf32>, none, none)
  return %y : tensor<4x1x2x5xf32>
}
