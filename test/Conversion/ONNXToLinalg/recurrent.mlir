// RUN: onnx-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s

// The input projection of all steps is one contraction; each step of the
// scf.for computes H * R^T and one generic producing the new C and H in
// place of the loop-carried state, then inserts H into Y.
// CHECK-LABEL: func.func @lstm
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: %[[LOOP:.*]]:3 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}, %[[Y:.*]] = %{{.*}}) -> (tensor<2x5xf32>, tensor<2x5xf32>, tensor<4x2x5xf32>)
// CHECK: tensor.extract_slice %{{.*}}[%[[T]], 0, 0] [1, 2, 20] [1, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%[[H]], %{{.*}} : tensor<2x5xf32>, tensor<20x5xf32>)
// CHECK: %[[CELL:.*]]:2 = linalg.generic {{.*}} outs(%[[C]], %[[H]] : tensor<2x5xf32>, tensor<2x5xf32>)
// CHECK: math.tanh
// CHECK: %[[NEW_Y:.*]] = tensor.insert_slice %[[CELL]]#1 into %[[Y]][%[[T]], 0, 0] [1, 2, 5] [1, 1, 1]
// CHECK: scf.yield %[[CELL]]#1, %[[CELL]]#0, %[[NEW_Y]]
// CHECK: tensor.expand_shape %[[LOOP]]#2 {{\[\[}}0, 1], [2], [3]] {{.*}} into tensor<4x1x2x5xf32>
func.func @lstm(%x: tensor<4x2x3xf32>, %w: tensor<1x20x3xf32>, %r: tensor<1x20x5xf32>) -> tensor<4x1x2x5xf32> {
  %none = "onnx.NoValue"() : () -> none
  %y, %h, %c = "onnx.LSTM"(%x, %w, %r, %none, %none, %none, %none, %none) {hidden_size = 5 : i64} : (tensor<4x2x3xf32>, tensor<1x20x3xf32>, tensor<1x20x5xf32>, none, none, none, none, none) -> (tensor<4x1x2x5xf32>, none, none)
  return %y : tensor<4x1x2x5xf32>
}

// -----

// f16 is computed in f32: the operands are extended on entry, the outputs
// rounded once on exit. Without Y, the loop carries only the states.
// CHECK-LABEL: func.func @lstm_f16_states
// CHECK: ins(%{{.*}} : tensor<4x2x3xf16>) outs(%{{.*}} : tensor<4x2x3xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<2x5xf32>, tensor<2x5xf32>)
// CHECK: math.tanh %{{.*}} : f32
// CHECK: scf.yield
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: -> tensor<1x2x5xf16>
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: -> tensor<1x2x5xf16>
func.func @lstm_f16_states(%x: tensor<4x2x3xf16>, %w: tensor<1x20x3xf16>, %r: tensor<1x20x5xf16>) -> (tensor<1x2x5xf16>, tensor<1x2x5xf16>) {
  %none = "onnx.NoValue"() : () -> none
  %y, %h, %c = "onnx.LSTM"(%x, %w, %r, %none, %none, %none, %none, %none) {hidden_size = 5 : i64} : (tensor<4x2x3xf16>, tensor<1x20x3xf16>, tensor<1x20x5xf16>, none, none, none, none, none) -> (none, tensor<1x2x5xf16>, tensor<1x2x5xf16>)
  return %h, %c : tensor<1x2x5xf16>, tensor<1x2x5xf16>
}

// -----

