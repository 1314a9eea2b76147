// RUN: onnx-opt %s --onnxc-outline-kernels | FileCheck %s

// Each computation moves into its own function with the graph arguments it
// touches; the views that address its buffers are cloned into it.
// CHECK-LABEL: func.func private @main_graph_kernel0
// CHECK-SAME: (%[[X:.*]]: memref<8xf32>, %[[WS:.*]]: memref<64xi8>)
// CHECK: %[[V:.*]] = memref.view %[[WS]]
// CHECK: linalg.copy ins(%[[X]] : memref<8xf32>) outs(%[[V]] : memref<8xf32>)
// CHECK-LABEL: func.func private @main_graph_kernel1
// CHECK-SAME: (%{{.*}}: memref<8xf32>, %{{.*}}: memref<64xi8>)
// CHECK: linalg.generic
// CHECK-LABEL: func.func @main_graph
// CHECK-NEXT: call @main_graph_kernel0(%arg0, %arg2)
// CHECK-NEXT: call @main_graph_kernel1(%arg1, %arg2)
// CHECK-NEXT: return
func.func @main_graph(%x: memref<8xf32>, %y: memref<8xf32>, %ws: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %t = memref.view %ws[%c0][] : memref<64xi8> to memref<8xf32>
  linalg.copy ins(%x : memref<8xf32>) outs(%t : memref<8xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%t : memref<8xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}
