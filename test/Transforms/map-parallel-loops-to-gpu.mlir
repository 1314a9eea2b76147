// RUN: onnx-opt %s -split-input-file --onnxc-map-parallel-loops-to-gpu | FileCheck %s
// RUN: onnx-opt %s -split-input-file --onnxc-map-parallel-loops-to-gpu="block-size=64" | FileCheck %s --check-prefix=BLOCK64
// RUN: not onnx-opt %s -split-input-file --onnxc-map-parallel-loops-to-gpu="block-size=2000" 2>&1 | FileCheck %s --check-prefix=ERR
// ERR: block-size=2000: a CUDA block has 1 to 1024 threads

// The two parallel dims (4 x 300) become one index over 1200 iterations:
// blocks of 256 threads, the last block guarded, the index delinearized so
// that consecutive threads take consecutive elements of a row.
// CHECK-LABEL: func.func @elementwise
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C300:.*]] = arith.constant 300 : index
// CHECK: scf.parallel (%[[BLOCK:.*]]) =
// CHECK: scf.parallel (%[[THREAD:.*]]) =
// CHECK: %[[I:.*]] = arith.addi %[[THREAD]], %[[BLOCK]]
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : index
// CHECK: scf.if
// CHECK: %[[COL:.*]] = arith.remsi %[[I]], %[[C300]]
// CHECK: %[[ROW:.*]] = arith.divsi %[[I]], %[[C300]]
// CHECK: memref.load
// CHECK: arith.negf
// CHECK: memref.store
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
// BLOCK64-LABEL: func.func @elementwise
// BLOCK64: arith.constant 64 : index
func.func @elementwise(%x: memref<4x300xf32>, %y: memref<4x300xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x300xf32>) outs(%y : memref<4x300xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A contraction: one thread per output element (8 x 4 = 32, a single block
// of 32 threads), its reduction loop sequential in the thread.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C16]]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: processor = thread_x
// CHECK: processor = block_x
func.func @matmul(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}

// -----

// No parallel dim: the whole reduction on one thread of one block.
// CHECK-LABEL: func.func @sum
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: scf.parallel (%{{.*}}) = (%[[C0]]) to (%[[C1]]) step (%[[C1]])
// CHECK-NEXT: scf.parallel (%{{.*}}) = (%[[C0]]) to (%[[C1]]) step (%[[C1]])
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: processor = thread_x
// CHECK: processor = block_x
// CHECK-NOT: linalg.generic
func.func @sum(%x: memref<100xf32>, %y: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>], iterator_types = ["reduction"]} ins(%x : memref<100xf32>) outs(%y : memref<f32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A host loop around kernels (a recurrent op's time loop) stays on the
// host; the copy in its body (a host memcpy if left alone) becomes a
// kernel launched per iteration.
// CHECK-LABEL: func.func @copy_in_loop
// CHECK: scf.for
// CHECK: memref.subview
// CHECK: memref.subview
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: memref.load
// CHECK: memref.store
// CHECK: processor = thread_x
// CHECK: processor = block_x
// CHECK-NOT: memref.copy
func.func @copy_in_loop(%x: memref<3x8xf32>, %y: memref<3x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  scf.for %t = %c0 to %c3 step %c1 {
    %src = memref.subview %x[%t, 0] [1, 8] [1, 1] : memref<3x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    %dst = memref.subview %y[%t, 0] [1, 8] [1, 1] : memref<3x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    memref.copy %src, %dst : memref<8xf32, strided<[1], offset: ?>> to memref<8xf32, strided<[1], offset: ?>>
  }
  return
}

// -----

// A lone store of a value computed on the host runs on one thread.
// CHECK-LABEL: func.func @store
// CHECK: scf.parallel
// CHECK-NEXT: scf.parallel
// CHECK-NEXT: memref.store
// CHECK: processor = thread_x
func.func @store(%y: memref<f32>) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %y[] : memref<f32>
  return
}


// -----

// A check of an input's value: the host needs it, so the runtime copies it
// from the device (onnxc_cuda_read waits for the kernels before); the check
// stays on the host.
// CHECK-LABEL: func.func private @onnxc_cuda_read(index, index, index)
// CHECK-LABEL: func.func @check
// CHECK: %[[HOST:.*]] = memref.alloca() : memref<i64>
// CHECK: call @onnxc_cuda_read
// CHECK: %[[V:.*]] = memref.load %[[HOST]][] : memref<i64>
// CHECK: arith.cmpi sgt, %[[V]]
// CHECK: cf.assert
// CHECK-NOT: scf.parallel
func.func @check(%x: memref<i64>) {
  %c0 = arith.constant 0 : i64
  %v = memref.load %x[] : memref<i64>
  %ok = arith.cmpi sgt, %v, %c0 : i64
  cf.assert %ok, "x must be positive"
  return
}

// -----

// An input's scalar used only by a kernel is loaded in the kernel; a
// scalar in the workspace (which the memory plan reuses) is read by the
// host where the code has it and passed to the kernel as a value.
// CHECK-LABEL: func.func @scalars
// CHECK: call @onnxc_cuda_read
// CHECK: %[[W:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK: scf.parallel
// CHECK: %[[A:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK: scf.parallel
// CHECK: arith.addf %[[A]], %[[W]]
func.func @scalars(%x: memref<f32>, %ws: memref<64xi8> {onnxc.workspace}, %y: memref<8xf32> {onnxc.output}) {
  %c0 = arith.constant 0 : index
  %view = memref.view %ws[%c0][] : memref<64xi8> to memref<f32>
  %a = memref.load %x[] : memref<f32>
  %b = memref.load %view[] : memref<f32>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%y : memref<8xf32>) {
  ^bb0(%out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}
