// RUN: onnx-opt %s --onnxc-outline-kernels --split-input-file | FileCheck %s

// Each computation moves into its own function that takes the buffers it
// touches: graph arguments and planned workspace buffers (the views of the
// workspace), each marked noalias; globals and constants are cloned in.
// CHECK-LABEL: func.func private @main_graph_kernel0
// CHECK-SAME: (%[[X:.*]]: memref<8xf32> {llvm.noalias}, %[[T:.*]]: memref<8xf32> {llvm.noalias})
// CHECK-SAME: attributes {onnxc.kernel}
// CHECK-NEXT: linalg.copy ins(%[[X]] : memref<8xf32>) outs(%[[T]] : memref<8xf32>)
// CHECK-LABEL: func.func private @main_graph_kernel1
// CHECK-SAME: (%[[Y:.*]]: memref<8xf32> {llvm.noalias}, %[[T1:.*]]: memref<8xf32> {llvm.noalias}, %[[W:.*]]: memref<4xf32> {llvm.noalias})
// CHECK: %[[G:.*]] = memref.get_global @scale
// CHECK: linalg.generic {{.*}} ins(%[[T1]], %[[G]] : memref<8xf32>, memref<8xf32>) outs(%[[Y]] : memref<8xf32>)
// CHECK-LABEL: func.func @main_graph
// CHECK: %[[VIEW:.*]] = memref.view %arg2
// CHECK: %[[VIEW2:.*]] = memref.view %arg2
// CHECK-NEXT: call @main_graph_kernel0(%arg0, %[[VIEW]])
// CHECK-NEXT: call @main_graph_kernel1(%arg1, %[[VIEW]], %[[VIEW2]])
// CHECK-NEXT: return
memref.global "private" constant @scale : memref<8xf32> = dense<2.0>
func.func @main_graph(%x: memref<8xf32>, %y: memref<8xf32>, %ws: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %t = memref.view %ws[%c0][] : memref<64xi8> to memref<8xf32>
  %u = memref.view %ws[%c32][] : memref<64xi8> to memref<4xf32>
  %s = memref.get_global @scale : memref<8xf32>
  linalg.copy ins(%x : memref<8xf32>) outs(%t : memref<8xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%t, %s : memref<8xf32>, memref<8xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%in: f32, %k: f32, %out: f32):
    %e = math.exp %in : f32
    %m = arith.mulf %e, %k : f32
    %u0 = memref.load %u[%c0] : memref<4xf32>
    %r = arith.addf %m, %u0 : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Run-time sizes: buffers allocated at run time and views of the run-time
// workspace are kernel buffers (noalias); a value another op produced (a
// size read from memory, a memref.reshape by a run-time shape) is passed
// as an argument, without noalias (it may alias a buffer), and the ops
// that produced it stay in the graph.
// CHECK-LABEL: func.func private @main_graph_kernel0
// CHECK-SAME: (%[[R:.*]]: memref<?x?xf32>, %[[O:.*]]: memref<?x?xf32> {llvm.noalias})
// CHECK: linalg.transpose ins(%[[R]] : memref<?x?xf32>) outs(%[[O]] : memref<?x?xf32>)
// CHECK-LABEL: func.func private @main_graph_kernel1
// CHECK-SAME: (%[[N:.*]]: index, %[[O1:.*]]: memref<?x?xf32> {llvm.noalias})
// CHECK: %[[I:.*]] = arith.index_cast %[[N]]
// CHECK: %[[F:.*]] = arith.sitofp %[[I]]
// CHECK: linalg.fill ins(%[[F]] : f32) outs(%[[O1]] : memref<?x?xf32>)
// CHECK-LABEL: func.func @main_graph(
// CHECK: %[[S:.*]] = memref.load
// CHECK: %[[WS:.*]] = memref.alloc
// CHECK: %[[RS:.*]] = memref.reshape
// CHECK: %[[V:.*]] = memref.view %[[WS]]
// CHECK: call @main_graph_kernel0(%[[RS]], %[[V]])
// CHECK: call @main_graph_kernel1(%[[S]], %[[V]])
func.func @main_graph(%x: memref<?xf32>, %shape: memref<2xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.load %shape[%c0] : memref<2xindex>
  %m = memref.load %shape[%c1] : memref<2xindex>
  %bytes = arith.constant 4096 : index
  %ws = memref.alloc(%bytes) : memref<?xi8>
  %r = memref.reshape %x(%shape) : (memref<?xf32>, memref<2xindex>) -> memref<?x?xf32>
  %o = memref.view %ws[%c0][%m, %n] : memref<?xi8> to memref<?x?xf32>
  linalg.transpose ins(%r : memref<?x?xf32>) outs(%o : memref<?x?xf32>) permutation = [1, 0]
  %i = arith.index_cast %n : index to i64
  %f = arith.sitofp %i : i64 to f32
  linalg.fill ins(%f : f32) outs(%o : memref<?x?xf32>)
  memref.dealloc %ws : memref<?xi8>
  return
}
