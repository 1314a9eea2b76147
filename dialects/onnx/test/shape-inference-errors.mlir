// RUN: onnx-opt %s --split-input-file --onnx-shape-inference --verify-diagnostics

// Broadcast errors name the dimension.
func.func @broadcast_error(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{cannot broadcast dimension 0: sizes 2 and 4 differ and neither is 1}}
  %r = "onnx.Add"(%a, %b) : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @reshape_count_mismatch(%x: tensor<2x3xf32>) -> tensor<*xf32> {
  %shape = "onnx.Constant"() {value = dense<[4, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{cannot reshape 6 elements into 8}}
  %y = "onnx.Reshape"(%x, %shape) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @conv_channel_mismatch(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{input has 3 channels but W expects 2 x group 1}}
  %y = "onnx.Conv"(%x, %w, %none) : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @nll_labels_rank(%x: tensor<2x3x4xf32>, %t: tensor<2xi64>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{the labels must have rank 2 (N, d1, ..., dk) for scores of rank 3, got rank 1}}
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %none) : (tensor<2x3x4xf32>, tensor<2xi64>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nll_labels_dim(%x: tensor<2x3x4xf32>, %t: tensor<2x5xi64>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{labels dim 1 is 5 but scores dim 2 is 4}}
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %none) : (tensor<2x3x4xf32>, tensor<2x5xi64>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @sce_weights_length(%x: tensor<2x3xf32>, %t: tensor<2xi32>, %w: tensor<4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the weights have 4 elements for 3 classes}}
  %0:2 = "onnx.SoftmaxCrossEntropyLoss"(%x, %t, %w) : (tensor<2x3xf32>, tensor<2xi32>, tensor<4xf32>) -> (tensor<*xf32>, none)
  return %0#0 : tensor<*xf32>
}

// -----

func.func @sce_scores_rank(%x: tensor<3xf32>, %t: tensor<i32>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{the scores must have rank 2 or more (N, C, d1, ..., dk), got rank 1}}
  %0:2 = "onnx.SoftmaxCrossEntropyLoss"(%x, %t, %none) : (tensor<3xf32>, tensor<i32>, none) -> (tensor<*xf32>, none)
  return %0#0 : tensor<*xf32>
}

// -----

func.func @quantize_per_axis_length(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<*xui8> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{the per-axis scale has 2 elements for dim 1 of size 3}}
  %0 = "onnx.QuantizeLinear"(%x, %s, %none) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>, none) -> tensor<*xui8>
  return %0 : tensor<*xui8>
}

// -----

func.func @dequantize_blocked_scale(%x: tensor<2x8xi8>, %s: tensor<2x2xf32>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{the blocked scale's dim 1 is 2, expected 3 for x's 8 in blocks of 3}}
  %0 = "onnx.DequantizeLinear"(%x, %s, %none) {axis = 1 : i64, block_size = 3 : i64} : (tensor<2x8xi8>, tensor<2x2xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @quantize_zero_point_shape(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %zp: tensor<i8>) -> tensor<*xi8> {
  // expected-error @+1 {{the zero point's shape 'tensor<i8>' differs from the scale's 'tensor<3xf32>'}}
  %0 = "onnx.QuantizeLinear"(%x, %s, %zp) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<i8>) -> tensor<*xi8>
  return %0 : tensor<*xi8>
}

// -----

