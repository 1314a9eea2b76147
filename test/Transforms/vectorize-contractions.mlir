// RUN: onnx-opt %s -split-input-file --onnxc-vectorize-contractions="vector-bits=512 vector-registers=32" | FileCheck %s --dump-input=fail

// A matmul with a run-time B: 8 x 48 register tiles (M = 64 is a multiple of
// 8, N = 96 of 48; B is the larger operand, so M tiles run innermost), 24 accumulators carried through the K loop, B read in
// place, C loaded before and stored after the loop.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: memref<64x32xf32>, %[[B:.*]]: memref<32x96xf32>, %[[C:.*]]: memref<64x96xf32>)
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C48:.*]] = arith.constant 48 : index
// CHECK: scf.parallel (%[[N:.*]], %[[M:.*]]) = ({{.*}}) to ({{.*}}) step (%[[C48]], %[[C8]])
// CHECK-COUNT-24: vector.load %[[C]]
// CHECK: scf.for %[[K:.*]] = {{.*}} iter_args
// CHECK: vector.load %[[B]][%[[K]], %[[N]]] : memref<32x96xf32>, vector<16xf32>
// CHECK: memref.load %[[A]][%[[M]], %[[K]]]
// CHECK: vector.broadcast
// CHECK-COUNT-24: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-24: vector.store {{.*}}, %[[C]]
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: memref<64x32xf32>, %b: memref<32x96xf32>, %c: memref<64x96xf32>) {
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x96xf32>) outs(%c : memref<64x96xf32>)
  return
}

// -----

// A constant B is repacked into zero-padded K x Nr panels (N = 40 -> one
// 48-wide panel: 3 x 16 lanes), read without masks; the partial last vector
// of C is masked, and the original global is dropped.
// CHECK: memref.global "private" constant @[[$PACKED:w_packed48_.*]] : memref<96xf32>
// CHECK-SAME: {alignment = 64 : i64}
// CHECK-NOT: memref.global "private" constant @w :
// CHECK-LABEL: func.func @constant_b
// CHECK: %[[P:.*]] = memref.get_global @[[$PACKED]]
// CHECK: vector.constant_mask [8] : vector<16xi1>
// CHECK: scf.for
// CHECK: vector.load %[[P]]
// CHECK: vector.maskedstore
memref.global "private" constant @w : memref<2x40xf32> = dense<1.0>
func.func @constant_b(%a: memref<3x2xf32>, %c: memref<3x40xf32>) {
  %w = memref.get_global @w : memref<2x40xf32>
  linalg.matmul ins(%a, %w : memref<3x2xf32>, memref<2x40xf32>) outs(%c : memref<3x40xf32>)
  return
}

// -----

