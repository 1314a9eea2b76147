// RUN: onnx-opt %s -split-input-file --onnxc-conv-to-im2col | FileCheck %s

// A batch known only at run time is a batch loop of the gather and the
// contraction (the gather's buffer sized by the input's N).
// CHECK-LABEL: func.func @dynamic_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x11x11xf32>
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x11x11xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x3x3x3x4x4xf32>
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x3x11x11xf32>) outs(%[[E]] : tensor<?x3x3x3x4x4xf32>)
// CHECK: %[[P:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<?x3x3x3x4x4xf32> into tensor<?x27x16xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[P]] : tensor<8x27xf32>, tensor<?x27x16xf32>)
// CHECK: tensor.expand_shape %{{.*}} : tensor<?x8x16xf32> into tensor<?x8x4x4xf32>
func.func @dynamic_batch(%x: tensor<?x3x11x11xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<?x8x4x4xf32>) -> tensor<?x8x4x4xf32> {
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : tensor<?x3x11x11xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<?x8x4x4xf32>) -> tensor<?x8x4x4xf32>
  return %y : tensor<?x8x4x4xf32>
}

// -----

// Dynamic spatial sizes stay a convolution.
// CHECK-LABEL: func.func @dynamic_spatial
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.generic
func.func @dynamic_spatial(%x: tensor<?x3x?x?xf32>, %w: tensor<8x3x3x3xf32>, %init: tensor<?x8x?x?xf32>) -> tensor<?x8x?x?xf32> {
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<?x3x?x?xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<?x8x?x?xf32>) -> tensor<?x8x?x?xf32>
  return %y : tensor<?x8x?x?xf32>
}

// -----

// A grouped convolution with a run-time batch: the groups and the batch are
// both batch dims of the contraction.
// CHECK-LABEL: func.func @grouped_dynamic_batch
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x2x4x3x3x6x6xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4x36xf32>, tensor<?x2x36x36xf32>)
// CHECK: tensor.expand_shape %{{.*}} : tensor<?x2x4x36xf32> into tensor<?x2x4x6x6xf32>
func.func @grouped_dynamic_batch(%x: tensor<?x2x4x8x8xf32>, %w: tensor<2x4x4x3x3xf32>, %init: tensor<?x2x4x6x6xf32>) -> tensor<?x2x4x6x6xf32> {
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<?x2x4x8x8xf32>, tensor<2x4x4x3x3xf32>) outs(%init : tensor<?x2x4x6x6xf32>) -> tensor<?x2x4x6x6xf32>
  return %y : tensor<?x2x4x6x6xf32>
}

// -----

// A depthwise convolution with a run-time batch: a loop over the images,
// each a static batch-1 convolution (which --onnxc-vectorize-depthwise
// takes).
// CHECK-LABEL: func.func @depthwise_dynamic_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8x8xf32>, %[[W:.*]]: tensor<4x3x3xf32>, %[[INIT:.*]]: tensor<?x4x6x6xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[INIT]], %{{.*}} : tensor<?x4x6x6xf32>
// CHECK: %[[R:.*]] = scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (tensor<?x4x6x6xf32>)
// CHECK: %[[XI:.*]] = tensor.extract_slice %[[X]][%[[I]], 0, 0, 0] [1, 4, 8, 8] [1, 1, 1, 1] : tensor<?x4x8x8xf32> to tensor<1x4x8x8xf32>
// CHECK: %[[AI:.*]] = tensor.extract_slice %[[ACC]][%[[I]], 0, 0, 0] [1, 4, 6, 6] [1, 1, 1, 1] : tensor<?x4x6x6xf32> to tensor<1x4x6x6xf32>
// CHECK: %[[C:.*]] = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[XI]], %[[W]] : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>) outs(%[[AI]] : tensor<1x4x6x6xf32>)
// CHECK: %[[U:.*]] = tensor.insert_slice %[[C]] into %[[ACC]][%[[I]], 0, 0, 0] [1, 4, 6, 6] [1, 1, 1, 1]
// CHECK: scf.yield %[[U]]
// CHECK: return %[[R]]
func.func @depthwise_dynamic_batch(%x: tensor<?x4x8x8xf32>, %w: tensor<4x3x3xf32>, %init: tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32> {
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<?x4x8x8xf32>, tensor<4x3x3xf32>) outs(%init : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  return %y : tensor<?x4x6x6xf32>
}

// -----

// A static depthwise convolution is left to --onnxc-vectorize-depthwise.
// CHECK-LABEL: func.func @depthwise_static
// CHECK-NOT: scf.for
// CHECK: linalg.depthwise_conv_2d_nchw_chw
func.func @depthwise_static(%x: tensor<2x4x8x8xf32>, %w: tensor<4x3x3xf32>, %init: tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32> {
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x4x8x8xf32>, tensor<4x3x3xf32>) outs(%init : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}
