// RUN: onnx-opt %s -split-input-file --onnxc-collapse-dims | FileCheck %s

// A per-channel scale over NCHW: (h, w) become one 196-iteration loop; c
// stays apart (the scale reads it alone).
// CHECK-LABEL: func.func @per_channel
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x8x14x14xf32> into tensor<1x8x196xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x8x196xf32>, tensor<8xf32>)
// CHECK: tensor.expand_shape %{{.*}} : tensor<1x8x196xf32> into tensor<1x8x14x14xf32>
func.func @per_channel(%x: tensor<1x8x14x14xf32>, %s: tensor<8xf32>) -> tensor<1x8x14x14xf32> {
  %e = tensor.empty() : tensor<1x8x14x14xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>,
                                        affine_map<(n, c, h, w) -> (n, c, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s : tensor<1x8x14x14xf32>, tensor<8xf32>) outs(%e : tensor<1x8x14x14xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<1x8x14x14xf32>
  return %y : tensor<1x8x14x14xf32>
}

// -----

// The consumer of a contraction keeps its dims (an epilogue candidate).
// CHECK-LABEL: func.func @after_matmul
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
func.func @after_matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %p = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Dims known only at run time: a group takes at most one of them (upstream
// cannot expand a group of two run-time dims back through
// --expand-strided-metadata), so ?x?x4x8 iterates as ? x ?*32.
// CHECK-LABEL: func.func @dynamic_dims
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<?x?x4x8xf32> into tensor<?x?xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
func.func @dynamic_dims(%x: tensor<?x?x4x8xf32>) -> tensor<?x?x4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?x?x4x8xf32>
  %m = tensor.dim %x, %c1 : tensor<?x?x4x8xf32>
  %e = tensor.empty(%n, %m) : tensor<?x?x4x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x?x4x8xf32>) outs(%e : tensor<?x?x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4x8xf32>
  return %y : tensor<?x?x4x8xf32>
}
