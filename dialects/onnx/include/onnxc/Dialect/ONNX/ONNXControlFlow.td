//===- ONNXControlFlow.td - If, Loop, Scan and Yield --------*- tablegen -*-===//
//
// The ops with subgraphs. Written by hand, not generated: a GRAPH attribute
// of the schema is a region here, whose block arguments are the subgraph's
// inputs and whose onnx.Yield returns the subgraph's outputs. Subgraphs read
// values of the enclosing graph directly (the ops are not isolated from
// above), which is what ONNX's outer-scope names mean.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_DIALECT_ONNX_ONNXCONTROLFLOW_TD
#define ONNXC_DIALECT_ONNX_ONNXCONTROLFLOW_TD

include "onnxc/Dialect/ONNX/ONNXBase.td"

def ONNX_YieldOp : ONNX_Op<"Yield", [Pure, Terminator,
    ParentOneOf<["IfOp", "LoopOp", "ScanOp"]>]> {
  let summary = "The outputs of a subgraph";
  let description = [{
    Terminates the region of an onnx.If, onnx.Loop or onnx.Scan with the
    subgraph's outputs, in the order of the GraphProto's `output` list.
  }];
  let arguments = (ins Variadic<AnyTensor>:$outputs);
}

def ONNX_IfOp : ONNX_Op<"If", [RecursiveMemoryEffects, NoRegionArguments,
    DeclareOpInterfaceMethods<ONNXShapeInferenceOpInterface>]> {
  let summary = "Runs one of two subgraphs, chosen by a boolean";
  let description = [{
    ONNX operator `If` (ai.onnx, since-versions 1, 11, 13, 16, 19, 21;
    the tensor forms). `cond` is a bool tensor of one element; the results
    are the outputs of `then_branch` when it is true, else of
    `else_branch`. Both branches yield one value per result with the same
    element type and rank; a dim that differs between the branches is
    dynamic in the result.

    ```mlir
    %r = "onnx.If"(%c) ({
      "onnx.Yield"(%a) : (tensor<2xf32>) -> ()
    }, {
      "onnx.Yield"(%b) : (tensor<2xf32>) -> ()
    }) : (tensor<i1>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins TensorOf<[I1]>:$cond);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let regions = (region SizedRegion<1>:$then_branch,
                        SizedRegion<1>:$else_branch);
  let hasVerifier = 1;
}

def ONNX_LoopOp : ONNX_Op<"Loop", [RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<ONNXShapeInferenceOpInterface>]> {
  let summary = "Runs a subgraph while a trip count and a condition allow";
  let description = [{
    ONNX operator `Loop` (ai.onnx, since-versions 1, 11, 13, 16, 19, 21;
    the tensor forms). Iteration `i` (from 0) runs while `i < M` (when `M`
    is given) and the condition holds (`cond`, then the body's first
    output; true when `cond` is absent). The body's condition is honored
    even when `cond` is absent, as onnxruntime does (the spec's table reads
    it as ignored then).

    The body's block arguments are the iteration number (an int64 tensor
    of one element), the condition (a bool tensor of one element) and the
    N loop-carried values, initially `v_initial`. It yields the next
    condition, the N next carried values and K scan outputs. The results
    are the N final carried values (`v_initial` when no iteration runs)
    and the K scan outputs stacked along a new first axis, one row per
    iteration that ran. A carried value may change its shape between
    iterations (a sequence that grows): its dims are then dynamic.

    ```mlir
    %y, %scan = "onnx.Loop"(%m, %cond, %x) ({
    ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
      %n = "onnx.Add"(%v, %v) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      "onnx.Yield"(%c, %n, %n) : (tensor<i1>, tensor<2xf32>, tensor<2xf32>) -> ()
    }) : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>)
    ```
  }];
  let arguments = (ins ONNX_Optional<TensorOf<[I64]>>:$M,
                       ONNX_Optional<TensorOf<[I1]>>:$cond,
                       Variadic<AnyTensor>:$v_initial);
  let results = (outs Variadic<AnyTensor>:$v_final_and_scan_outputs);
  let regions = (region SizedRegion<1>:$body);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Checks the body's inputs and outputs against the operands, not the
    /// results (which inferShapes() sets from them).
    ::mlir::LogicalResult verifyStructure();
    /// Sets the types of the body's loop-carried inputs to those of
    /// `v_initial` (what the first iteration gets).
    void initializeBodyArguments();
    /// The number of loop-carried values (N).
    unsigned getNumCarried() { return getVInitial().size(); }
    /// The number of scan outputs (K).
    unsigned getNumScanOutputs() { return getNumResults() - getNumCarried(); }
  }];
}

def ONNX_ScanOp : ONNX_Op<"Scan", [RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<ONNXShapeInferenceOpInterface>]> {
  let summary = "Runs a subgraph over slices of its scan inputs";
  let description = [{
    ONNX operator `Scan` (ai.onnx, since-versions 9, 11, 16, 19, 21;
    the unbatched form). The operands are N initial states then M =
    `num_scan_inputs` scan inputs, all of the same length L along their
    scan axis (`scan_input_axes`, default 0). Iteration `t` runs the body
    on the states and on slice `t` of each scan input (slice `L-1-t` for a
    `scan_input_directions` entry of 1), which has the axis removed. The
    body yields the N next states and K scan output slices. The results are
    the N final states and the K scan outputs, the slices stacked along
    `scan_output_axes` (default 0) in iteration order, or in reverse order
    for a `scan_output_directions` entry of 1.

    ```mlir
    %s, %ys = "onnx.Scan"(%init, %xs) ({
    ^bb0(%acc: tensor<2xf32>, %x: tensor<2xf32>):
      %n = "onnx.Add"(%acc, %x) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      "onnx.Yield"(%n, %n) : (tensor<2xf32>, tensor<2xf32>) -> ()
    }) {num_scan_inputs = 1 : i64} : (tensor<2xf32>, tensor<3x2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>)
    ```
  }];
  let arguments = (ins Variadic<AnyTensor>:$initial_state_and_scan_inputs,
                       ONNX_I64Attr:$num_scan_inputs,
                       OptionalAttr<DenseI64ArrayAttr>:$scan_input_axes,
                       OptionalAttr<DenseI64ArrayAttr>:$scan_input_directions,
                       OptionalAttr<DenseI64ArrayAttr>:$scan_output_axes,
                       OptionalAttr<DenseI64ArrayAttr>:$scan_output_directions);
  let results = (outs Variadic<AnyTensor>:$final_state_and_scan_outputs);
  let regions = (region SizedRegion<1>:$body);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Checks the body, the attributes and the counts, not the results'
    /// types (which inferShapes() sets from them).
    ::mlir::LogicalResult verifyStructure();
    /// Sets the types of the body's inputs from the operands: the initial
    /// states, and the scan inputs without their scan axis. Fails, after an
    /// error, on a scan axis out of range or scan inputs of different
    /// lengths.
    ::mlir::LogicalResult initializeBodyArguments();
    /// The number of iterations when the scan inputs' types give it, else
    /// ShapedType::kDynamic.
    int64_t getStaticLength();
    /// The number of states (N).
    unsigned getNumStates() {
      return getInitialStateAndScanInputs().size() - getNumScanInputs();
    }
    /// The number of scan outputs (K).
    unsigned getNumScanOutputs() { return getNumResults() - getNumStates(); }
    /// Entry `i` of an ints attribute of the op, or `fallback` when absent.
    static int64_t getEntry(std::optional<llvm::ArrayRef<int64_t>> values,
                            unsigned i, int64_t fallback) {
      return values && i < values->size() ? (*values)[i] : fallback;
    }
  }];
}

#endif // ONNXC_DIALECT_ONNX_ONNXCONTROLFLOW_TD
