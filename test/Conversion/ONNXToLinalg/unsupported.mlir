// RUN: onnx-opt %s --convert-onnx-to-linalg --verify-diagnostics

// Every op without a lowering is listed with its node name; the ops that
// have one are still lowered (TopK with a K known only at run time, checked
// against its results' static size; Resize's tf_crop_and_resize has no
// lowering).
// expected-error @+1 {{1 op(s) have no lowering to linalg yet:}}
func.func @not_yet(%x: tensor<2x8xf32>, %k: tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x10xf32>) {
  %sizes = "onnx.Constant"() {value = dense<[2, 10]> : tensor<2xi64>} : () -> tensor<2xi64>
  %none = "onnx.NoValue"() : () -> none
  %r = "onnx.Relu"(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %v, %i = "onnx.TopK"(%r, %k) : (tensor<2x8xf32>, tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>) loc("topk_0")
  %c = "onnx.Resize"(%x, %none, %none, %sizes) {coordinate_transformation_mode = "tf_crop_and_resize"} : (tensor<2x8xf32>, none, none, tensor<2xi64>) -> tensor<2x10xf32> loc("resize_1")
  return %v, %c : tensor<2x3xf32>, tensor<2x10xf32>
}
