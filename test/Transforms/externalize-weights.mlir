// RUN: onnx-opt %s --onnxc-externalize-weights --split-input-file | FileCheck %s
// RUN: onnx-opt %s --onnxc-externalize-weights=min-bytes=1 --split-input-file | FileCheck %s --check-prefix=ALL

// Dense non-splat constants of at least min-bytes (64) move to 64-byte
// aligned offsets; small ones and splats stay embedded. The base pointer is
// loaded once per function, at its entry.
// CHECK: module attributes {onnxc.weights_bytes = 256 : i64}
// CHECK: llvm.mlir.global internal @onnxc_weights_base() {{.*}} : !llvm.ptr
// CHECK: llvm.mlir.global private constant @w({{.*}}onnxc.weights_offset = 0 : i64
// CHECK: llvm.mlir.global private constant @small(
// CHECK-NOT: onnxc.weights_offset
// CHECK: llvm.mlir.global private constant @splat(
// CHECK-NOT: onnxc.weights_offset
// CHECK: llvm.mlir.global private constant @v({{.*}}onnxc.weights_offset = 128 : i64
// CHECK-LABEL: llvm.func @f(
// CHECK-NEXT:    %[[SLOT:.*]] = llvm.mlir.addressof @onnxc_weights_base
// CHECK-NEXT:    %[[BASE:.*]] = llvm.load %[[SLOT]] invariant : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[OFF0:.*]] = llvm.mlir.constant(0 : i64)
// CHECK:         %[[W:.*]] = llvm.getelementptr %[[BASE]][%[[OFF0]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK:         llvm.getelementptr %[[W]][%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK:         llvm.mlir.addressof @small
// CHECK:         %[[OFF1:.*]] = llvm.mlir.constant(128 : i64)
// CHECK:         llvm.getelementptr %[[BASE]][%[[OFF1]]]
// CHECK-NOT:     llvm.mlir.addressof @v
// CHECK-LABEL: llvm.func @g(
// CHECK:         llvm.load %{{.*}} invariant
// CHECK:         llvm.mlir.constant(128 : i64)
// CHECK-LABEL: llvm.func @no_weights(
// CHECK-NOT:     onnxc_weights_base
// CHECK:         llvm.return
// ALL: @small({{.*}}onnxc.weights_offset = 128 : i64
// ALL: @v({{.*}}onnxc.weights_offset = 192 : i64
module {
  llvm.mlir.global private constant @w(dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0]> : tensor<17xf32>) {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<17 x f32>
  llvm.mlir.global private constant @small(dense<[1.0, 2.0]> : tensor<2xf32>) {addr_space = 0 : i32} : !llvm.array<2 x f32>
  llvm.mlir.global private constant @splat(dense<1.0> : tensor<64xf32>) {addr_space = 0 : i32} : !llvm.array<64 x f32>
  llvm.mlir.global private constant @v(dense<[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]> : tensor<16xi64>) {addr_space = 0 : i32} : !llvm.array<16 x i64>
  llvm.func @f(%i: i64) -> f32 {
    %0 = llvm.mlir.addressof @w : !llvm.ptr
    %1 = llvm.getelementptr %0[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %2 = llvm.load %1 : !llvm.ptr -> f32
    %3 = llvm.mlir.addressof @small : !llvm.ptr
    %4 = llvm.load %3 : !llvm.ptr -> f32
    %5 = llvm.fadd %2, %4 : f32
    %6 = llvm.mlir.addressof @v : !llvm.ptr
    %7 = llvm.load %6 : !llvm.ptr -> f32
    %8 = llvm.fadd %5, %7 : f32
    llvm.return %8 : f32
  }
  llvm.func @g() -> i64 {
    %0 = llvm.mlir.addressof @v : !llvm.ptr
    %1 = llvm.load %0 : !llvm.ptr -> i64
    llvm.return %1 : i64
  }
  llvm.func @no_weights(%x: f32) -> f32 {
    llvm.return %x : f32
  }
}

// -----

// A constant whose address initializes another global stays embedded: its
// address must be known at link time. Without any movable constant, the
// module is unchanged.
// CHECK-NOT: onnxc.weights_bytes
// CHECK-NOT: onnxc_weights_base
// CHECK: llvm.mlir.global private constant @table(
// CHECK-NOT: onnxc.weights_offset
// CHECK-LABEL: llvm.func @h(
// CHECK: llvm.mlir.addressof @table
module {
  llvm.mlir.global private constant @table(dense<[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]> : tensor<16xi64>) {addr_space = 0 : i32} : !llvm.array<16 x i64>
  llvm.mlir.global internal constant @ref() {addr_space = 0 : i32} : !llvm.ptr {
    %0 = llvm.mlir.addressof @table : !llvm.ptr
    llvm.return %0 : !llvm.ptr
  }
  llvm.func @h() -> i64 {
    %0 = llvm.mlir.addressof @table : !llvm.ptr
    %1 = llvm.load %0 : !llvm.ptr -> i64
    llvm.return %1 : i64
  }
}