// f64 is computed in f64, with no conversion.
// CHECK-LABEL: func.func @gru_f64
// CHECK-NOT: arith.extf
// CHECK: scf.for {{.*}} -> (tensor<2x5xf64>, tensor<4x2x5xf64>)
// CHECK: math.tanh %{{.*}} : f64
// CHECK-NOT: arith.truncf
// CHECK: return %{{.*}} : tensor<4x1x2x5xf64>
func.func @gru_f64(%x: tensor<4x2x3xf64>, %w: tensor<1x15x3xf64>, %r: tensor<1x15x5xf64>) -> tensor<4x1x2x5xf64> {
  %none = "onnx.NoValue"() : () -> none
  %y, %h = "onnx.GRU"(%x, %w, %r, %none, %none, %none) {hidden_size = 5 : i64, linear_before_reset = 1 : i64} : (tensor<4x2x3xf64>, tensor<1x15x3xf64>, tensor<1x15x5xf64>, none, none, none) -> (tensor<4x1x2x5xf64>, none)
  return %y : tensor<4x1x2x5xf64>
}

// -----

// layout = 1: X [batch, seq, input] and initial_h [batch, dirs, H] are
// transposed on entry, Y [batch, seq, dirs, H] and Y_h [batch, dirs, H] on
// exit.
// CHECK-LABEL: func.func @rnn_layout1
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x4x3xf32>
// CHECK-SAME: %[[H0:[a-z0-9]+]]: tensor<2x1x5xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<2x4x3xf32>) outs(%{{.*}} : tensor<4x2x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[H0]] : tensor<2x1x5xf32>) outs(%{{.*}} : tensor<1x2x5xf32>)
// CHECK: %[[LOOP:.*]]:2 = scf.for
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[LOOP]]#1 {{.*}} into tensor<4x1x2x5xf32>
// CHECK: %[[YT:.*]] = linalg.generic {{.*}} ins(%[[Y]] : tensor<4x1x2x5xf32>) outs(%{{.*}} : tensor<2x4x1x5xf32>)
// CHECK: %[[YH:.*]] = tensor.expand_shape %[[LOOP]]#0 {{.*}} into tensor<1x2x5xf32>
// CHECK: %[[YHT:.*]] = linalg.generic {{.*}} ins(%[[YH]] : tensor<1x2x5xf32>) outs(%{{.*}} : tensor<2x1x5xf32>)
// CHECK: return %[[YT]], %[[YHT]]
func.func @rnn_layout1(%x: tensor<2x4x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>, %h0: tensor<2x1x5xf32>) -> (tensor<2x4x1x5xf32>, tensor<2x1x5xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %y, %h = "onnx.RNN"(%x, %w, %r, %none, %none, %h0) {hidden_size = 5 : i64, layout = 1 : i64} : (tensor<2x4x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, none, none, tensor<2x1x5xf32>) -> (tensor<2x4x1x5xf32>, tensor<2x1x5xf32>)
  return %y, %h : tensor<2x4x1x5xf32>, tensor<2x1x5xf32>
}

// -----

// clip bounds the activation's input; LeakyRelu takes activation_alpha.
// CHECK-LABEL: func.func @rnn_activation_clip
// CHECK: scf.for
// CHECK: linalg.generic
// CHECK: %[[PRE:.*]] = arith.addf %in, %in_{{.*}} : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant -5.000000e-01 : f32
// CHECK: %[[MAX:.*]] = arith.maximumf %[[PRE]], %[[LO]] : f32
// CHECK: %[[CLIPPED:.*]] = arith.minimumf %[[MAX]], %[[HI]] : f32
// CHECK: %[[ALPHA:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[SCALED:.*]] = arith.mulf %[[ALPHA]], %[[CLIPPED]] : f32
// CHECK: %[[POSITIVE:.*]] = arith.cmpf oge, %[[CLIPPED]], %{{.*}} : f32
// CHECK: %[[H:.*]] = arith.select %[[POSITIVE]], %[[CLIPPED]], %[[SCALED]] : f32
// CHECK: linalg.yield %[[H]] : f32
// CHECK-NOT: math.tanh
func.func @rnn_activation_clip(%x: tensor<4x2x3xf32>, %w: tensor<1x5x3xf32>, %r: tensor<1x5x5xf32>) -> tensor<4x1x2x5xf32> {
  %none = "onnx.NoValue"() : () -> none
  %y, %h = "onnx.RNN"(%x, %w, %r, %none, %none, %none) {hidden_size = 5 : i64, activations = ["LeakyRelu"], activation_alpha = array<f32: 0.25>, clip = 5.000000e-01 : f32} : (tensor<4x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, none, none, none) -> (tensor<4x1x2x5xf32>, none)
  return %y : tensor<4x1x2x5xf32>
}

