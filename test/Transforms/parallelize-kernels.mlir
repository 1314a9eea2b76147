// RUN: onnx-opt %s -split-input-file --onnxc-parallelize-kernels | FileCheck %s

// A kernel whose computation is one scf.parallel runs it through a range
// function over the linearized iteration space (4 x 8 = 32 iterations).
// CHECK-LABEL: func.func private @k0
// CHECK-SAME: (%[[X:.*]]: memref<4x8xf32>, %[[Y:.*]]: memref<4x8xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[TOTAL:.*]] = arith.constant 32 : index
// CHECK: call @k0_range(%[[X]], %[[Y]], %[[ZERO]], %[[TOTAL]])
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @k0_range
// CHECK-SAME: (%[[RX:.*]]: memref<4x8xf32>, %[[RY:.*]]: memref<4x8xf32>, %[[BEGIN:.*]]: index, %[[END:.*]]: index)
// CHECK: scf.for %[[I:.*]] = %[[BEGIN]] to %[[END]]
// CHECK-DAG: arith.remui %[[I]], %{{.*}} : index
// CHECK-DAG: arith.divui %[[I]], %{{.*}} : index
// CHECK: memref.load %[[RX]]
// CHECK: memref.store %{{.*}}, %[[RY]]
// CHECK-NOT: scf.parallel
func.func private @k0(%x: memref<4x8xf32>, %y: memref<4x8xf32>) attributes {onnxc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<4x8xf32>
    %n = arith.negf %v : f32
    memref.store %n, %y[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// -----

// Sequential computations (a loop over time) stay as they are.
// CHECK-LABEL: func.func private @k1
// CHECK-NEXT: arith.constant
// CHECK: scf.for
// CHECK-NOT: _range
func.func private @k1(%x: memref<4xf32>) attributes {onnxc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c1 to %c4 step %c1 {
    %p = arith.subi %i, %c1 : index
    %v = memref.load %x[%p] : memref<4xf32>
    memref.store %v, %x[%i] : memref<4xf32>
  }
  return
}

// -----

// A single iteration is not worth a dispatch.
// CHECK-LABEL: func.func private @k2
// CHECK: scf.parallel
// CHECK-NOT: _range
func.func private @k2(%x: memref<1xf32>) attributes {onnxc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %v = memref.load %x[%i] : memref<1xf32>
    memref.store %v, %x[%i] : memref<1xf32>
    scf.reduce
  }
  return
}
