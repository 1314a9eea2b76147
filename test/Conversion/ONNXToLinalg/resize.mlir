// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// Nearest: one generic over the output gathering with tensor.extract. N and
// C (scale 1) read the same index; H and W map to half_pixel coordinates
// ((x + 0.5) / scale - 0.5) rounded half down, clamped into the input.
// CHECK-LABEL: func.func @resize_nearest
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<1x2x6x8xf32>)
// CHECK: %[[N:.*]] = linalg.index 0 : index
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: %[[X:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[SHIFTED:.*]] = arith.addf %[[X]], %{{.*}} : f32
// CHECK: %[[SCALED:.*]] = arith.divf %[[SHIFTED]], %[[SCALE]] : f32
// CHECK: %[[COORD:.*]] = arith.subf %[[SCALED]], %{{.*}} : f32
// CHECK: %[[ROUND:.*]] = math.round %[[COORD]] : f32
// CHECK: %[[TRUNC:.*]] = math.trunc %[[COORD]] : f32
// CHECK: %[[HALF:.*]] = arith.addf %[[TRUNC]], %{{.*}} : f32
// CHECK: %[[IS_HALF:.*]] = arith.cmpf oeq, %[[COORD]], %[[HALF]] : f32
// CHECK: %[[FLOOR:.*]] = math.floor %[[COORD]] : f32
// CHECK: %[[NEAREST:.*]] = arith.select %[[IS_HALF]], %[[FLOOR]], %[[ROUND]] : f32
// CHECK: %[[I:.*]] = arith.fptosi %[[NEAREST]] : f32 to i64
// CHECK: arith.maxsi %[[I]]
// CHECK: %[[LAST:.*]] = arith.constant 2 : i64
// CHECK: arith.minsi %{{.*}}, %[[LAST]] : i64
// CHECK: %[[H:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[W:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[V:.*]] = tensor.extract %{{.*}}[%[[N]], %[[C]], %[[H]], %[[W]]] : tensor<1x2x3x4xf32>
// CHECK: linalg.yield %[[V]] : f32
func.func @resize_nearest(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x6x8xf32> {
  %none = "onnx.NoValue"() : () -> none
  %scales = "onnx.Constant"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = "onnx.Resize"(%x, %none, %scales, %none) {mode = "nearest"} : (tensor<1x2x3x4xf32>, none, tensor<4xf32>, none) -> tensor<1x2x6x8xf32>
  return %0 : tensor<1x2x6x8xf32>
}

// -----

// asymmetric + floor: x / scale, floored.
// CHECK-LABEL: func.func @resize_nearest_asymmetric_floor
// CHECK: %[[X:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: %[[COORD:.*]] = arith.divf %[[X]], %[[SCALE]] : f32
// CHECK: math.floor %[[COORD]] : f32
// CHECK-NOT: math.round
func.func @resize_nearest_asymmetric_floor(%x: tensor<2x4xi64>) -> tensor<2x12xi64> {
  %none = "onnx.NoValue"() : () -> none
  %scales = "onnx.Constant"() {value = dense<[1.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "onnx.Resize"(%x, %none, %scales, %none) {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<2x4xi64>, none, tensor<2xf32>, none) -> tensor<2x12xi64>
  return %0 : tensor<2x12xi64>
}

// -----

// Linear with sizes: align_corners coordinates x * (in - 1) / (out - 1),
// clamped; the two neighbours weighted by the distance to the other one,
// summed in f32 for f16 and rounded once.
// CHECK-LABEL: func.func @resize_linear_align_corners
// CHECK: %[[X:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK-DAG: %[[OUT:.*]] = arith.constant 4.000000e+00 : f32
// CHECK-DAG: %[[IN:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: %[[P:.*]] = arith.mulf %[[X]], %[[IN]] : f32
// CHECK: %[[COORD:.*]] = arith.divf %[[P]], %[[OUT]] : f32
// CHECK: arith.maximumf %[[COORD]]
// CHECK: %[[CLAMPED:.*]] = arith.minimumf
// CHECK: %[[LO:.*]] = arith.fptosi %[[CLAMPED]] : f32 to i64
// CHECK: %[[A:.*]] = tensor.extract %{{.*}} : tensor<1x2x3x4xf16>
// CHECK: %[[AW:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK: %[[T0:.*]] = arith.mulf %[[AW]], %{{.*}} : f32
// CHECK: %[[B:.*]] = tensor.extract %{{.*}} : tensor<1x2x3x4xf16>
// CHECK: %[[BW:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK: %[[T1:.*]] = arith.mulf %[[BW]], %{{.*}} : f32
// CHECK: %[[SUM:.*]] = arith.addf %[[T0]], %[[T1]] : f32
// CHECK: %[[Y:.*]] = arith.truncf %[[SUM]] : f32 to f16
// CHECK: linalg.yield %[[Y]] : f16
func.func @resize_linear_align_corners(%x: tensor<1x2x3x4xf16>) -> tensor<1x2x5x4xf16> {
  %none = "onnx.NoValue"() : () -> none
  %sizes = "onnx.Constant"() {value = dense<[1, 2, 5, 4]> : tensor<4xi64>} : () -> tensor<4xi64>
  %0 = "onnx.Resize"(%x, %none, %none, %sizes) {mode = "linear", coordinate_transformation_mode = "align_corners"} : (tensor<1x2x3x4xf16>, none, none, tensor<4xi64>) -> tensor<1x2x5x4xf16>
  return %0 : tensor<1x2x5x4xf16>
}

// -----

// Bilinear: four corners.
// CHECK-LABEL: func.func @resize_bilinear
// CHECK-COUNT-4: tensor.extract %{{.*}} : tensor<1x1x2x2xf32>
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @resize_bilinear(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %none = "onnx.NoValue"() : () -> none
  %scales = "onnx.Constant"() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = "onnx.Resize"(%x, %none, %scales, %none) {mode = "linear"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