// A batched contraction in the im2col form (filter x patches): the batch
// loop is parallel too; M = 11 has no divisor among the register tile rows,
// so full 6-row tiles and a 5-row remainder are two static variants.
// CHECK-LABEL: func.func @im2col_contraction
// CHECK: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) =
// CHECK: scf.if
// CHECK-COUNT-6: memref.load
// CHECK: } else {
// CHECK-COUNT-5: memref.load
#lhs = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
#rhs = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
func.func @im2col_contraction(%f: memref<11x72xf32>, %p: memref<2x72x64xf32>, %o: memref<2x11x64xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%f, %p : memref<11x72xf32>, memref<2x72x64xf32>) outs(%o : memref<2x11x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Not f32: left for the generic loop lowering.
// CHECK-LABEL: func.func @f64_matmul
// CHECK: linalg.matmul
func.func @f64_matmul(%a: memref<4x4xf64>, %b: memref<4x4xf64>, %c: memref<4x4xf64>) {
  linalg.matmul ins(%a, %b : memref<4x4xf64>, memref<4x4xf64>) outs(%c : memref<4x4xf64>)
  return
}

// -----

// B transposed and not a constant: no contiguous vector along N.
// CHECK-LABEL: func.func @transposed_runtime_b
// CHECK: linalg.matmul
func.func @transposed_runtime_b(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// -----

// B is a transposed slice of a constant (one direction of an LSTM's
// recurrence weights): packed through the subview's offset and strides.
// CHECK: memref.global "private" constant @[[$R:r_packed16_32_1_4_4x8]] : memref<64xf32>
// CHECK-NOT: memref.global "private" constant @r :
// CHECK-LABEL: func.func @subview_b
// CHECK: memref.get_global @[[$R]]
// CHECK: vector.fma
// CHECK-NOT: linalg.matmul
memref.global "private" constant @r : memref<2x8x4xf32> = dense<2.0>
func.func @subview_b(%h: memref<1x4xf32>, %c: memref<1x8xf32>) {
  %r = memref.get_global @r : memref<2x8x4xf32>
  %s = memref.subview %r[1, 0, 0] [1, 8, 4] [1, 1, 1] : memref<2x8x4xf32> to memref<8x4xf32, strided<[4, 1], offset: 32>>
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%h, %s : memref<1x4xf32>, memref<8x4xf32, strided<[4, 1], offset: 32>>) outs(%c : memref<1x8xf32>)
  return
}

// -----

// An elementwise consumer that is the next op with effects and the last
// reader of the result is applied to the accumulators before the store:
// bias (per column: a vector along N) and Relu, into the graph output.
// C was only zero-filled for the contraction: the fill is dropped and the
// accumulators start at zero.
// CHECK-LABEL: func.func @epilogue
// CHECK-SAME: (%[[A:.*]]: memref<8x4xf32>, %[[B:.*]]: memref<4x32xf32>, %[[BIAS:.*]]: memref<32xf32>, %[[Y:.*]]: memref<8x32xf32>)
// CHECK-NOT: linalg.fill
// CHECK: scf.parallel
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-NOT: vector.load %alloc
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: %[[BV:.*]] = vector.load %[[BIAS]]
// CHECK: %[[SUM:.*]] = arith.addf %{{.*}}, %[[BV]] : vector<16xf32>
// CHECK: %[[RELU:.*]] = arith.maximumf %[[SUM]], %{{.*}} : vector<16xf32>
// CHECK: vector.store %[[RELU]], %[[Y]]
// CHECK-NOT: linalg.generic
func.func @epilogue(%a: memref<8x4xf32>, %b: memref<4x32xf32>, %bias: memref<32xf32>, %y: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<8x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<8x32xf32>)
  linalg.matmul ins(%a, %b : memref<8x4xf32>, memref<4x32xf32>) outs(%c : memref<8x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<8x32xf32>, memref<32xf32>) outs(%y : memref<8x32xf32>) {
  ^bb0(%x: f32, %v: f32, %o: f32):
    %s = arith.addf %x, %v : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<8x32xf32>
  return
}

// -----

// The result is read again after the consumer: no fusion, C is stored.
// CHECK-LABEL: func.func @result_read_later
// CHECK: vector.store {{.*}}, %[[C:.*]][
// CHECK: linalg.generic
// CHECK: linalg.copy
func.func @result_read_later(%a: memref<8x4xf32>, %b: memref<4x32xf32>, %y: memref<8x32xf32>, %z: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<8x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<8x32xf32>)
  linalg.matmul ins(%a, %b : memref<8x4xf32>, memref<4x32xf32>) outs(%c : memref<8x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x32xf32>) outs(%y : memref<8x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.copy ins(%c : memref<8x32xf32>) outs(%z : memref<8x32xf32>)
  return
}

// -----

// A subview of the result is read after the consumer: not fused, C stored.
// CHECK-LABEL: func.func @subview_read_later
// CHECK: vector.store {{.*}}, %[[C:.*]][
// CHECK: linalg.generic
// CHECK: linalg.copy
func.func @subview_read_later(%a: memref<8x4xf32>, %b: memref<4x32xf32>, %y: memref<8x32xf32>, %z: memref<2x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<8x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<8x32xf32>)
  linalg.matmul ins(%a, %b : memref<8x4xf32>, memref<4x32xf32>) outs(%c : memref<8x32xf32>)
  %part = memref.subview %c[0, 0] [2, 32] [1, 1] : memref<8x32xf32> to memref<2x32xf32, strided<[32, 1]>>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x32xf32>) outs(%y : memref<8x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.copy ins(%part : memref<2x32xf32, strided<[32, 1]>>) outs(%z : memref<2x32xf32>)
  return
}

