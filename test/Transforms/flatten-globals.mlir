// RUN: onnx-opt %s --onnxc-flatten-globals | FileCheck %s

// CHECK: memref.global "private" constant @w : memref<6xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]>
// CHECK: memref.global "private" constant @v : memref<3xf32>
memref.global "private" constant @w : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
memref.global "private" constant @v : memref<3xf32> = dense<[1.0, 2.0, 3.0]>

// CHECK-LABEL: func.func @use
// CHECK: %[[FLAT:.*]] = memref.get_global @w : memref<6xf32>
// CHECK: %[[W:.*]] = memref.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
// CHECK: memref.copy %[[W]]
func.func @use(%out: memref<2x3xf32>) {
  %w = memref.get_global @w : memref<2x3xf32>
  memref.copy %w, %out : memref<2x3xf32> to memref<2x3xf32>
  return
}
