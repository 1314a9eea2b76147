// RUN: onnx-opt %s --onnxc-dynamic-arguments --split-input-file --verify-diagnostics | FileCheck %s

// The graph takes each input's dims from its shape array, appended after
// the workspace for every input (static ones too); a dynamic input is
// passed as its data pointer and rebuilt with identity strides. A kernel
// gets each dynamic memref as its pointer followed by its dynamic dims
// (index), which calls pass from memref.dim.
// CHECK-LABEL: func.func private @main_graph_kernel0(
// CHECK-SAME:    %[[P:.*]]: memref<f32> {llvm.noalias}, %[[D0:.*]]: index, %[[D1:.*]]: index, %[[B:.*]]: memref<4xf32> {llvm.noalias})
// CHECK:         %[[S0:.*]] = arith.muli %c3, %[[D1]]
// CHECK:         %[[A:.*]] = memref.reinterpret_cast %[[P]] to offset: [0], sizes: [%[[D0]], %[[D1]], 3], strides: [%[[S0]], 3, 1] : memref<f32> to memref<?x?x3xf32>
// CHECK:         memref.dim %[[A]], %c1
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.*]]: memref<f32> {onnx.name = "x"}, %[[Y:.*]]: memref<4xf32> {onnx.name = "y"}, %[[Z:.*]]: memref<4xf32> {onnxc.output}, %[[W:.*]]: memref<64xi8> {onnxc.workspace},
// CHECK-SAME:    %[[XS:.*]]: memref<3xi64> {onnxc.input_shape = 0 : i64}, %[[YS:.*]]: memref<1xi64> {onnxc.input_shape = 1 : i64})
// CHECK:         %[[N0:.*]] = memref.load %[[XS]][%c0{{.*}}] : memref<3xi64>
// CHECK:         %[[I0:.*]] = arith.index_cast %[[N0]] : i64 to index
// CHECK:         %[[N1:.*]] = memref.load %[[XS]][%c1{{.*}}] : memref<3xi64>
// CHECK:         %[[I1:.*]] = arith.index_cast %[[N1]] : i64 to index
// CHECK:         %[[XR:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [%[[I0]], %[[I1]], 3]
// CHECK:         %[[XP:.*]] = memref.reinterpret_cast %[[XR]] to offset: [0], sizes: [], strides: [] : memref<?x?x3xf32> to memref<f32>
// CHECK:         %[[XD0:.*]] = memref.dim %[[XR]], %c0
// CHECK:         %[[XD1:.*]] = memref.dim %[[XR]], %c1
// CHECK:         call @main_graph_kernel0(%[[XP]], %[[XD0]], %[[XD1]], %[[Y]])
func.func private @main_graph_kernel0(%a: memref<?x?x3xf32> {llvm.noalias}, %b: memref<4xf32> {llvm.noalias}) {
  %c1 = arith.constant 1 : index
  %d = memref.dim %a, %c1 : memref<?x?x3xf32>
  return
}
func.func @main_graph(%x: memref<?x?x3xf32> {onnx.name = "x"}, %y: memref<4xf32> {onnx.name = "y"},
                      %z: memref<4xf32> {onnxc.output}, %w: memref<64xi8> {onnxc.workspace}) {
  call @main_graph_kernel0(%x, %y) : (memref<?x?x3xf32>, memref<4xf32>) -> ()
  return
}

// -----

// A static graph still gets its inputs' shape arrays (the ABI passes them
// to every model), unread.
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %{{.*}}: memref<f32>, %{{.*}}: memref<2xi64> {onnxc.output_record}, %{{.*}}: memref<0xi8> {onnxc.workspace}, %{{.*}}: memref<0xi64> {onnxc.input_shape = 0 : i64})
// CHECK-NOT:     memref.load
func.func @main_graph(%x: memref<f32>, %r: memref<2xi64> {onnxc.output_record}, %w: memref<0xi8> {onnxc.workspace}) {
  return
}

// -----

// A kernel argument sized at run time must have the identity layout: its
// bare pointer carries no offset or strides.
// expected-error @+1 {{argument 0 has dims known only at run time and a non-identity layout}}
func.func private @strided(%a: memref<?xf32, strided<[2]>>) {
  return
}
