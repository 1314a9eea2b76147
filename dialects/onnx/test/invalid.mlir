// RUN: onnx-opt %s --split-input-file --verify-diagnostics

func.func @transpose_not_a_permutation(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm is not a permutation of [0, 2)}}
  %0 = "onnx.Transpose"(%x) {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @concat_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = "onnx.Concat"(%x, %x) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @gemm_needs_matrices(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{A and B must be 2-D, got rank 3}}
  %0 = "onnx.Gemm"(%a, %b, %a) : (tensor<2x3x4xf32>, tensor<4x5xf32>, tensor<2x3x4xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @conv_bad_auto_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got 'FULL'}}
  %0 = "onnx.Conv"(%x, %w, %none) {auto_pad = "FULL"} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @relu_rejects_integers(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = "onnx.Relu"(%x) : (tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @lstm_bad_direction(%x: tensor<5x1x8xf32>, %w: tensor<1x64x8xf32>, %r: tensor<1x64x16xf32>) {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{direction must be forward, reverse or bidirectional, got 'sideways'}}
  %y, %h, %c = "onnx.LSTM"(%x, %w, %r, %none, %none, %none, %none, %none) {direction = "sideways", hidden_size = 16 : i64} : (tensor<5x1x8xf32>, tensor<1x64x8xf32>, tensor<1x64x16xf32>, none, none, none, none, none) -> (tensor<5x1x1x16xf32>, none, none)
  return
}

// -----

func.func @split_num_outputs_mismatch(%x: tensor<6xf32>) {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{num_outputs is 3 but the op has 2 results}}
  %a, %b = "onnx.Split"(%x, %none) {num_outputs = 3 : i64} : (tensor<6xf32>, none) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @constant_needs_one_value() -> tensor<f32> {
  // expected-error @+1 {{must have exactly one value attribute, has 2}}
  %0 = "onnx.Constant"() {value_float = 1.0 : f32, value_int = 1 : i64} : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cast_unsupported_type(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unsupported target data type 8}}
  %0 = "onnx.Cast"(%x) {to = 8 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @nll_unknown_reduction(%x: tensor<2x3xf32>, %t: tensor<2xi64>) -> tensor<f32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{reduction must be none, sum or mean, got 'max'}}
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %none) {reduction = "max"} : (tensor<2x3xf32>, tensor<2xi64>, none) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @quantize_negative_block_size(%x: tensor<2x3xf32>, %s: tensor<f32>) -> tensor<2x3xui8> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{block_size must be 0 or positive, got -1}}
  %0 = "onnx.QuantizeLinear"(%x, %s, %none) {block_size = -1 : i64} : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

func.func @if_branch_count(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{else_branch yields 2 values for 1 outputs}}
  %r = "onnx.If"(%c) ({
    "onnx.Yield"(%x) : (tensor<2xf32>) -> ()
  }, {
    "onnx.Yield"(%x, %x) : (tensor<2xf32>, tensor<2xf32>) -> ()
  }) : (tensor<i1>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @loop_body_inputs(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the body takes 2 inputs; 2 + 1 expected (iteration number, condition, the loop-carried values)}}
  %r = "onnx.Loop"(%m, %c, %x) ({
  ^bb0(%i: tensor<i64>, %cc: tensor<i1>):
    "onnx.Yield"(%cc, %x) : (tensor<i1>, tensor<2xf32>) -> ()
  }) : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @loop_condition_type(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the body's first output (the condition) must be a bool tensor of one element, got 'tensor<2xf32>'}}
  %r = "onnx.Loop"(%m, %c, %x) ({
  ^bb0(%i: tensor<i64>, %cc: tensor<i1>, %a: tensor<2xf32>):
    "onnx.Yield"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> ()
  }) : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @scan_directions(%s0: tensor<3xf32>, %xs: tensor<4x3xf32>) -> (tensor<3xf32>) {
  // expected-error @+1 {{scan_input_directions entries must be 0 (forward) or 1 (reverse), got 2}}
  %s = "onnx.Scan"(%s0, %xs) ({
  ^bb0(%acc: tensor<3xf32>, %x: tensor<3xf32>):
    "onnx.Yield"(%acc) : (tensor<3xf32>) -> ()
  }) {num_scan_inputs = 1 : i64, scan_input_directions = array<i64: 2>} : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<3xf32>
  return %s : tensor<3xf32>
}

// -----

func.func @scan_num_inputs(%s0: tensor<3xf32>, %xs: tensor<4x3xf32>) -> (tensor<3xf32>) {
  // expected-error @+1 {{num_scan_inputs is 3; it must be between 1 and the number of operands, 2}}
  %s = "onnx.Scan"(%s0, %xs) ({
  ^bb0(%acc: tensor<3xf32>, %x: tensor<3xf32>):
    "onnx.Yield"(%acc) : (tensor<3xf32>) -> ()
  }) {num_scan_inputs = 3 : i64} : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<3xf32>
  return %s : tensor<3xf32>
}
