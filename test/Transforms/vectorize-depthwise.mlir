// RUN: onnx-opt %s -split-input-file --onnxc-vectorize-depthwise="vector-bits=512 vector-registers=32" | FileCheck %s

// 14-wide output rows: one masked 16-lane vector per row, blocks of 7 rows
// (7 divides 14), 3x3 taps unrolled: 9 weight broadcasts, 63 FMAs.
// CHECK-LABEL: func.func @stride1
// CHECK-SAME: (%[[X:.*]]: memref<1x8x16x16xf32>, %[[W:.*]]: memref<8x3x3xf32>, %[[Y:.*]]: memref<1x8x14x14xf32>)
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : index
// CHECK: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) = ({{.*}}) to ({{.*}}) step (%{{.*}}, %{{.*}}, %[[C7]])
// CHECK: vector.constant_mask [14] : vector<16xi1>
// CHECK-COUNT-7: vector.maskedload %[[Y]]
// CHECK: memref.load %[[W]]
// CHECK: vector.broadcast
// CHECK: vector.maskedload %[[X]]
// CHECK-COUNT-62: vector.fma
// CHECK-COUNT-7: vector.maskedstore {{.*}}%[[Y]]
// CHECK-NOT: linalg.depthwise_conv_2d_nchw_chw
func.func @stride1(%x: memref<1x8x16x16xf32>, %w: memref<8x3x3xf32>, %y: memref<1x8x14x14xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x16x16xf32>, memref<8x3x3xf32>) outs(%y : memref<1x8x14x14xf32>)
  return
}

// -----

// Stride 2: each tap loads the 32-element input span it covers and keeps
// the even elements.
// CHECK-LABEL: func.func @stride2
// CHECK: vector.maskedload {{.*}} : memref<1x4x33x33xf32>, vector<32xi1>, vector<32xf32> into vector<32xf32>
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CHECK: vector.fma
func.func @stride2(%x: memref<1x4x33x33xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x16x16xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x33x33xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x16x16xf32>)
  return
}

// -----

// Rows too wide for the registers stay for the generic loop lowering.
// CHECK-LABEL: func.func @too_wide
// CHECK: linalg.depthwise_conv_2d_nchw_chw
func.func @too_wide(%x: memref<1x1x3x1026xf32>, %w: memref<1x3x3xf32>, %y: memref<1x1x1x1024xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x1x3x1026xf32>, memref<1x3x3xf32>) outs(%y : memref<1x1x1x1024xf32>)
  return
}

// -----

// The bias + activation that follows is applied before the store (a value
// per channel, broadcast), and C's zero fill is dropped.
// CHECK-LABEL: func.func @epilogue
// CHECK-SAME: (%[[X:.*]]: memref<1x4x9x9xf32>, %[[W:.*]]: memref<4x3x3xf32>, %[[B:.*]]: memref<4xf32>, %[[Y:.*]]: memref<1x4x7x7xf32>)
// CHECK-NOT: linalg.fill
// CHECK: scf.parallel
// CHECK: vector.fma
// CHECK: %[[BIAS:.*]] = memref.load %[[B]]
// CHECK: %[[BV:.*]] = vector.broadcast %[[BIAS]] : f32 to vector<16xf32>
// CHECK: %[[S:.*]] = arith.addf %{{.*}}, %[[BV]] : vector<16xf32>
// CHECK: arith.maximumf %[[S]]
// CHECK: vector.maskedstore %[[Y]]
// CHECK-NOT: linalg.generic
func.func @epilogue(%x: memref<1x4x9x9xf32>, %w: memref<4x3x3xf32>, %b: memref<4xf32>, %y: memref<1x4x7x7xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<1x4x7x7xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x7x7xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x9x9xf32>, memref<4x3x3xf32>) outs(%c : memref<1x4x7x7xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>,
                                   affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : memref<1x4x7x7xf32>, memref<4xf32>) outs(%y : memref<1x4x7x7xf32>) {
  ^bb0(%v: f32, %bias: f32, %o: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}
