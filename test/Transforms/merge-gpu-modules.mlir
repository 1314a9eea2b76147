// RUN: onnx-opt %s --onnxc-merge-gpu-modules | FileCheck %s

// Three kernels, each outlined into a module of its own, all named
// @main_graph_kernel; a module-level constant of the second clashes with
// the first's. One module remains, each kernel named after its old module,
// the clashing constant renamed with its uses, and the launches follow.
// CHECK: gpu.module @main_graph_kernel {
// CHECK-NEXT: memref.global "private" constant @table : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK-NEXT: gpu.func @main_graph_kernel(
// CHECK: memref.get_global @table :
// CHECK: memref.global "private" constant @table_0 : memref<2xf32> = dense<[3.000000e+00, 4.000000e+00]>
// CHECK-NEXT: gpu.func @main_graph_kernel_0(
// CHECK: memref.get_global @table_0 :
// CHECK: gpu.func @main_graph_kernel_1(
// CHECK-NOT: gpu.module
// CHECK-LABEL: func.func @main_graph
// CHECK: gpu.launch_func @main_graph_kernel::@main_graph_kernel blocks
// CHECK: gpu.launch_func @main_graph_kernel::@main_graph_kernel_0 blocks
// CHECK: gpu.launch_func @main_graph_kernel::@main_graph_kernel_1 blocks
module attributes {gpu.container_module} {
  gpu.module @main_graph_kernel {
    memref.global "private" constant @table : memref<2xf32> = dense<[1.0, 2.0]>
    gpu.func @main_graph_kernel(%y: memref<2xf32>) kernel {
      %t = memref.get_global @table : memref<2xf32>
      %c0 = arith.constant 0 : index
      %v = memref.load %t[%c0] : memref<2xf32>
      memref.store %v, %y[%c0] : memref<2xf32>
      gpu.return
    }
  }
  gpu.module @main_graph_kernel_0 {
    memref.global "private" constant @table : memref<2xf32> = dense<[3.0, 4.0]>
    gpu.func @main_graph_kernel(%y: memref<2xf32>) kernel {
      %t = memref.get_global @table : memref<2xf32>
      %c1 = arith.constant 1 : index
      %v = memref.load %t[%c1] : memref<2xf32>
      memref.store %v, %y[%c1] : memref<2xf32>
      gpu.return
    }
  }
  gpu.module @main_graph_kernel_1 {
    gpu.func @main_graph_kernel(%y: memref<2xf32>) kernel {
      gpu.return
    }
  }
  func.func @main_graph(%y: memref<2xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @main_graph_kernel::@main_graph_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%y : memref<2xf32>)
    gpu.launch_func @main_graph_kernel_0::@main_graph_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%y : memref<2xf32>)
    gpu.launch_func @main_graph_kernel_1::@main_graph_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%y : memref<2xf32>)
    return
  }
}
