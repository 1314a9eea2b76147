// RUN: onnx-opt %s -split-input-file --convert-onnx-to-linalg | FileCheck %s

// Constant mode without constant_value pads with 0 of the element type.
// CHECK-LABEL: func.func @constant_default_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[1, 2] high[0, 2]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<2x3xf32> to tensor<3x7xf32>
// CHECK: return %[[P]]
func.func @constant_default_zero(%x: tensor<2x3xf32>) -> tensor<3x7xf32> {
  %pads = "onnx.Constant"() {value = dense<[1, 2, 0, 2]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) : (tensor<2x3xf32>, tensor<4xi64>, none, none) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// A constant constant_value becomes a scalar constant.
// CHECK-LABEL: func.func @constant_value_i64
// CHECK: %[[V:.*]] = arith.constant -5 : i64
// CHECK: tensor.pad %{{.*}} low[2] high[1]
// CHECK: tensor.yield %[[V]] : i64
// CHECK: } : tensor<4xi64> to tensor<7xi64>
func.func @constant_value_i64(%x: tensor<4xi64>) -> tensor<7xi64> {
  %pads = "onnx.Constant"() {value = dense<[2, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %value = "onnx.Constant"() {value = dense<-5> : tensor<i64>} : () -> tensor<i64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %value, %none) {mode = "constant"} : (tensor<4xi64>, tensor<2xi64>, tensor<i64>, none) -> tensor<7xi64>
  return %0 : tensor<7xi64>
}

// -----

// A run-time constant_value (here a one-element 1-D tensor) is extracted.
// CHECK-LABEL: func.func @constant_runtime_value
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf16>, %[[V:.*]]: tensor<1xf16>)
// CHECK: %[[E:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<1xf16>
// CHECK: tensor.pad %[[X]] low[0, 1] high[0, 1]
// CHECK: tensor.yield %[[E]] : f16
func.func @constant_runtime_value(%x: tensor<2x3xf16>, %v: tensor<1xf16>) -> tensor<2x5xf16> {
  %pads = "onnx.Constant"() {value = dense<[0, 1, 0, 1]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %v, %none) : (tensor<2x3xf16>, tensor<4xi64>, tensor<1xf16>, none) -> tensor<2x5xf16>
  return %0 : tensor<2x5xf16>
}

// -----

// Unsigned zero: arith.constant takes signless scalars only, so it is read
// out of a 0-d tensor constant.
// CHECK-LABEL: func.func @constant_ui8_default
// CHECK: %[[C:.*]] = arith.constant dense<0> : tensor<ui8>
// CHECK: %[[Z:.*]] = tensor.extract %[[C]][] : tensor<ui8>
// CHECK: tensor.pad %{{.*}} low[0] high[1]
// CHECK: tensor.yield %[[Z]] : ui8
func.func @constant_ui8_default(%x: tensor<3xui8>) -> tensor<4xui8> {
  %pads = "onnx.Constant"() {value = dense<[0, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) : (tensor<3xui8>, tensor<2xi64>, none, none) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @constant_bool_true
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: tensor.pad %{{.*}} low[0, 1] high[0, 1]
// CHECK: tensor.yield %[[T]] : i1
func.func @constant_bool_true(%x: tensor<2x2xi1>) -> tensor<2x4xi1> {
  %pads = "onnx.Constant"() {value = dense<[0, 1, 0, 1]> : tensor<4xi64>} : () -> tensor<4xi64>
  %value = "onnx.Constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %value, %none) : (tensor<2x2xi1>, tensor<4xi64>, tensor<i1>, none) -> tensor<2x4xi1>
  return %0 : tensor<2x4xi1>
}

// -----

// Negative pads crop first (2 rows at the start, 2 columns at the end), then
// the positive ones pad the cropped tensor.
// CHECK-LABEL: func.func @constant_negative_pads
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[2, 0] [2, 3] [1, 1] : tensor<4x5xf32> to tensor<2x3xf32>
// CHECK: %[[P:.*]] = tensor.pad %[[S]] low[0, 1] high[1, 0]
// CHECK: } : tensor<2x3xf32> to tensor<3x4xf32>
// CHECK: return %[[P]]
func.func @constant_negative_pads(%x: tensor<4x5xf32>) -> tensor<3x4xf32> {
  %pads = "onnx.Constant"() {value = dense<[-2, 1, 1, -2]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) : (tensor<4x5xf32>, tensor<4xi64>, none, none) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Only negative pads: a slice, whatever the mode.
// CHECK-LABEL: func.func @crop_only
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 0] [3, 5] [1, 1] : tensor<4x5xi32> to tensor<3x5xi32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[S]]
func.func @crop_only(%x: tensor<4x5xi32>) -> tensor<3x5xi32> {
  %pads = "onnx.Constant"() {value = dense<[0, 0, -1, 0]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) {mode = "reflect"} : (tensor<4x5xi32>, tensor<4xi64>, none, none) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// -----

// CHECK-LABEL: func.func @zero_pads
// CHECK-SAME: (%[[X:.*]]: tensor<4x5xf32>)
// CHECK-NEXT: arith.constant
// CHECK-NEXT: return %[[X]]
func.func @zero_pads(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %pads = "onnx.Constant"() {value = dense<0> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) {mode = "edge"} : (tensor<4x5xf32>, tensor<4xi64>, none, none) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// axes (opset 18), negative and i32: pads apply to the last dim only.
// CHECK-LABEL: func.func @axes_negative
// CHECK: %[[V:.*]] = arith.constant 1.500000e+00 : f64
// CHECK: tensor.pad %{{.*}} low[0, 0, 2] high[0, 0, 1]
// CHECK: tensor.yield %[[V]] : f64
// CHECK: } : tensor<2x3x4xf64> to tensor<2x3x7xf64>
func.func @axes_negative(%x: tensor<2x3x4xf64>) -> tensor<2x3x7xf64> {
  %pads = "onnx.Constant"() {value = dense<[2, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %axes = "onnx.Constant"() {value = dense<[-1]> : tensor<1xi32>} : () -> tensor<1xi32>
  %value = "onnx.Constant"() {value = dense<1.5> : tensor<f64>} : () -> tensor<f64>
  %0 = "onnx.Pad"(%x, %pads, %value, %axes) : (tensor<2x3x4xf64>, tensor<2xi64>, tensor<f64>, tensor<1xi32>) -> tensor<2x3x7xf64>
  return %0 : tensor<2x3x7xf64>
}

// -----

// Constant mode keeps dynamic dims: the crop's size is computed.
// CHECK-LABEL: func.func @constant_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// CHECK: %[[N:.*]] = arith.subi %[[D]], %{{.*}} : index
// CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][1, 0] [%[[N]], 3] [1, 1] : tensor<?x3xf32> to tensor<?x3xf32>
// CHECK: tensor.pad %[[S]] low[0, 2] high[0, 0]
// CHECK: } : tensor<?x3xf32> to tensor<?x5xf32>
func.func @constant_dynamic(%x: tensor<?x3xf32>) -> tensor<?x5xf32> {
  %pads = "onnx.Constant"() {value = dense<[-1, 2, 0, 0]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) : (tensor<?x3xf32>, tensor<4xi64>, none, none) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// Reflect along dim 1 (size 4, period 6, 3 before): t = (i + 3) mod 6, read
// at min(t, 6 - t). Dim 0 is read as is.
// CHECK-LABEL: func.func @reflect
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} outs(%{{.*}} : tensor<2x9xf32>)
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[I1:.*]] = linalg.index 1 : index
// CHECK: %[[C6:.*]] = arith.constant 6 : index
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[SH:.*]] = arith.addi %[[I1]], %[[C3]] : index
// CHECK: %[[T:.*]] = arith.remui %[[SH]], %[[C6]] : index
// CHECK: %[[M:.*]] = arith.subi %[[C6]], %[[T]] : index
// CHECK: %[[J:.*]] = arith.minui %[[T]], %[[M]] : index
// CHECK: %[[E:.*]] = tensor.extract %[[X]][%[[I0]], %[[J]]] : tensor<2x4xf32>
// CHECK: linalg.yield %[[E]] : f32
func.func @reflect(%x: tensor<2x4xf32>) -> tensor<2x9xf32> {
  %pads = "onnx.Constant"() {value = dense<[0, 3, 0, 2]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) {mode = "reflect"} : (tensor<2x4xf32>, tensor<4xi64>, none, none) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

// Edge clamps: max(i - 2, 0) where dim 0 is padded before, min(i, 3) where
// dim 1 is padded after.
// CHECK-LABEL: func.func @edge
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xbf16>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<5x5xbf16>)
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[I1:.*]] = linalg.index 1 : index
// CHECK: %[[S:.*]] = arith.subi %[[I0]], %{{.*}} : index
// CHECK: %[[J0:.*]] = arith.maxsi %[[S]], %{{.*}} : index
// CHECK: %[[J1:.*]] = arith.minsi %[[I1]], %{{.*}} : index
// CHECK: tensor.extract %[[X]][%[[J0]], %[[J1]]] : tensor<3x4xbf16>
func.func @edge(%x: tensor<3x4xbf16>) -> tensor<5x5xbf16> {
  %pads = "onnx.Constant"() {value = dense<[2, 0, 0, 1]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) {mode = "edge"} : (tensor<3x4xbf16>, tensor<4xi64>, none, none) -> tensor<5x5xbf16>
  return %0 : tensor<5x5xbf16>
}

// -----

// Wrap (opset 19) on the cropped tensor: element 0 is cut, then the 4 left
// repeat.
// CHECK-LABEL: func.func @wrap_crop
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[1] [4] [1] : tensor<5xi8> to tensor<4xi8>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<6xi8>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[J:.*]] = arith.remui %[[I]], %{{.*}} : index
// CHECK: tensor.extract %[[S]][%[[J]]] : tensor<4xi8>
func.func @wrap_crop(%x: tensor<5xi8>) -> tensor<6xi8> {
  %pads = "onnx.Constant"() {value = dense<[-1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) {mode = "wrap"} : (tensor<5xi8>, tensor<2xi64>, none, none) -> tensor<6xi8>
  return %0 : tensor<6xi8>
}

// -----

// A padded dim of size 1 is always read at 0.
// CHECK-LABEL: func.func @reflect_size_one
// CHECK-SAME: (%[[X:.*]]: tensor<1x3xui8>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x3xui8>)
// CHECK: %[[I1:.*]] = linalg.index 1 : index
// CHECK: %[[Z:.*]] = arith.constant 0 : index
// CHECK: tensor.extract %[[X]][%[[Z]], %[[I1]]] : tensor<1x3xui8>
func.func @reflect_size_one(%x: tensor<1x3xui8>) -> tensor<3x3xui8> {
  %pads = "onnx.Constant"() {value = dense<[1, 0, 1, 0]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.Pad"(%x, %pads, %none, %none) {mode = "reflect"} : (tensor<1x3xui8>, tensor<4xi64>, none, none) -> tensor<3x3xui8>
  return %0 : tensor<3x3xui8>
}
