// RUN: onnx-opt %s --onnxc-externalize-weights=base-argument=main_graph --split-input-file --verify-diagnostics | FileCheck %s

// The CUDA target's device copy: every constant the graph function reads,
// small ones and splats included (the device cannot read the host's),
// at 64-byte aligned offsets from a new last argument of the function.
// CHECK: module attributes {onnxc.weights_bytes = 96 : i64}
// CHECK-DAG: llvm.mlir.global private constant @w(dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>) {addr_space = 0 : i32, onnxc.weights_offset = 0 : i64}
// CHECK-DAG: llvm.mlir.global private constant @zeros(dense<0.000000e+00> : tensor<8xf32>) {addr_space = 0 : i32, onnxc.weights_offset = 64 : i64}
// CHECK-LABEL: llvm.func @main_graph
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %[[BASE:.*]]: !llvm.ptr)
// CHECK-DAG: %[[OFF0:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK-DAG: llvm.getelementptr %[[BASE]][%[[OFF0]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK-DAG: %[[OFF64:.*]] = llvm.mlir.constant(64 : i64) : i64
// CHECK-DAG: llvm.getelementptr %[[BASE]][%[[OFF64]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK-NOT: llvm.mlir.addressof @w
// CHECK-NOT: @onnxc_weights_base
module {
  llvm.mlir.global private constant @w(dense<[1.0, 2.0]> : tensor<2xf32>) : !llvm.array<2 x f32>
  llvm.mlir.global private constant @zeros(dense<0.0> : tensor<8xf32>) : !llvm.array<8 x f32>
  llvm.func @use(!llvm.ptr, !llvm.ptr, !llvm.ptr)
  llvm.func @main_graph(%out: !llvm.ptr) {
    %0 = llvm.mlir.addressof @w : !llvm.ptr
    %1 = llvm.mlir.addressof @zeros : !llvm.ptr
    llvm.call @use(%0, %1, %out) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
    llvm.return
  }
}

// -----

// Another function reading a constant would pass the host's copy.
module {
  llvm.mlir.global private constant @w(dense<[1.0, 2.0]> : tensor<2xf32>) : !llvm.array<2 x f32>
  llvm.func @use(!llvm.ptr)
  llvm.func @main_graph() {
    llvm.return
  }
  llvm.func @helper() {
    // expected-error @below {{constant 'w' is read outside 'main_graph', where its device copy is not passed}}
    %0 = llvm.mlir.addressof @w : !llvm.ptr
    llvm.call @use(%0) : (!llvm.ptr) -> ()
    llvm.return
  }
}