// -----

// The consumer's output allocated between the two (as bufferization places
// it) does not stop the fusion.
// CHECK-LABEL: func.func @alloc_between
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<8x32xf32>
// CHECK: scf.parallel
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}}, %[[OUT]]
// CHECK-NOT: linalg.generic
// CHECK: linalg.copy ins(%[[OUT]]
func.func @alloc_between(%a: memref<8x4xf32>, %b: memref<4x32xf32>, %y: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<8x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<8x32xf32>)
  linalg.matmul ins(%a, %b : memref<8x4xf32>, memref<4x32xf32>) outs(%c : memref<8x32xf32>)
  %out = memref.alloc() : memref<8x32xf32>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x32xf32>) outs(%out : memref<8x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.copy ins(%out : memref<8x32xf32>) outs(%y : memref<8x32xf32>)
  return
}

// -----

// M and K known only at run time (a token count): the loops run to sizes
// read from the operands; whole 6-row tiles take the register tile, the
// remainder of M runs one row at a time. N = 32 is static: two vectors.
// CHECK-LABEL: func.func @dynamic_m
// CHECK-SAME: (%[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?x32xf32>, %[[C:.*]]: memref<?x32xf32>)
// CHECK-DAG: %[[C6:.*]] = arith.constant 6 : index
// CHECK-DAG: %[[M:.*]] = memref.dim %[[A]], %c0
// CHECK-DAG: %[[K:.*]] = memref.dim %[[A]], %c1
// CHECK: scf.parallel (%[[I:.*]], %{{.*}}) = ({{.*}}) to (%[[M]], %{{.*}}) step (%[[C6]], %{{.*}})
// CHECK: %[[END:.*]] = arith.addi %[[I]], %[[C6]]
// CHECK: %[[FULL:.*]] = arith.cmpi sle, %[[END]], %[[M]]
// CHECK: scf.if %[[FULL]]
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[K]]
// CHECK-COUNT-12: vector.fma
// CHECK: } else {
// CHECK: scf.for %[[R:.*]] = %[[I]] to %[[M]]
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[K]]
// CHECK: memref.load %[[A]][%[[R]],
// CHECK-COUNT-2: vector.fma
// CHECK-NOT: linalg.matmul
func.func @dynamic_m(%a: memref<?x?xf32>, %b: memref<?x32xf32>, %c: memref<?x32xf32>) {
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x32xf32>) outs(%c : memref<?x32xf32>)
  return
}

// -----

// N known only at run time: whole Nr-wide tiles, then the rest one vector
// at a time, each masked by vector.create_mask of what is left.
// CHECK-LABEL: func.func @dynamic_n
// CHECK: %[[N:.*]] = memref.dim %{{.*}}, %c1
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: } else {
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %[[N]] step %c16
// CHECK: %[[LEFT:.*]] = arith.subi %[[N]], %[[J]]
// CHECK: %[[COUNT:.*]] = arith.minsi %[[LEFT]], %c16
// CHECK: %[[MASK:.*]] = vector.create_mask %[[COUNT]] : vector<16xi1>
// CHECK: vector.maskedload %{{.*}}, %[[MASK]]
// CHECK: vector.maskedstore %{{.*}}, %[[MASK]]
func.func @dynamic_n(%a: memref<8x16xf32>, %b: memref<16x?xf32>, %c: memref<8x?xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x?xf32>) outs(%c : memref<8x?xf32>)
  return
}
