// RUN: onnx-opt %s -split-input-file --onnxc-parallelize-kernels="min-chunk-work=1" | FileCheck %s
// RUN: onnx-opt %s -split-input-file --onnxc-parallelize-kernels | FileCheck %s --check-prefix=GRAIN

// A kernel whose computation is one scf.parallel runs it through a range
// function over the linearized iteration space (4 x 8 x 16 = 512
// iterations); the body has no loops, so the innermost dims stay a serial
// loop nest of at least 64 iterations (8 x 16) in each of the 4 linear
// iterations, and the grain is recorded for the dispatch.
// CHECK-LABEL: func.func private @k0
// CHECK-SAME: (%[[X:.*]]: memref<4x8x16xf32>, %[[Y:.*]]: memref<4x8x16xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[TOTAL:.*]] = arith.constant 4 : index
// CHECK: call @k0_range(%[[X]], %[[Y]], %[[ZERO]], %[[TOTAL]])
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @k0_range
// CHECK-SAME: (%[[RX:.*]]: memref<4x8x16xf32>, %[[RY:.*]]: memref<4x8x16xf32>, %[[BEGIN:.*]]: index, %[[END:.*]]: index)
// CHECK-SAME: passthrough = {{\[\[}}"onnxc-grain", "1"]]
// CHECK: scf.for %[[I:.*]] = %[[BEGIN]] to %[[END]]
// CHECK: scf.for %[[J:.*]] =
// CHECK: scf.for %[[K:.*]] =
// CHECK: memref.load %[[RX]][%{{.*}}, %[[J]], %[[K]]]
// CHECK: memref.store %{{.*}}, %[[RY]]
// CHECK-NOT: scf.parallel
// With the default grain, 512 negations are not worth a second thread.
// GRAIN-LABEL: func.func private @k0
// GRAIN: scf.parallel
// GRAIN-NOT: @k0_range
func.func private @k0(%x: memref<4x8x16xf32>, %y: memref<4x8x16xf32>) attributes {onnxc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c4, %c8, %c16) step (%c1, %c1, %c1) {
    %v = memref.load %x[%i, %j, %k] : memref<4x8x16xf32>
    %n = arith.negf %v : f32
    memref.store %n, %y[%i, %j, %k] : memref<4x8x16xf32>
    scf.reduce
  }
  return
}

// -----

// A body with loops of its own (a micro-kernel over tiles) is split at
// every parallel dim, delinearized innermost first; an iteration runs
// ~4 x 4096 operations, so a chunk of 2 is worth a thread.
// CHECK-LABEL: func.func private @tiles_range
// CHECK-SAME: passthrough = {{\[\[}}"onnxc-grain", "1"]]
// CHECK: scf.for %[[I:.*]] =
// CHECK-DAG: arith.remui %[[I]], %{{.*}} : index
// CHECK-DAG: arith.divui %[[I]], %{{.*}} : index
// CHECK: scf.for
// GRAIN-LABEL: func.func private @tiles_range
// GRAIN-SAME: passthrough = {{\[\[}}"onnxc-grain", "2"]]
func.func private @tiles(%x: memref<4x4x4096xf32>) attributes {onnxc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c4096 = arith.constant 4096 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    scf.for %k = %c0 to %c4096 step %c1 {
      %v = memref.load %x[%i, %j, %k] : memref<4x4x4096xf32>
      %n = arith.negf %v : f32
      memref.store %n, %x[%i, %j, %k] : memref<4x4x4096xf32>
    }
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

// -----

// A serial loop (over time steps) around a parallel loop whose operands are
// the kernel's arguments and constants: the parallel loop gets a range
// function of its own, called in the serial loop's body, which the target
// dispatches to the pool at each step. A parallel loop that reads the serial
// loop's induction variable stays where it is.
// CHECK-LABEL: func.func private @steps
// CHECK: scf.for %[[T:.*]] =
// CHECK: call @steps_range0(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<8x4096xf32>, memref<4096xf32>, index, index) -> ()
// CHECK: scf.parallel
// CHECK-LABEL: func.func private @steps_range0
// CHECK-SAME: passthrough = {{\[\[}}"onnxc-grain", "1"]]
// CHECK: scf.for
// CHECK: scf.for
// With the default grain, 16 tiles of ~1500 operations are one chunk.
// GRAIN-LABEL: func.func private @steps
// GRAIN-NOT: call @steps_range0
func.func private @steps(%x: memref<8x4096xf32>, %y: memref<4096xf32>) attributes {onnxc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  %c4096 = arith.constant 4096 : index
  scf.for %t = %c0 to %c8 step %c1 {
    scf.parallel (%i) = (%c0) to (%c4096) step (%c256) {
      scf.for %k = %c0 to %c256 step %c1 {
        %j = arith.addi %i, %k : index
        %v = memref.load %x[%c0, %j] : memref<8x4096xf32>
        %w = memref.load %y[%j] : memref<4096xf32>
        %s = arith.addf %v, %w : f32
        memref.store %s, %y[%j] : memref<4096xf32>
      }
      scf.reduce
    }
    scf.parallel (%i) = (%c0) to (%c4096) step (%c1) {
      %v = memref.load %x[%t, %i] : memref<8x4096xf32>
      memref.store %v, %y[%i] : memref<4096xf32>
      scf.reduce
    }
  }
  return
}

// -----

// Trip counts known only at run time: the kernel computes the total from
// the bounds (ceil((ub - lb) / step), clamped at 0) and the range function
// delinearizes with the same counts; the pool's dispatch decides at run
// time whether a second thread is worth it. The innermost dim (of unknown
// length, taken as 64) stays a serial loop in each linear iteration.
// CHECK-LABEL: func.func private @dynamic(
// CHECK-SAME: %[[X:.*]]: memref<?x?xf32>, %[[Y:.*]]: memref<?x?xf32>)
// CHECK: %[[D0:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[S0:.*]] = arith.subi %[[D0]], %c0
// CHECK: %[[T0:.*]] = arith.maxsi %[[S0]], %c0
// CHECK: %[[N0:.*]] = arith.ceildivui %[[T0]], %c1
// CHECK: call @dynamic_range(%[[X]], %[[Y]], %c0{{.*}}, %{{.*}})
// CHECK-LABEL: func.func private @dynamic_range(
// CHECK: arith.ceildivui
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}}
// CHECK: scf.for %[[J:.*]] = %c0{{.*}} to %{{.*}}
// CHECK: memref.load %{{.*}}[%{{.*}}, %[[J]]] : memref<?x?xf32>
func.func private @dynamic(%x: memref<?x?xf32>, %y: memref<?x?xf32>) attributes {onnxc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?x?xf32>
  %m = memref.dim %x, %c1 : memref<?x?xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %m) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<?x?xf32>
    %r = math.exp %v : f32
    memref.store %r, %y[%i, %j] : memref<?x?xf32>
    scf.reduce
  }
  return
}
