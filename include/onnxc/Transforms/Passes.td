//===- Passes.td - Graph passes of onnx-compile -------------*- tablegen -*-===//

#ifndef ONNXC_TRANSFORMS_PASSES_TD
#define ONNXC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ONNXShapeInference : Pass<"onnx-shape-inference", "::mlir::func::FuncOp"> {
  let summary = "Infer static shapes and fold shape computations";
  let description = [{
    Visits the ops of a graph function in order, sets each op's result types
    from its operands (ShapeInferenceOpInterface) and folds the ops whose
    operands are constants, so chains such as Shape -> Gather -> Concat ->
    Reshape become constants and the ops after them get static shapes.
    Dynamic graph inputs (`?`) stay dynamic and propagate. Dead ops are
    removed and the function's result types are updated.

    An op whose operands are all constants and whose results are small
    static tensors (at most 4096 elements each) folds even without a folder
    of its own: ConstantEvaluator lowers it alone with the patterns of
    `--convert-onnx-to-linalg` and interprets the result, so every op with a
    lowering folds (Mod, Where, Cast, Floor, ReduceProd, ...), to the values
    the compiled code would compute. An op it cannot evaluate runs at run
    time.

    Before:

    ```mlir
    %s = "onnx.Shape"(%x) {start = 0 : i64} : (tensor<2x3xf32>) -> tensor<*xi64>
    %y = "onnx.Reshape"(%x, %s) : (tensor<2x3xf32>, tensor<*xi64>) -> tensor<*xf32>
    ```

    After:

    ```mlir
    %c = "onnx.Constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
    %y = "onnx.Reshape"(%x, %c) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
    ```
  }];
  let dependentDialects = ["::onnxc::onnx_ir::ONNXDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ApproximateMath : Pass<"onnxc-approximate-math"> {
  let summary = "Replace f32 tanh, erf, exp, expm1 and logarithms by polynomial approximations";
  let description = [{
    Applies the math dialect's polynomial approximations
    (`populateMathPolynomialApproximationPatterns`, Cephes-style range
    reduction and minimax polynomials) to f32 `math.tanh`, `math.erf`,
    `math.exp`, `math.expm1`, `math.log`, `math.log1p` and `math.log2`, so
    that they become arithmetic instead of libm calls and the loops around
    them vectorize. Other element types and functions keep their libm calls.

    ```mlir
    %y = math.tanh %x : f32
    ```

    becomes a clamp, a rational polynomial in `%x` and selects (arith ops
    only).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def Bufferize : Pass<"onnxc-bufferize", "::mlir::ModuleOp"> {
  let summary = "Bufferize a lowered graph; results become out-parameters";
  let description = [{
    One-shot bufferization of the whole module, function boundaries
    included, with identity layouts at the boundaries so that every argument
    is a dense row-major buffer; copies are `linalg.copy` so that they lower
    with the rest of linalg and need no runtime library. Then every buffer
    result becomes an out-parameter appended after the inputs; a result
    allocated in the function is written in place into the caller's buffer.

    Before:

    ```mlir
    func.func @main_graph(%x: tensor<4xf32>) -> tensor<4xf32>
    ```

    After:

    ```mlir
    func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FoldBatchNorm : Pass<"onnxc-fold-batchnorm", "::mlir::func::FuncOp"> {
  let summary = "Fold inference-mode BatchNormalization into the Conv or Gemm before it";
  let description = [{
    Runs on the onnx dialect. `BatchNormalization` (training_mode 0, running
    statistics unused) whose input is the only use of a `Conv` or `Gemm`
    with constant weights, bias and statistics becomes that op with new
    constants: with s = scale / sqrt(var + epsilon) per output channel,
    W' = W * s and b' = (b - mean) * s + B. Gemm's columns are its channels
    (transB honored; beta folded into the new bias).

    ```mlir
    %c = "onnx.Conv"(%x, %w, %b) : (...) -> tensor<1x16x8x8xf32>
    %y = "onnx.BatchNormalization"(%c, %scale, %beta, %mean, %var) ...
    ```

    becomes

    ```mlir
    %y = "onnx.Conv"(%x, %w_folded, %b_folded) : (...) -> tensor<1x16x8x8xf32>
    ```
  }];
  let dependentDialects = ["::onnxc::onnx_ir::ONNXDialect"];
}

def FoldConstantLayout : Pass<"onnxc-fold-constant-layout", "::mlir::func::FuncOp"> {
  let summary = "Transpose and reshape constant weights at compile time";
  let description = [{
    Runs on the onnx dialect. `Transpose`, `Reshape`, `Flatten`, `Squeeze`
    and `Unsqueeze` whose data is a constant (of any size and of any element
    type of whole bytes) and whose result shape is static become a new
    constant with the moved elements, so no kernel rearranges weights at run
    time and the contraction micro-kernels see a constant to repack. (The
    ops' own folders only fold small constants, for shape computations.)

    ```mlir
    %w = "onnx.Constant"() {value = dense_resource<w> : tensor<768x3072xf32>} ...
    %t = "onnx.Transpose"(%w) {perm = array<i64: 1, 0>} : (tensor<768x3072xf32>) -> tensor<3072x768xf32>
    ```

    becomes

    ```mlir
    %t = "onnx.Constant"() {value = dense_resource<folded_layout> : tensor<3072x768xf32>} ...
    ```
  }];
  let dependentDialects = ["::onnxc::onnx_ir::ONNXDialect"];
}

def FlattenEmptyArguments : Pass<"onnxc-flatten-empty-arguments", "::mlir::ModuleOp"> {
  let summary = "Pass zero-element memref arguments as 1-D memrefs";
  let description = [{
    The bare-pointer calling convention of `--convert-func-to-llvm` has no
    form for a memref with a zero dim other than a 1-D one (an empty graph
    input or output, or an empty tensor a kernel takes). Each such argument
    of a function becomes `memref<0xT>`, expanded back to its shape at the
    function's entry; each call passes its operand collapsed to that type.
    Arguments of other layouts are left alone.

    Before:

    ```mlir
    func.func @main_graph(%x: memref<2x0x3xf32>, %y: memref<4xf32>)
    ```

    After:

    ```mlir
    func.func @main_graph(%flat: memref<0xf32>, %y: memref<4xf32>) {
      %x = memref.expand_shape %flat [[0, 1, 2]] output_shape [2, 0, 3]
          : memref<0xf32> into memref<2x0x3xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def DynamicArguments : Pass<"onnxc-dynamic-arguments", "::mlir::ModuleOp"> {
  let summary = "Pass memrefs with run-time dims as bare pointers and their dims";
  let description = [{
    The bare-pointer calling convention of `--convert-func-to-llvm` needs
    static strides, which a memref with a dynamic dim other than the first
    lacks. Each identity-layout memref argument with a dynamic dim becomes a
    0-d `memref<T>` (its data pointer), rebuilt at the function's entry by a
    `memref.reinterpret_cast` with the identity strides of its sizes.

    The graph function (`graph-function`) follows the compiled model's ABI
    (runtime/include/onnxc/runtime.h): it gains, after every other argument,
    one `memref<Rxi64>` per graph input (the leading arguments without
    `onnxc.output`, `onnxc.output_record` or `onnxc.workspace`) holding that
    input's dims at run time, static inputs included. In other functions
    each such pointer is followed by one `index` argument per dynamic dim
    (so a range function's trailing begin and end stay last), which every
    call passes from `memref.dim` of its operand.

    Before:

    ```mlir
    func.func @main_graph(%x: memref<?x8xf32> {onnx.name = "x"}, ...)
    ```

    After:

    ```mlir
    func.func @main_graph(%p: memref<f32> {onnx.name = "x"}, ...,
                          %x_shape: memref<2xi64>) {
      %n = memref.load %x_shape[%c0] : memref<2xi64>
      %x = memref.reinterpret_cast %p to offset: [0], sizes: [%n0, 8],
          strides: [8, 1] : memref<f32> to memref<?x8xf32>
    ```

    Other layouts with dynamic dims are an error naming the function.
  }];
  let options = [
    Option<"graphFunction", "graph-function", "std::string",
           /*default=*/"\"main_graph\"",
           "The graph function, whose dims come from the inputs' shape arrays">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def LowerRunTimeChecks : Pass<"onnxc-lower-run-time-checks", "::mlir::ModuleOp"> {
  let summary = "Turn cf.assert into a call of the runtime's onnxc_fail";
  let description = [{
    Lowerings emit `cf.assert` where a dim known only at run time must have
    a given value (two dynamic dims of an elementwise op must be equal, a
    MatMul's inner dims must agree). Upstream lowers a failed assert to
    `abort()`; a compiled model must instead return an error. Each
    `cf.assert %ok, "msg"` becomes a branch to a block that calls
    `onnxc_fail("msg")`, which records the message and unwinds to the
    runtime's run call (ONNXC_ERROR_SHAPE_MISMATCH), then `llvm.unreachable`.
    Runs on `cf`-level functions (after `--convert-scf-to-cf`).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

def MapParallelLoopsToGPU
    : Pass<"onnxc-map-parallel-loops-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Map the graph's loops on device buffers to GPU blocks and threads";
  let description = [{
    For the CUDA target, on the bufferized, memory-planned graph function:
    every computation must run on the device, since every buffer (inputs,
    outputs, workspace, weights) is device memory.

    - Each linalg op becomes loops (upstream `linalgOpToParallelLoops`).
      Each top-level `scf.parallel` has its dims collapsed into one
      (upstream `collapseParallelLoops`), is tiled by `block-size` threads
      (upstream `tileParallelLoop`, the last tile guarded by an `scf.if`),
      and is mapped: tiles to `blockIdx.x`, the threads of a tile to
      `threadIdx.x`. Consecutive threads take consecutive iterations of
      the innermost dim, so that their loads and stores coalesce; the
      reduction loops of a linalg op stay sequential in each thread.
    - Any other top-level op that reads or writes memory (a loop without
      parallel dims, such as a reduction to a scalar, or a lone store)
      is wrapped in a one-iteration `scf.parallel` and runs on one thread;
      the scalars it yields come back through a one-element buffer.
      Host loops around kernels (a recurrent op's time loop) stay on the
      host, their bodies mapped.
    - `memref.copy` becomes `linalg.copy` first: its upstream lowering is
      a host `memcpy`.
    - A scalar the host code loads from an input or a constant is
      recomputed in each kernel that uses it. Where the host itself needs
      it (a run-time check, a size computed from tensor values), or when
      it lives in memory the run writes (the memory plan reuses the
      workspace), the runtime copies it to host memory where the code has
      the load (`func.call @onnxc_cuda_read(dst, src, bytes)`, which waits
      for the kernels queued before).
    - Stores to output records (host memory, see `--onnxc-bufferize`) and
      run-time checks (`cf.assert`) stay on the host.

    `--convert-parallel-loops-to-gpu` then turns the mapped loops into
    `gpu.launch`. Pure ops (index arithmetic, constants) and view-like ops
    stay on the host and are passed to the kernels by outlining.

    Before:

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c32) step (%c1, %c1) {
      memref.store %cst, %arg2[%i, %j] : memref<64x32xf32>
    }
    ```

    After (`block-size=256`): one loop over 8 tiles of 256 threads
    (2048 iterations), mapped with `#gpu.loop_dim_map<processor =
    block_x, ...>` and `thread_x`, whose body delinearizes the index.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def MergeGPUModules : Pass<"onnxc-merge-gpu-modules", "::mlir::ModuleOp"> {
  let summary = "Put every outlined kernel into one gpu.module";
  let description = [{
    `--gpu-kernel-outlining` makes a `gpu.module` per kernel, each of which
    becomes its own PTX image that the driver loads separately. The kernels
    of one model move into the first module instead, each renamed after the
    module it came from (names stay unique), and the launches follow: one
    PTX image per model, loaded once per device, which ptxas can check as
    one file. Symbols a kernel module holds besides its kernel (constants
    copied in by outlining) move along, renamed when they clash.

    Before:

    ```mlir
    gpu.module @main_graph_kernel { gpu.func @main_graph_kernel(...) kernel {...} }
    gpu.module @main_graph_kernel_0 { gpu.func @main_graph_kernel(...) kernel {...} }
    gpu.launch_func @main_graph_kernel_0::@main_graph_kernel ...
    ```

    After:

    ```mlir
    gpu.module @main_graph_kernel {
      gpu.func @main_graph_kernel(...) kernel {...}
      gpu.func @main_graph_kernel_0(...) kernel {...}
    }
    gpu.launch_func @main_graph_kernel::@main_graph_kernel_0 ...
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def FlattenGlobals : Pass<"onnxc-flatten-globals", "::mlir::ModuleOp"> {
  let summary = "Store multi-dimensional constant globals as 1-D arrays";
  let description = [{
    Weights become `memref.global` constants; LLVM represents an N-D global
    as nested arrays, one uniqued constant per innermost row, which makes
    translation and object emission of a convolution's weights (innermost
    dimension 3 or 7) take seconds. Each static N-D global becomes a 1-D
    global with the same data, and each `memref.get_global` of it a
    `memref.expand_shape` of the flat one.

    Before:

    ```mlir
    memref.global "private" constant @w : memref<8x3x3x3xf32> = dense_resource<w>
    %0 = memref.get_global @w : memref<8x3x3x3xf32>
    ```

    After:

    ```mlir
    memref.global "private" constant @w : memref<216xf32> = dense_resource<w>
    %flat = memref.get_global @w : memref<216xf32>
    %0 = memref.expand_shape %flat [[0, 1, 2, 3]] output_shape [8, 3, 3, 3]
        : memref<216xf32> into memref<8x3x3x3xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ExternalizeWeights : Pass<"onnxc-externalize-weights", "::mlir::ModuleOp"> {
  let summary = "Read constant globals through a base pointer set at run time";
  let description = [{
    For `--weights=external`: each constant `llvm.mlir.global` whose
    initializer is dense, not a splat, of byte-sized elements and at least
    `min-bytes` long gets a 64-byte aligned offset in the weights data
    (`onnxc.weights_offset`), and each `llvm.mlir.addressof` of it becomes
    that offset from the pointer in `@onnxc_weights_base`, loaded once per
    function (an invariant load: the runtime sets it before the first run
    and never while one runs). The globals keep their data, now unused, for
    the writer of the weights file (lib/Target/CPU), which erases them; the
    module gets `onnxc.weights_bytes`, the data's size. Splats stay
    embedded: LLVM stores them as zero-initialized or tiny data.

    Before:

    ```mlir
    llvm.mlir.global private constant @w(dense_resource<w> : tensor<512xf32>) : !llvm.array<512 x f32>
    %0 = llvm.mlir.addressof @w : !llvm.ptr
    ```

    After:

    ```mlir
    llvm.mlir.global internal @onnxc_weights_base() : !llvm.ptr
    llvm.mlir.global private constant @w(...) {onnxc.weights_offset = 0 : i64} : ...
    %b = llvm.mlir.addressof @onnxc_weights_base : !llvm.ptr
    %base = llvm.load %b invariant : !llvm.ptr -> !llvm.ptr
    %0 = llvm.getelementptr %base[0] : (!llvm.ptr) -> !llvm.ptr, i8
    ```
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"64",
           "Constants smaller than this stay embedded in the code">,
    Option<"baseArgument", "base-argument", "std::string", /*default=*/"\"\"",
           "Read the constants through a new last argument of this function "
           "(the CUDA target's device copy of the weights) instead of "
           "@onnxc_weights_base; splats move too, and any other function "
           "that reads a constant is an error">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ByteGlobals : Pass<"onnxc-byte-globals", "::mlir::ModuleOp"> {
  let summary = "Store constant globals of bools as one byte per element";
  let description = [{
    Runs on the LLVM dialect, before the module is translated (and before
    `--onnxc-externalize-weights`). A constant `llvm.mlir.global` whose
    value holds i1 elements becomes an array of i8 with one byte (0 or 1)
    per element: what an i1 occupies in memory, so the loads of the code,
    which reach the global through an opaque pointer, read the same values.
    LLVM has no packed constant data of i1, so translating a large bool
    initializer (a resource blob) failed with "no known conversion for
    innermost element type"; as bytes it translates like any other weight
    and can move to the external weights file.

    ```mlir
    llvm.mlir.global private constant @mask(dense_resource<mask> : tensor<4096xi1>) : !llvm.array<4096 x i1>
    ```

    becomes

    ```mlir
    llvm.mlir.global private constant @mask(dense_resource<mask_bytes> : tensor<4096xi8>) : !llvm.array<4096 x i8>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CollapseDimensions : Pass<"onnxc-collapse-dims", "::mlir::func::FuncOp"> {
  let summary = "Iterate the contiguous dims of elementwise generics as one loop";
  let description = [{
    Runs on linalg on tensors. An all-parallel `linalg.generic` has its
    consecutive loops grouped wherever every indexing map keeps the group
    contiguous and in order (a group holds at most one loop of a size known
    only at run time: upstream's `--expand-strided-metadata` cannot expand
    two back), and is rewritten over the
    grouped space with reshapes around it (upstream
    `linalg::collapseOpIterationDims`). Inner loops get long enough to
    vectorize: a 14x14 plane is one 196-iteration loop. Generics that
    consume a contraction's or convolution's result keep their dims (they
    are epilogue candidates of `--onnxc-vectorize-contractions`).

    ```mlir
    %y = linalg.generic {indexing_maps = [(n, c, h, w) -> (n, c, h, w), (n, c, h, w) -> (c), ...]}
        ins(%x, %scale : tensor<1x288x14x14xf32>, tensor<288xf32>) ...
    ```

    becomes a generic over `(n, c, hw)` on `tensor<1x288x196xf32>` between a
    `tensor.collapse_shape` and a `tensor.expand_shape`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ContiguousInnerLoop : Pass<"onnxc-contiguous-inner-loop", "::mlir::func::FuncOp"> {
  let summary = "Order linalg loops so the innermost one walks the output contiguously";
  let description = [{
    Named linalg ops loop in the order of their definition: a convolution's
    innermost loop runs over the 3 or 7 taps of the kernel width, a matmul's
    over the reduction. Neither vectorizes. This pass generalizes each
    linalg op whose output's last dimension is a parallel loop that is not
    innermost, and indexes no other dimension of any operand, and moves that
    loop innermost, keeping the others in order, so
    that loads and stores of the innermost loop are unit-stride and LLVM's
    loop vectorizer can use the full vector width. Every output element
    still accumulates its reduction in the same order: results are
    bit-identical.

    Before (linalg.matmul as loops m, n, k):

    ```mlir
    linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x128xf32>)
                  outs(%c : memref<64x128xf32>)
    ```

    After (loops m, k, n):

    ```mlir
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                     affine_map<(d0, d1, d2) -> (d1, d2)>,
                                     affine_map<(d0, d1, d2) -> (d0, d2)>],
                    iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%a, %b : ...) outs(%c : ...) { ... }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ConvToIm2Col : Pass<"onnxc-conv-to-im2col", "::mlir::func::FuncOp"> {
  let summary = "Rewrite NCHW convolutions as a patch gather and a contraction";
  let description = [{
    Runs on linalg on tensors. Each f32 `linalg.conv_2d_nchw_fchw` (and
    grouped `linalg.conv_2d_ngchw_gfchw`) with static shapes becomes a
    `linalg.generic` that gathers the input patches into
    `[N, (G,) C, KH, KW, OH, OW]` (affine indexing without division; its
    innermost loop walks an input row), viewed as `[N, (G,) C*KH*KW, OH*OW]`,
    and a contraction of the flattened filter `[(G,) F, C*KH*KW]` with it.
    A 1x1 convolution with unit stride has no gather: the contraction reads
    the input as `[N, C, H*W]`. The contraction's N dimension is the whole
    output plane, which `--onnxc-vectorize-contractions` tiles by vectors.
    Other element types of the ungrouped form use upstream
    `linalg::rewriteInIm2Col`. A convolution whose batch is known only at
    run time (the other dims static) becomes an `scf.for` over the images
    of this rewrite at batch 1; a depthwise one becomes such a loop of
    static batch-1 depthwise convolutions, which
    `--onnxc-vectorize-depthwise` then takes.

    ```mlir
    %y = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x16x7x7xf32>, tensor<32x16x1x1xf32>) ...
    ```

    becomes

    ```mlir
    %xf = tensor.collapse_shape %x [[0], [1], [2, 3]] : tensor<1x16x7x7xf32> into tensor<1x16x49xf32>
    %wf = tensor.collapse_shape %w [[0], [1, 2, 3]] : tensor<32x16x1x1xf32> into tensor<32x16xf32>
    %p = linalg.generic {... (n, f, p, k) ...} ins(%wf, %xf : ...) outs(...)
    %y = tensor.expand_shape %p [[0], [1], [2, 3]] ...
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FuseElementwise : Pass<"onnxc-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse chains of elementwise linalg.generic ops on tensors";
  let description = [{
    Runs on linalg on tensors. An all-parallel `linalg.generic` whose result
    has one user, another elementwise generic, is fused into it (upstream
    `linalg::populateElementwiseOpsFusionPatterns`): a convolution's bias
    add, its activation and a residual add become one generic, one pass
    over memory, and after bufferization one epilogue that
    `--onnxc-vectorize-contractions` applies before the contraction's store.
    Producers with other users are not fused (they would be computed twice).

    ```mlir
    %b = linalg.generic {...} ins(%conv, %bias : ...) outs(%e0 : ...) { addf }
    %r = linalg.generic {...} ins(%b : ...) outs(%e1 : ...) { maximumf }
    ```

    becomes

    ```mlir
    %r = linalg.generic {...} ins(%conv, %bias : ...) outs(%e1 : ...) { addf; maximumf }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def OutlineKernels : Pass<"onnxc-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Move each top-level computation of a graph into its own function";
  let description = [{
    Runs on bufferized graph functions (after `--onnxc-plan-memory`). Each
    top-level op with memory effects and no results (a linalg op, a loop)
    moves into a private function `@<graph>_kernel<N>` (marked
    `onnxc.kernel`) that takes the graph
    arguments it reads or writes; the views, casts, globals and constants
    that address its buffers are cloned into it. The graph function becomes
    a sequence of calls.

    One function per computation keeps LLVM's optimizations linear in the
    model size (one function holding a whole DenseNet makes dominator and
    scalar-evolution updates take minutes) and gives later passes a unit to
    schedule and parallelize.
  }];
  let options = [
    Option<"graphFunction", "graph-function", "std::string",
           /*default=*/"\"main_graph\"", "The graph function to split">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def ParallelizeKernels : Pass<"onnxc-parallelize-kernels", "::mlir::ModuleOp"> {
  let summary = "Give each kernel whose outer loop is parallel a range form";
  let description = [{
    Runs after `--onnxc-outline-kernels` and
    `--convert-linalg-to-parallel-loops`. For a kernel (`onnxc.kernel`)
    whose one computation is an `scf.parallel` with constant bounds, the
    parallel iteration space is linearized: a new function `@<kernel>_range`
    takes the kernel's arguments and a `[begin, end)` range of linear
    iterations and runs them as an `scf.for` that delinearizes the indices.
    The kernel itself becomes a call of its range function over the whole
    space. When the body has no loops of its own (elementwise work), the
    innermost dims stay serial `scf.for` loops inside each linear iteration
    until they run at least 64 iterations, so that they vectorize. The range
    function carries a grain (`passthrough` attribute `onnxc-grain`): the
    fewest iterations worth one chunk, from the operations an iteration runs
    and `min-chunk-work`; kernels whose whole space is one grain stay serial.

    A kernel whose computation is serial (the time loop of a recurrent op)
    gets a range function `@<kernel>_range<N>` for each parallel loop inside
    it whose operands are the kernel's arguments and constants (not values
    of the serial loop), called where the loop was: each step's product is
    then split over the threads too. Iterations of an `scf.parallel` write disjoint elements, so any
    split of the range may run on different threads: the CPU target turns
    that call into `onnxc_parallel_for` of the runtime's thread pool.

    ```mlir
    func.func private @main_graph_kernel0(%x: memref<4x8xf32>, %y: memref<4x8xf32>)
        attributes {onnxc.kernel} {
      call @main_graph_kernel0_range(%x, %y, %c0, %c32) : ...
      return
    }
    func.func private @main_graph_kernel0_range(%x: memref<4x8xf32>, %y: memref<4x8xf32>,
                                                %begin: index, %end: index) {
      scf.for %i = %begin to %end step %c1 {
        %i0 = arith.divui %i, %c8 : index
        %i1 = arith.remui %i, %c8 : index
        ...
      }
      return
    }
    ```
  }];
  let options = [
    Option<"minIterations", "min-iterations", "int64_t", /*default=*/"2",
           "Kernels with fewer parallel iterations stay serial">,
    Option<"minChunkWork", "min-chunk-work", "int64_t", /*default=*/"32768",
           "Estimated operations below which a chunk is not worth a thread; "
           "kernels with less work in all stay serial">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
}

def PlanMemory : Pass<"onnxc-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "Place every intermediate buffer in one workspace argument";
  let description = [{
    Runs on a bufferized graph function whose results were turned into
    out-parameters. Every `memref.alloc` (static shape, identity layout) gets
    a live range over the function's top-level ops, following the buffer
    through its aliases (views, casts, loop results); buffers whose ranges
    overlap never share bytes. Buffers are placed largest first at the lowest
    aligned offset that is free for their whole range. The function gains a
    trailing `memref<Nxi8>` workspace argument, each alloc becomes a
    `memref.view` into it, and `onnxc.workspace_bytes` records N.

    A buffer allocated inside a loop body is live for the whole loop op; a
    buffer that escapes its iteration through a yield is rejected with an
    error at the allocation.

    Buffers sized at run time from the function's arguments alone (the
    input dims) are planned at run time: their sizes are computed at the
    entry, buffers whose live ranges are disjoint share a slot as large as
    its largest buffer, one `memref.alloc {onnxc.dynamic_workspace}` holds
    the slots, each buffer is a `memref.view` into it, and it is freed
    before the return. A function `<graph>_workspace {onnxc.shape_function}`
    of the graph's inputs returns the same size (the runtime's workspace
    query). Before a run-time buffer is allocated, its sizes are checked:
    a negative one, or bytes past 2^56 (a shape taken from input values that
    would wrap 64 bits), fails the run naming the node. A buffer sized by a
    value read from memory stays an allocation
    (without its alignment: the runtime's allocator aligns), freed after
    the last op of its block that uses it; an output's (`onnxc.output`) is
    the caller's.

    Before:

    ```mlir
    func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32>) {
      %t = memref.alloc() : memref<4xf32>
      ...
    }
    ```

    After:

    ```mlir
    func.func @main_graph(%x: memref<4xf32>, %y: memref<4xf32>,
                          %ws: memref<64xi8> {onnxc.workspace})
        attributes {onnxc.workspace_bytes = 64 : i64} {
      %c0 = arith.constant 0 : index
      %t = memref.view %ws[%c0][] : memref<64xi8> to memref<4xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "unsigned", /*default=*/"64",
           "Byte alignment of every buffer in the workspace">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::memref::MemRefDialect"];
}

def ReassociateReductions : Pass<"onnxc-reassociate-reductions", "::mlir::func::FuncOp"> {
  let summary = "Let floating-point reductions be vectorized in any order";
  let description = [{
    The float combining ops (`arith.addf`, `mulf`, `maximumf`, `minimumf`,
    `maxnumf`, `minnumf`) in the bodies of linalg ops with reduction loops
    get the `reassoc` fast-math flag, which LLVM's loop vectorizer needs to
    keep partial sums in vector lanes (softmax's sum, the means of
    normalizations, Reduce*). The result differs from a sequential sum by
    rounding only.

    ```mlir
    %s = arith.addf %in, %acc : f32
    ```

    becomes

    ```mlir
    %s = arith.addf %in, %acc fastmath<reassoc> : f32
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def VectorizeContractions : Pass<"onnxc-vectorize-contractions", "::mlir::ModuleOp"> {
  let summary = "Register-tiled, vectorized micro-kernels for f32 contractions on buffers";
  let description = [{
    Runs on bufferized code (after `--onnxc-outline-kernels`). Each f32
    linalg contraction with static shapes, one M, one N and one K loop (plus
    batch loops), whose output is contiguous along N, becomes an
    `scf.parallel` over Mr x Nr output tiles. Each tile is the BLIS
    micro-kernel: Mr x Nr/lanes accumulator vectors live in registers for the
    whole K loop; per k, Nr/lanes vectors of B are loaded, Mr scalars of A
    broadcast and Mr x Nr/lanes `vector.fma` issued. The register tile is
    chosen from the vector width and register count (`vector-bits`,
    `vector-registers`, set by the driver from `--cpu`) and, where possible,
    so that Mr divides M. Row and column remainders are separate static
    variants; the last partial vector is masked.

    A constant B (a weight global) is repacked at compile time into
    ceil(N/Nr) zero-padded panels of K x Nr contiguous floats, whatever its
    layout (this also folds a transposed B), and the original global is
    dropped when nothing else reads it.

    ```mlir
    linalg.matmul ins(%a, %w : memref<64x256xf32>, memref<256x1024xf32>)
                  outs(%c : memref<64x1024xf32>)
    ```

    becomes (512-bit vectors, 32 registers: 8 x 48 tiles)

    ```mlir
    %wp = memref.get_global @w_packed48_kn : memref<270336xf32>
    scf.parallel (%m, %n) = (%c0, %c0) to (%c64, %c1024) step (%c8, %c48) {
      %acc = vector.load %c[%m, %n] : memref<64x1024xf32>, vector<16xf32>
      ...
      %r:24 = scf.for %k = %c0 to %c256 step %c1 iter_args(...) {
        %b0 = vector.load %wp[...] : memref<270336xf32>, vector<16xf32>
        %a0 = memref.load %a[%m, %k] : memref<64x256xf32>
        %s0 = vector.broadcast %a0 : f32 to vector<16xf32>
        %f0 = vector.fma %s0, %b0, %acc : vector<16xf32>
        ...
      }
      vector.store %r#0, %c[%m, %n] : memref<64x1024xf32>, vector<16xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"256",
           "Width of one vector register in bits">,
    Option<"vectorRegisters", "vector-registers", "int64_t", /*default=*/"16",
           "Number of vector registers">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def VectorizeDepthwise : Pass<"onnxc-vectorize-depthwise", "::mlir::ModuleOp"> {
  let summary = "Direct, register-blocked vector kernels for depthwise convolutions";
  let description = [{
    Runs on bufferized code. Each f32 `linalg.depthwise_conv_2d_nchw_chw`
    with static shapes becomes an `scf.parallel` over (n, c, blocks of R
    output rows). Per block, R x V accumulator vectors (V vectors of
    `vector-bits` / 32 lanes cover an output row, the last one masked) stay
    in registers while the KH x KW taps are unrolled: each tap broadcasts
    its weight and issues one `vector.fma` per accumulator with the input
    row segment it reads (a strided convolution loads the whole span and
    keeps every stride-th element with a `vector.shuffle`). R divides OH
    and R x V uses at most 3/4 of `vector-registers`.

    ```mlir
    linalg.depthwise_conv_2d_nchw_chw {strides = dense<1> : tensor<2xi64>, ...}
        ins(%x, %w : memref<1x240x18x18xf32>, memref<240x5x5xf32>)
        outs(%y : memref<1x240x14x14xf32>)
    ```

    becomes (16 lanes: one masked vector per 14-wide row, 7 rows a block)

    ```mlir
    scf.parallel (%n, %c, %r) = (%c0, %c0, %c0) to (%c1, %c240, %c14) step (%c1, %c1, %c7) {
      %m = vector.constant_mask [14] : vector<16xi1>
      %a0 = vector.maskedload %y[%n, %c, %r, %c0], %m, %zero : ...
      ...
      %w00 = memref.load %w[%c, %c0, %c0] : memref<240x5x5xf32>
      %b00 = vector.broadcast %w00 : f32 to vector<16xf32>
      %x00 = vector.maskedload %x[%n, %c, %r, %c0], %m, %zero : ...
      %f00 = vector.fma %b00, %x00, %a0 : vector<16xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"256",
           "Width of one vector register in bits">,
    Option<"vectorRegisters", "vector-registers", "int64_t", /*default=*/"16",
           "Number of vector registers">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // ONNXC_TRANSFORMS_PASSES_TD
