// RUN: onnx-opt %s -split-input-file -verify-diagnostics --onnxc-plan-memory | FileCheck %s

// Buffers whose live ranges do not overlap share bytes; each becomes a
// view of the trailing workspace argument at a 64-byte aligned offset.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:.*]]: memref<16xf32>, %[[Y:.*]]: memref<16xf32>, %[[WS:.*]]: memref<128xi8> {onnxc.workspace})
// CHECK-SAME: attributes {onnxc.workspace_bytes = 128 : i64}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[C0]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK-NEXT: memref.view %[[WS]][%[[C64]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C0B:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[C0B]]][] : memref<128xi8> to memref<16xf32>
// CHECK-NOT: memref.alloc
func.func @chain(%x: memref<16xf32>, %y: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %x, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  memref.copy %b, %c : memref<16xf32> to memref<16xf32>
  memref.copy %c, %y : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A buffer stays live through its views: %a is read through a subview after
// %b is allocated, so they cannot share (64 bytes each).
// CHECK-LABEL: func.func @through_view
// CHECK-SAME: memref<128xi8> {onnxc.workspace}
// CHECK-SAME: onnxc.workspace_bytes = 128
func.func @through_view(%x: memref<4x4xf32>, %y: memref<4xf32>) {
  %a = memref.alloc() : memref<4x4xf32>
  memref.copy %x, %a : memref<4x4xf32> to memref<4x4xf32>
  %b = memref.alloc() : memref<4x4xf32>
  memref.copy %x, %b : memref<4x4xf32> to memref<4x4xf32>
  %row = memref.subview %a[0, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[1]>>
  memref.copy %row, %y : memref<4xf32, strided<[1]>> to memref<4xf32>
  return
}

// -----

// A graph without intermediates gets an empty workspace.
// CHECK-LABEL: func.func @no_buffers
// CHECK-SAME: memref<0xi8> {onnxc.workspace}
// CHECK-SAME: onnxc.workspace_bytes = 0
func.func @no_buffers(%x: memref<4xf32>, %y: memref<4xf32>) {
  memref.copy %x, %y : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A buffer sized at run time stays an allocation (without the alignment
// the runtime's allocator gives anyway), freed after the last top-level op
// that uses it or any of its views; an output's buffer is not freed. Static
// buffers still go to the workspace.
// CHECK-LABEL: func.func @dynamic
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:         %[[O:.*]] = memref.alloc(%{{.*}}) {onnxc.output} : memref<?xf32>
// CHECK:         memref.view
// CHECK:         linalg.fill {{.*}} outs(%[[A]]
// CHECK:         %[[V:.*]] = memref.subview %[[A]]
// CHECK:         memref.copy %[[V]], %[[O]]
// CHECK-NEXT:    memref.dealloc %[[A]] : memref<?xf32>
// CHECK-NOT:     memref.dealloc
// CHECK:         return
func.func @dynamic(%n: index, %m: index) {
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?xf32>
  %o = memref.alloc(%m) {alignment = 64 : i64, onnxc.output} : memref<?xf32>
  %s = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  %cst = arith.constant 1.0 : f32
  linalg.fill ins(%cst : f32) outs(%a : memref<?xf32>)
  %v = memref.subview %a[0] [%m] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  memref.copy %v, %o : memref<?xf32, strided<[1]>> to memref<?xf32>
  linalg.fill ins(%cst : f32) outs(%s : memref<16xf32>)
  return
}

// -----

func.func @dynamic_strided(%n: index) {
  // expected-error @+1 {{memory planning needs static shapes and identity layouts}}
  %a = memref.alloc(%n) : memref<?xf32, strided<[2]>>
  return
}
