//===- Passes.td - Conversions out of the onnx dialect ------*- tablegen -*-===//

#ifndef ONNXC_CONVERSION_PASSES_TD
#define ONNXC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertONNXToLinalg : Pass<"convert-onnx-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower onnx ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites shape-inferred onnx ops into destination-style ops on tensors:
    elementwise ops (with ONNX multidirectional broadcasting) into
    `linalg.generic`, constants into `arith.constant`. Runs after
    `--onnx-shape-inference`; every result must be ranked. Ops without a
    lowering yet are reported together, each with its node name.

    Before:

    ```mlir
    %y = "onnx.Add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```

    After:

    ```mlir
    %e = tensor.empty() : tensor<2x3xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%a, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
      ^bb0(%x: f32, %z: f32, %out: f32):
        %s = arith.addf %x, %z : f32
        linalg.yield %s : f32
    } -> tensor<2x3xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // ONNXC_CONVERSION_PASSES_TD
