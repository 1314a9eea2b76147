// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// GridSample, cubic: one generic over Y; the point's coordinates are read
// last component first (grid[..., 1] is along H), and the 4 x 4 taps are
// gathered from X.
// CHECK-LABEL: func.func @grid_sample_cubic
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<1x2x3x3xf32>)
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: tensor.extract %arg1[%{{.*}}, %{{.*}}, %{{.*}}, %[[C1]]] : tensor<1x3x3x2xf32>
// CHECK: tensor.extract %arg1[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x3x3x2xf32>
// CHECK: math.floor
// CHECK: math.floor
// CHECK-COUNT-16: tensor.extract %arg0[
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @grid_sample_cubic(%x: tensor<1x2x4x5xf32>, %g: tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32> {
  %y = "onnx.GridSample"(%x, %g) {mode = "cubic", padding_mode = "border"} : (tensor<1x2x4x5xf32>, tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// GridSample, nearest with zeros padding: the coordinate rounds half to
// even, and a pixel outside X reads 0.
// CHECK-LABEL: func.func @grid_sample_nearest
// CHECK: math.roundeven
// CHECK: math.roundeven
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi sle
// CHECK: %[[V:.*]] = tensor.extract %arg0[
// CHECK: arith.select %{{.*}}, %[[V]], %{{.*}} : f32
func.func @grid_sample_nearest(%x: tensor<1x1x4x5xf32>, %g: tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %y = "onnx.GridSample"(%x, %g) {mode = "nearest"} : (tensor<1x1x4x5xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// AffineGrid: component k is theta[n, k, :] . (x, y, 1).
// CHECK-LABEL: func.func @affine_grid
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3x4x2xf32>)
// CHECK-COUNT-3: tensor.extract %arg0[
// CHECK: linalg.yield
func.func @affine_grid(%theta: tensor<2x2x3xf32>) -> tensor<2x3x4x2xf32> {
  %size = "onnx.Constant"() {value = dense<[2, 1, 3, 4]> : tensor<4xi64>} : () -> tensor<4xi64>
  %grid = "onnx.AffineGrid"(%theta, %size) : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x3x4x2xf32>
  return %grid : tensor<2x3x4x2xf32>
}
