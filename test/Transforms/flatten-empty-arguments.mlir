// RUN: onnx-opt %s --onnxc-flatten-empty-arguments --split-input-file | FileCheck %s

// N-D memref arguments without elements become memref<0xT>, expanded back
// at the entry; calls pass their operands collapsed. Other arguments, 1-D
// empty ones and non-identity layouts stay as they are.
// CHECK-LABEL: func.func private @kernel(
// CHECK-SAME:    %[[A:.*]]: memref<0xf32>, %[[B:.*]]: memref<4xf32>, %[[C:.*]]: memref<0xi64>)
// CHECK:         %[[E:.*]] = memref.expand_shape %[[A]] {{\[\[}}0, 1, 2]] output_shape [2, 0, 3] : memref<0xf32> into memref<2x0x3xf32>
// CHECK:         memref.dim %[[E]]
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.*]]: memref<0xf32>, %[[Y:.*]]: memref<4xf32>, %[[Z:.*]]: memref<0xi64>, %{{.*}}: memref<2x0xf32, strided<[1, 2]>>)
// CHECK:         %[[XE:.*]] = memref.expand_shape %[[X]]
// CHECK:         %[[XC:.*]] = memref.collapse_shape %[[XE]] {{\[\[}}0, 1, 2]] : memref<2x0x3xf32> into memref<0xf32>
// CHECK:         call @kernel(%[[XC]], %[[Y]], %[[Z]])
func.func private @kernel(%a: memref<2x0x3xf32>, %b: memref<4xf32>, %c: memref<0xi64>) {
  %c1 = arith.constant 1 : index
  %d = memref.dim %a, %c1 : memref<2x0x3xf32>
  return
}
func.func @main_graph(%x: memref<2x0x3xf32>, %y: memref<4xf32>, %z: memref<0xi64>, %s: memref<2x0xf32, strided<[1, 2]>>) {
  call @kernel(%x, %y, %z) : (memref<2x0x3xf32>, memref<4xf32>, memref<0xi64>) -> ()
  return
}
