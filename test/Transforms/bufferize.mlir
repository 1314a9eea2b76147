// RUN: onnx-opt %s --onnxc-bufferize --split-input-file | FileCheck %s

// Results become out-parameters written in place; copies are linalg.copy.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[Y:.*]]: memref<4xf32> {onnxc.output}, %[[Z:.*]]: memref<4xf32> {onnxc.output})
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} ins(%[[X]] : memref<4xf32>) outs(%[[Y]] : memref<4xf32>)
// CHECK: linalg.copy ins(%[[X]] : memref<4xf32>) outs(%[[Z]] : memref<4xf32>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @main_graph(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  return %y, %x : tensor<4xf32>, tensor<4xf32>
}

// -----

// A result sized at run time becomes a record: the function allocates its
// buffer (marked onnxc.output: the caller takes it) and stores the buffer's
// address and dims. Static results around it stay out-params, in order.
// CHECK-LABEL: func.func @dynamic_result
// CHECK-SAME: (%[[X:.*]]: memref<?x4xf32>, %[[S:.*]]: memref<4xf32> {onnxc.output}, %[[R:.*]]: memref<3xi64> {onnxc.output_record})
// CHECK-NOT: -> 
// CHECK: %[[B:.*]] = memref.alloc(%{{.*}}) {{.*}}onnxc.output{{.*}} : memref<?x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : memref<?x4xf32>) outs(%[[B]] : memref<?x4xf32>)
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: %[[PI:.*]] = arith.index_cast %[[P]] : index to i64
// CHECK: memref.store %[[PI]], %[[R]][%c0{{.*}}]
// CHECK: memref.dim %[[B]], %c0
// CHECK: memref.store %{{.*}}, %[[R]][%c1{{.*}}]
// CHECK: memref.store %{{.*}}, %[[R]][%c2{{.*}}]
// CHECK: return
func.func @dynamic_result(%x: tensor<?x4xf32>) -> (tensor<4xf32>, tensor<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>
  %cst = arith.constant dense<1.0> : tensor<4xf32>
  return %cst, %y : tensor<4xf32>, tensor<?x4xf32>
}

// -----

// A dynamic result that is a graph input is copied into a buffer of its
// own, which the caller can take.
// CHECK-LABEL: func.func @dynamic_passthrough
// CHECK-SAME: (%[[X:.*]]: memref<?xi64>, %[[R:.*]]: memref<2xi64> {onnxc.output_record})
// CHECK: %[[B:.*]] = memref.alloc(%{{.*}}) {onnxc.output} : memref<?xi64>
// CHECK: linalg.copy ins(%[[X]] : memref<?xi64>) outs(%[[B]] : memref<?xi64>)
// CHECK: memref.extract_aligned_pointer_as_index %[[B]]
func.func @dynamic_passthrough(%x: tensor<?xi64>) -> tensor<?xi64> {
  return %x : tensor<?xi64>
}
