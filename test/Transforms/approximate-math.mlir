// RUN: onnx-opt %s -split-input-file --onnxc-approximate-math | FileCheck %s

// f32 tanh, erf and exp become arithmetic (no libm call left to block
// vectorization).
// CHECK-LABEL: func.func @f32_functions
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.exp
// CHECK: arith.mulf
// CHECK: return
func.func @f32_functions(%x: f32) -> (f32, f32, f32) {
  %t = math.tanh %x : f32
  %e = math.erf %x : f32
  %x2 = math.exp %x : f32
  return %t, %e, %x2 : f32, f32, f32
}

// -----

// f64 keeps libm's accuracy; so do functions without a listed approximation.
// CHECK-LABEL: func.func @kept
// CHECK: math.tanh %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f32
func.func @kept(%x: f64, %y: f32) -> (f64, f32) {
  %t = math.tanh %x : f64
  %s = math.sin %y : f32
  return %t, %s : f64, f32
}