// -----

// sequence_lens: a step at or past a row's length keeps the row's state and
// writes zeros to Y's own per-step output.
// CHECK-LABEL: func.func @gru_sequence_lens
// CHECK-SAME: %[[LENS:[a-z0-9]+]]: tensor<2xi32>
// CHECK: scf.for %[[T:.*]] = %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %[[Y:.*]] = %{{.*}})
// CHECK: %[[STEP:.*]] = arith.subi %{{.*}}, %[[T]] : index
// CHECK: %[[STEP32:.*]] = arith.index_cast %[[STEP]] : index to i32
// CHECK: %[[NEW:.*]]:2 = linalg.generic {{.*}} ins({{.*}}, %[[H]], %[[LENS]] : {{.*}}, tensor<2x5xf32>, tensor<2xi32>) outs(%[[H]], %{{.*}} : tensor<2x5xf32>, tensor<2x5xf32>)
// CHECK: ^bb0({{.*}}, %[[OLD:[a-z0-9_]+]]: f32, %[[LEN:[a-z0-9_]+]]: i32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: %[[VALID:.*]] = arith.cmpi slt, %[[STEP32]], %[[LEN]] : i32
// CHECK: %[[KEPT:.*]] = arith.select %[[VALID]], %[[HNEW:[a-z0-9_]+]], %[[OLD]] : f32
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[YSTEP:.*]] = arith.select %[[VALID]], %[[HNEW]], %[[ZERO]] : f32
// CHECK: linalg.yield %[[KEPT]], %[[YSTEP]]
// CHECK: %[[NEW_Y:.*]] = tensor.insert_slice %[[NEW]]#1 into %[[Y]][%[[STEP]], 0, 0]
// CHECK: scf.yield %[[NEW]]#0, %[[NEW_Y]]
func.func @gru_sequence_lens(%x: tensor<4x2x3xf32>, %w: tensor<1x15x3xf32>, %r: tensor<1x15x5xf32>, %lens: tensor<2xi32>) -> tensor<4x1x2x5xf32> {
  %none = "onnx.NoValue"() : () -> none
  %y, %h = "onnx.GRU"(%x, %w, %r, %none, %lens, %none) {hidden_size = 5 : i64, direction = "reverse"} : (tensor<4x2x3xf32>, tensor<1x15x3xf32>, tensor<1x15x5xf32>, none, tensor<2xi32>, none) -> (tensor<4x1x2x5xf32>, none)
  return %y : tensor<4x1x2x5xf32>
}

// -----

// input_forget: f = 1 - i, so the forget gate's own sigmoid is not built
// (three sigmoids: i, o and none for f).
// CHECK-LABEL: func.func @lstm_input_forget_bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: linalg.generic
// CHECK-COUNT-2: math.exp
// CHECK-NOT: math.exp
// CHECK: scf.yield
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @lstm_input_forget_bf16(%x: tensor<4x2x3xbf16>, %w: tensor<1x20x3xbf16>, %r: tensor<1x20x5xbf16>) -> tensor<4x1x2x5xbf16> {
  %none = "onnx.NoValue"() : () -> none
  %y, %h, %c = "onnx.LSTM"(%x, %w, %r, %none, %none, %none, %none, %none) {hidden_size = 5 : i64, input_forget = 1 : i64} : (tensor<4x2x3xbf16>, tensor<1x20x3xbf16>, tensor<1x20x5xbf16>, none, none, none, none, none) -> (tensor<4x1x2x5xbf16>, none, none)
  return %y : tensor<4x1x2x5xbf16>
}
