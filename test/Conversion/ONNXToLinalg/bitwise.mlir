// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// Bitwise ops broadcast like the elementwise ones.
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bitwise_and
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$ROW]], #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<2x3xi32>, tensor<3xi32>) outs(%{{.*}} : tensor<2x3xi32>)
// CHECK: arith.andi %{{.*}}, %{{.*}} : i32
func.func @bitwise_and(%a: tensor<2x3xi32>, %b: tensor<3xi32>) -> tensor<2x3xi32> {
  %0 = "onnx.BitwiseAnd"(%a, %b) : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Unsigned elements are computed in the signless type of their width.
// CHECK-LABEL: func.func @bitwise_xor_unsigned
// CHECK: %[[A:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: %[[B:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: %[[R:.*]] = arith.xori %[[A]], %[[B]] : i8
// CHECK: %[[U:.*]] = builtin.unrealized_conversion_cast %[[R]] : i8 to ui8
// CHECK: linalg.yield %[[U]] : ui8
func.func @bitwise_xor_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "onnx.BitwiseXor"(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @bitwise_or
// CHECK: arith.ori %{{.*}}, %{{.*}} : i64
func.func @bitwise_or(%a: tensor<2xi64>, %b: tensor<2xi64>) -> tensor<2xi64> {
  %0 = "onnx.BitwiseOr"(%a, %b) : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @bitwise_not
// CHECK: %[[ONES:.*]] = arith.constant -1 : i8
// CHECK: arith.xori %{{.*}}, %[[ONES]] : i8
func.func @bitwise_not(%x: tensor<3xi8>) -> tensor<3xi8> {
  %0 = "onnx.BitwiseNot"(%x) : (tensor<3xi8>) -> tensor<3xi8>
  return %0 : tensor<3xi8>
}

// -----

// BitShift is logical; shifting by the width or more gives 0.
// CHECK-LABEL: func.func @bit_shift_right
// CHECK: %[[X:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui32 to i32
// CHECK: %[[N:.*]] = builtin.unrealized_conversion_cast %{{.*}} : ui32 to i32
// CHECK: %[[SHIFTED:.*]] = arith.shrui %[[X]], %[[N]] : i32
// CHECK: %[[WIDTH:.*]] = arith.constant 32 : i32
// CHECK: %[[TOO_FAR:.*]] = arith.cmpi uge, %[[N]], %[[WIDTH]] : i32
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: arith.select %[[TOO_FAR]], %[[ZERO]], %[[SHIFTED]] : i32
func.func @bit_shift_right(%x: tensor<2x4xui32>, %n: tensor<1xui32>) -> tensor<2x4xui32> {
  %0 = "onnx.BitShift"(%x, %n) {direction = "RIGHT"} : (tensor<2x4xui32>, tensor<1xui32>) -> tensor<2x4xui32>
  return %0 : tensor<2x4xui32>
}

// -----

// CHECK-LABEL: func.func @bit_shift_left
// CHECK: arith.shli %{{.*}}, %{{.*}} : i8
func.func @bit_shift_left(%x: tensor<2xui8>, %n: tensor<2xui8>) -> tensor<2xui8> {
  %0 = "onnx.BitShift"(%x, %n) {direction = "LEFT"} : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}