func.func @window_negative_size() -> tensor<*xf32> {
  %n = "onnx.Constant"() {value = dense<-2> : tensor<i64>} : () -> tensor<i64>
  // expected-error @+1 {{size must not be negative, got -2}}
  %0 = "onnx.HannWindow"(%n) : (tensor<i64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @loop_carried_element_type(%m: tensor<i64>, %c: tensor<i1>, %x: tensor<2xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{loop-carried value #0 enters the body as 'tensor<2xf32>' and is yielded as 'tensor<2xi64>' (its element type must not change)}}
  %r = "onnx.Loop"(%m, %c, %x) ({
  ^bb0(%i: tensor<i64>, %cc: tensor<i1>, %a: tensor<2xf32>):
    %n = "onnx.Cast"(%a) {to = 7 : i64} : (tensor<2xf32>) -> tensor<*xi64>
    "onnx.Yield"(%cc, %n) : (tensor<i1>, tensor<*xi64>) -> ()
  }) : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// -----

func.func @scan_lengths(%s0: tensor<3xf32>, %xs: tensor<4x3xf32>, %ys: tensor<5x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the scan inputs have lengths 4 and 5 along their scan axes}}
  %s = "onnx.Scan"(%s0, %xs, %ys) ({
  ^bb0(%acc: tensor<3xf32>, %x: tensor<3xf32>, %y: tensor<3xf32>):
    "onnx.Yield"(%acc) : (tensor<3xf32>) -> ()
  }) {num_scan_inputs = 2 : i64} : (tensor<3xf32>, tensor<4x3xf32>, tensor<5x3xf32>) -> tensor<*xf32>
  return %s : tensor<*xf32>
}

// -----

func.func @grid_sample_grid_rank(%x: tensor<2x3x5x6xf32>, %g: tensor<2x7x2xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{grid must have rank 4 (N, O1, ..., O2, 2) for X of rank 4, got 3}}
  %y = "onnx.GridSample"(%x, %g) : (tensor<2x3x5x6xf32>, tensor<2x7x2xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @grid_sample_mode(%x: tensor<2x3x5x6xf32>, %g: tensor<2x7x4x2xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{mode must be "linear", "nearest" or "cubic" ("bilinear"/"bicubic" before opset 20), got "area"}}
  %y = "onnx.GridSample"(%x, %g) {mode = "area"} : (tensor<2x3x5x6xf32>, tensor<2x7x4x2xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @affine_grid_theta(%theta: tensor<1x2x4xf32>) -> tensor<*xf32> {
  %size = "onnx.Constant"() {value = dense<[1, 2, 4, 5]> : tensor<4xi64>} : () -> tensor<4xi64>
  // expected-error @+1 {{theta must be (N, 2, 3) or (N, 3, 4), got 'tensor<1x2x4xf32>'}}
  %g = "onnx.AffineGrid"(%theta, %size) : (tensor<1x2x4xf32>, tensor<4xi64>) -> tensor<*xf32>
  return %g : tensor<*xf32>
}

// -----

func.func @reverse_sequence_axes(%x: tensor<4x3xf32>, %lens: tensor<3xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{batch_axis and time_axis must be 0 and 1 (either way round), got 1 and 1}}
  %y = "onnx.ReverseSequence"(%x, %lens) {time_axis = 1 : i64} : (tensor<4x3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @col2im_channels(%x: tensor<2x17x15xf32>) -> tensor<*xf32> {
  %image = "onnx.Constant"() {value = dense<[7, 6]> : tensor<2xi64>} : () -> tensor<2xi64>
  %block = "onnx.Constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{the input's dim 1 (17) is not a multiple of prod(block_shape) (6)}}
  %y = "onnx.Col2Im"(%x, %image, %block) : (tensor<2x17x15xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @center_crop_pad_count(%x: tensor<5x6x3xf32>) -> tensor<*xf32> {
  %s = "onnx.Constant"() {value = dense<[9, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{shape has 2 values for 1 axes}}
  %y = "onnx.CenterCropPad"(%x, %s) {axes = array<i64: 1>} : (tensor<5x6x3xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @dft_onesided_complex(%x: tensor<2x6x2xf32>) -> tensor<*xf32> {
  %none = "onnx.NoValue"() : () -> none
  // expected-error @+1 {{onesided needs a real input (last dim 1)}}
  %y = "onnx.DFT"(%x, %none, %none) {onesided = 1 : i64} : (tensor<2x6x2xf32>, none, none) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
