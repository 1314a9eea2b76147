// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// QuantizeLinear per axis: the scale and zero point are read at the axis
// index; round half to even, add the zero point, saturate into int8.
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK: linalg.generic {{.*}} ins(%[[X:.*]] : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: %[[S:.*]] = tensor.extract %{{.*}}[%[[C]]] : tensor<3xf32>
// CHECK: %[[Q:.*]] = arith.divf %{{.*}}, %[[S]] : f32
// CHECK: math.roundeven %[[Q]] : f32
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<3xi8>
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK: %[[MAX:.*]] = arith.maxnumf %{{.*}}, %[[LO]] : f32
// CHECK: %[[MIN:.*]] = arith.minnumf %[[MAX]], %[[HI]] : f32
// CHECK: arith.fptosi %[[MIN]] : f32 to i8
func.func @quantize_per_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %zp: tensor<3xi8>) -> tensor<2x3xi8> {
  %0 = "onnx.QuantizeLinear"(%x, %s, %zp) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// DequantizeLinear blocked along axis 1 in blocks of 3: the scale is read at
// [row, column / 3]; uint8 widens unsigned; f16 computes in f32.
// CHECK-LABEL: func.func @dequantize_blocked
// CHECK: ^bb0(%[[IN:.*]]: ui8, %{{.*}}: f16):
// CHECK: %[[I8:.*]] = builtin.unrealized_conversion_cast %[[IN]] : ui8 to i8
// CHECK: arith.extui %[[I8]] : i8 to i64
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: %[[COL:.*]] = linalg.index 1 : index
// CHECK: %[[BLOCK:.*]] = arith.divui %[[COL]], %{{.*}} : index
// CHECK: tensor.extract %{{.*}}[%[[ROW]], %[[BLOCK]]] : tensor<4x3xf16>
// CHECK: arith.mulf {{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @dequantize_blocked(%x: tensor<4x8xui8>, %s: tensor<4x3xf16>) -> tensor<4x8xf16> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.DequantizeLinear"(%x, %s, %none) {axis = 1 : i64, block_size = 3 : i64} : (tensor<4x8xui8>, tensor<4x3xf16>, none) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

// A scale whose length is known only at run time may be 1 (per tensor) or
// x's size along the axis (per axis): checked before the loop, and read at
// 0 when it is 1.
// CHECK-LABEL: func.func @dequantize_run_time_scale
// CHECK: %[[LEN:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?xf32>
// CHECK: cf.assert %{{.*}}, "node '?' (DequantizeLinear): x_scale dim 0 is neither 1 nor the size it scales"
// CHECK: linalg.generic
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: %[[ONE:.*]] = arith.cmpi eq, %[[LEN]], %{{.*}} : index
// CHECK: %[[AT:.*]] = arith.select %[[ONE]], %{{.*}}, %[[ROW]] : index
// CHECK: tensor.extract %{{.*}}[%[[AT]]] : tensor<?xf32>
func.func @dequantize_run_time_scale(%x: tensor<?x?xi8>, %s: tensor<?xf32>) -> tensor<?x?xf32> {
  %none = "onnx.NoValue"() : () -> none
  %0 = "onnx.DequantizeLinear"(%x, %s, %none) {axis = 0 : i64} : (tensor<?x?xi8>, tensor<?xf32>, none) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// MatMulInteger: both operands widened to i32 minus their zero points (a's
// scalar, b's per column), then an i32 linalg.matmul.
// CHECK-LABEL: func.func @matmul_integer
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<5x7xui8>) outs(%{{.*}} : tensor<5x7xi32>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: tensor.extract %{{.*}}[] : tensor<ui8>
// CHECK: arith.subi
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<7x6xi8>) outs(%{{.*}} : tensor<7x6xi32>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: %[[N:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %{{.*}}[%[[N]]] : tensor<6xi8>
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<5x7xi32>, tensor<7x6xi32>) outs(%{{.*}} : tensor<5x6xi32>)
func.func @matmul_integer(%a: tensor<5x7xui8>, %b: tensor<7x6xi8>, %azp: tensor<ui8>, %bzp: tensor<6xi8>) -> tensor<5x6xi32> {
  %0 = "onnx.MatMulInteger"(%a, %b, %azp, %bzp) : (tensor<5x7xui8>, tensor<7x6xi8>, tensor<ui8>, tensor<6xi8>) -> tensor<5x6xi32>
  return %0 : tensor<5x6xi32>
}

// -----

// QLinearMatMul: the i32 product requantized in f64 by a_scale * b_scale /
// y_scale (computed in f32), plus y's zero point, saturated into uint8.
// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: %[[ACC:.*]] = linalg.matmul {{.*}} -> tensor<2x4xi32>
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : tensor<2x4xi32>) outs(%{{.*}} : tensor<2x4xui8>)
// CHECK: %[[AB:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: %[[M:.*]] = arith.divf %[[AB]], %{{.*}} : f32
// CHECK: %[[M64:.*]] = arith.extf %[[M]] : f32 to f64
// CHECK: %[[ACC64:.*]] = arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.mulf %[[ACC64]], %[[M64]] : f64
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: arith.fptoui %{{.*}} : f64 to i8
func.func @qlinear_matmul(%a: tensor<2x3xui8>, %as: tensor<f32>, %azp: tensor<ui8>, %b: tensor<3x4xui8>, %bs: tensor<f32>, %bzp: tensor<ui8>, %ys: tensor<f32>, %yzp: tensor<ui8>) -> tensor<2x4xui8> {
  %0 = "onnx.QLinearMatMul"(%a, %as, %azp, %b, %bs, %bzp, %ys, %yzp) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x4xui8>, tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xui8>
  return %0 : tensor<2x4xui8>
}

// -----

// DynamicQuantizeLinear: min and max in one reduction to 0-d tensors, then
// the scale and the zero point by 0-d generics, then y.
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK: %[[RANGE:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%{{.*}} : tensor<3x4xf32>) outs(%{{.*}}, %{{.*}} : tensor<f32>, tensor<f32>)
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[RANGE]]#0, %[[RANGE]]#1 : tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<f32>)
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: %[[ZPF:.*]] = linalg.generic {{.*}} ins(%[[RANGE]]#0, %[[SCALE]] : tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[ZP:.*]] = linalg.generic {{.*}} ins(%[[ZPF]] : tensor<f32>) outs(%{{.*}} : tensor<ui8>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SCALE]], %[[ZPF]] : tensor<3x4xf32>, tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<3x4xui8>)
// CHECK: return %[[Y]], %[[SCALE]], %[[ZP]]
func.func @dynamic_quantize(%x: tensor<3x4xf32>) -> (tensor<3x4xui8>, tensor<f32>, tensor<ui8>) {
  %0:3 = "onnx.DynamicQuantizeLinear"(%x) : (tensor<3x4xf32>) -> (tensor<3x4xui8>, tensor<f32>, tensor<ui8>)
  return %0#0, %0#1, %0#2 : tensor<3x4xui8>, tensor<f32>, tensor<ui8>
}

// -----

// HannWindow of a run-time length, symmetric (periodic = 0): the length
// sizes the result, 0.5 - 0.5 cos(2 pi n / (N - 1)) in f64, rounded to f32.
// CHECK-LABEL: func.func @hann_window
// CHECK: %[[N:.*]] = arith.maxsi
// CHECK: tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK: arith.constant 6.2831853071795862 : f64
// CHECK: math.cos %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @hann_window(%n: tensor<i64>) -> tensor<?xf32> {
  %0 = "onnx.HannWindow"(%n) {periodic = 0 : i64} : (tensor<i64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Shrink: x - bias above lambd, x + bias below -lambd, 0 between.
// CHECK-LABEL: func.func @shrink
// CHECK: %[[L:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: %[[ABOVE:.*]] = arith.cmpf ogt, %[[X:.*]], %[[L]] : f32
// CHECK: %[[SUB:.*]] = arith.subf %[[X]]
// CHECK: %[[Y:.*]] = arith.select %[[ABOVE]], %[[SUB]]
// CHECK: %[[NL:.*]] = arith.constant -1.500000e+00 : f32
// CHECK: %[[BELOW:.*]] = arith.cmpf olt, %[[X]], %[[NL]] : f32
// CHECK: %[[ADD:.*]] = arith.addf %[[X]]
// CHECK: arith.select %[[BELOW]], %[[ADD]], %[[Y]]
func.func @shrink(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "onnx.Shrink"(%x) {lambd = 1.5 : f32, bias = 0.5 : f32} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
