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

// Buffers sized from the function's arguments alone are planned at run
// time: their sizes are computed at the entry (64-byte units), buffers
// whose live ranges are disjoint share a slot, one allocation holds the
// slots and each buffer is a view into it, freed before the return. A
// function @<graph>_workspace of the graph's inputs computes the same size
// for callers. A buffer sized by a value read from memory (a data-dependent
// size) stays an allocation, without the alignment the runtime's
// allocator gives anyway, freed after its last use; an output's buffer is
// not freed. Static buffers still go to the workspace argument.
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME:    %[[N:.*]]: index, %[[M:.*]]: index, %[[P:.*]]: memref<1xindex>, %{{.*}}: memref<64xi8> {onnxc.workspace})
// CHECK:         %[[A4:.*]] = arith.muli %c4{{.*}}, %[[N]]
// CHECK:         %[[AU:.*]] = arith.ceildivui %[[A4]], %c64
// CHECK:         %[[B4:.*]] = arith.muli %c4{{.*}}, %[[M]]
// CHECK:         %[[BU:.*]] = arith.ceildivui %[[B4]], %c64
// CHECK:         %[[SLOT:.*]] = arith.maxui %{{[0-9]+}}, %{{[0-9]+}} : index
// CHECK:         %[[TOTAL:.*]] = arith.addi %c0{{.*}}, %[[SLOT]]
// CHECK:         %[[WS:.*]] = memref.alloc(%[[TOTAL]]) {onnxc.dynamic_workspace} : memref<?xi8>
// CHECK:         %[[A:.*]] = memref.view %[[WS]][%c0{{.*}}][%[[N]]] : memref<?xi8> to memref<?xf32>
// CHECK:         %[[O:.*]] = memref.alloc(%[[M]]) {onnxc.output} : memref<?xf32>
// CHECK:         memref.view %{{.*}}[%c0{{.*}}][] : memref<64xi8> to memref<16xf32>
// CHECK:         linalg.fill {{.*}} outs(%[[A]]
// CHECK:         %[[V:.*]] = memref.subview %[[A]]
// CHECK:         memref.copy %[[V]], %[[O]]
// CHECK:         %[[B:.*]] = memref.view %[[WS]][%c0{{.*}}][%[[M]]] : memref<?xi8> to memref<?xf32>
// CHECK:         linalg.fill {{.*}} outs(%[[B]]
// CHECK:         %[[K:.*]] = memref.load %[[P]]
// CHECK:         %[[D:.*]] = memref.alloc(%[[K]]) : memref<?xf32>
// CHECK:         linalg.fill {{.*}} outs(%[[D]]
// CHECK-NEXT:    memref.dealloc %[[D]] : memref<?xf32>
// CHECK:         memref.dealloc %[[WS]] : memref<?xi8>
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @dynamic_workspace(
// CHECK-SAME:    %{{.*}}: index, %{{.*}}: index, %{{.*}}: memref<1xindex>) -> index attributes {onnxc.shape_function}
// CHECK:         arith.maxui
// CHECK:         %[[QT:.*]] = arith.addi
// CHECK:         return %[[QT]] : index
func.func @dynamic(%n: index, %m: index, %p: memref<1xindex>) {
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?xf32>
  %o = memref.alloc(%m) {alignment = 64 : i64, onnxc.output} : memref<?xf32>
  %s = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  %cst = arith.constant 1.0 : f32
  linalg.fill ins(%cst : f32) outs(%a : memref<?xf32>)
  %v = memref.subview %a[0] [%m] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  memref.copy %v, %o : memref<?xf32, strided<[1]>> to memref<?xf32>
  linalg.fill ins(%cst : f32) outs(%s : memref<16xf32>)
  %b = memref.alloc(%m) {alignment = 64 : i64} : memref<?xf32>
  linalg.fill ins(%cst : f32) outs(%b : memref<?xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %p[%c0] : memref<1xindex>
  %d = memref.alloc(%k) {alignment = 64 : i64} : memref<?xf32>
  linalg.fill ins(%cst : f32) outs(%d : memref<?xf32>)
  return
}

// -----

func.func @dynamic_strided(%n: index) {
  // expected-error @+1 {{memory planning needs static shapes and identity layouts}}
  %a = memref.alloc(%n) : memref<?xf32, strided<[2]>>
  return
}

// -----

// index elements take 8 bytes (every target is 64-bit): 5 of them, 40
// bytes, rounded to the 64-byte alignment.
// CHECK-LABEL: func.func @index_elements
// CHECK-SAME: memref<64xi8> {onnxc.workspace}
// CHECK: memref.view %{{.*}}[%c0][] : memref<64xi8> to memref<5xindex>
func.func @index_elements(%x: memref<5xindex>) {
  %a = memref.alloc() : memref<5xindex>
  memref.copy %x, %a : memref<5xindex> to memref<5xindex>
  memref.copy %a, %x : memref<5xindex> to memref<5xindex>
  return
}

// -----

// A buffer sized at run time that leaves its block (yielded out of an
// scf.if) is not freed in the function: the runtime reclaims what a run
// still holds when the run ends.
// CHECK-LABEL: func.func @escaping
// CHECK: scf.if
// CHECK:   %[[B:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:   scf.yield %[[B]]
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @escaping(%c: i1, %n: memref<1xindex>, %x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %k = memref.load %n[%c0] : memref<1xindex>
  %r = scf.if %c -> memref<?xf32> {
    %b = memref.alloc(%k) {alignment = 64 : i64} : memref<?xf32>
    scf.yield %b : memref<?xf32>
  } else {
    scf.yield %x : memref<?xf32>
  }
  %d = memref.dim %r, %c0 : memref<?xf32>
  return
}
