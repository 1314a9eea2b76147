"""End-to-end checks for the tests: a model built with onnx.helper is
compiled by onnx-compile into a shared library, run through the runtime's
generic API (compiled_model.py) and compared with onnxruntime, output by
output, with a tolerance per element type.

    problem = e2e.check(workdir, name, model, inputs)   # None when it matches

numpy has no bfloat16: a bfloat16 input is given as e2e.bfloat16(values)
(uint16 bit patterns that make_model declares BFLOAT16), and bfloat16
outputs come back as bit patterns. Where onnxruntime has no kernel for an
(op, type) pair, `reference` names an equivalent model it can run (the same
graph computed in a wider type, say) and `tolerance` the (rtol, atol) that
comparison allows.
"""
import os
import subprocess

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper

import cuda_tools
from compiled_model import CompiledModel

# (rtol, atol) per element type; integer and bool outputs must be exact.
TOLERANCES = {np.float32: (1e-4, 1e-5), np.float16: (1e-2, 1e-3), np.float64: (1e-9, 1e-12)}

# ONNXC_E2E_TARGET=cuda: every case is compiled with --target=cuda. On a
# machine with a GPU (utils/gpu-check) it runs there and is compared as on
# the CPU, float32 within a relative 1e-3 (the GPU's kernels sum in other
# orders and its math functions are libdevice's); without one, a case
# passes when its library builds, cubins included: ptxas assembles its
# kernels' PTX for every arch of cuda_tools.PTXAS_ARCHS.
#
# ONNXC_E2E_TARGET=gpu-mapping-on-cpu: compiled with onnx-compile's
# --gpu-mapping-on-cpu, the loops mapped to blocks and threads as for the
# GPU and run serially on the CPU: the mapping's numerics without a GPU.
TARGET = os.environ.get("ONNXC_E2E_TARGET", "cpu")
if TARGET not in ("cpu", "cuda", "gpu-mapping-on-cpu"):
    raise SystemExit(f"ONNXC_E2E_TARGET={TARGET}: expected cpu, cuda or gpu-mapping-on-cpu")
ON_GPU = TARGET == "cuda" and cuda_tools.gpu_count() > 0
if TARGET == "cuda":
    TOLERANCES[np.float32] = (1e-3, 1e-5)


class CompiledOnly(Exception):
    """--target=cuda without a GPU: the case compiled and its PTX
    assembled; there is nothing to run it on."""


# What onnx-compile --target=cuda says of a model whose buffers or loops
# are sized by tensor values (NonZero's output, a Reshape to a shape given
# as an input), which the CUDA target does not compile yet: such cases are
# counted apart ("skipped"), not failed.
CUDA_STATIC_ONLY = "the CUDA target cannot size buffers or loops from tensor values yet"
SKIPPED = []


def _skipped(name, error):
    """Whether `error` of case `name` is the CUDA target's refusal of run-
    time shapes (recorded in SKIPPED)."""
    if TARGET != "cpu" and CUDA_STATIC_ONLY in str(error):
        SKIPPED.append(name)
        return True
    return False
BFLOAT16_TOLERANCE = (2e-2, 1e-2)


class BFloat16Bits(np.ndarray):
    """The uint16 bit patterns of a bfloat16 tensor."""


def bfloat16(values):
    """`values` rounded to the nearest bfloat16 (ties to even)."""
    bits = np.asarray(values, np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return np.asarray(rounded.astype(np.uint16)).view(BFloat16Bits)


def bfloat16_to_float(bits):
    return (np.asarray(bits).astype(np.uint32) << 16).view(np.float32)


def tensor_type(array):
    """The ONNX element type of an input array."""
    if isinstance(array, BFloat16Bits):
        return onnx.TensorProto.BFLOAT16
    return helper.np_dtype_to_tensor_dtype(array.dtype)


def make_model(name, nodes, inputs, outputs, inits=(), opset=17):
    """A model whose graph inputs take the dtypes and shapes of `inputs`
    (name -> array) and whose outputs are inferred."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(k, tensor_type(v), v.shape) for k, v in inputs.items()],
        [helper.ValueInfoProto(name=o) for o in outputs], list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def compile_model(path, output, extra=()):
    """onnx-compile PATH -o OUTPUT; raises RuntimeError with its message.
    For ONNXC_E2E_TARGET=cuda without a GPU, raises CompiledOnly once the
    library (with cubins: ptxas accepted the PTX) is written."""
    if TARGET == "cuda":
        extra = ["--target=cuda", *extra, *cuda_tools.compile_flags()]
    elif TARGET == "gpu-mapping-on-cpu":
        extra = ["--gpu-mapping-on-cpu", *extra]
    out = subprocess.run(["onnx-compile", path, "-o", output, *extra], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr.strip())
    if TARGET == "cuda" and not ON_GPU:
        raise CompiledOnly()


def compare(got, want, bfloat16=False, tolerance=None):
    """None if `got` matches onnxruntime's `want`, else what differs.
    `tolerance` overrides the (rtol, atol) of float outputs."""
    want = np.asarray(want)
    if got.shape != want.shape:
        return f"shape {got.shape}, expected {want.shape}"
    if bfloat16:
        rtol, atol = tolerance or BFLOAT16_TOLERANCE
        got = bfloat16_to_float(got)
        want = bfloat16_to_float(want) if want.dtype == np.uint16 else want.astype(np.float32)
    elif want.dtype.type in TOLERANCES:
        rtol, atol = tolerance or TOLERANCES[want.dtype.type]
    else:
        if got.dtype != want.dtype:
            return f"element type {got.dtype}, expected {want.dtype}"
        if not np.array_equal(got, want):
            bad = np.argwhere(got != want)[0]
            return f"differs at {tuple(bad)}: {got[tuple(bad)]} vs {want[tuple(bad)]}"
        return None
    if got.dtype != want.dtype and not bfloat16:
        return f"element type {got.dtype}, expected {want.dtype}"
    g, w = got.astype(np.float64), want.astype(np.float64)
    close = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        return f"max abs error {np.max(np.abs(g - w)[~close]):.3g} (rtol {rtol}, atol {atol})"
    return None


def _output_types(model):
    inferred = onnx.shape_inference.infer_shapes(model)
    return [o.type.tensor_type.elem_type for o in inferred.graph.output]


def run_onnxruntime(model, inputs):
    """`model`'s outputs from onnxruntime, bfloat16 ones as float32 (which
    holds every bfloat16 exactly): onnxruntime hands no bfloat16 to numpy."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    for i, elem_type in enumerate(_output_types(model)):
        if elem_type == onnx.TensorProto.BFLOAT16:
            name = graph.output[i].name
            graph.node.append(helper.make_node("Cast", [name], [name + "_as_float"],
                                               to=onnx.TensorProto.FLOAT))
            graph.output[i].CopyFrom(helper.ValueInfoProto(name=name + "_as_float"))
    feeds = {k: ort.OrtValue.ortvalue_from_numpy_with_onnx_type(np.asarray(v), tensor_type(v))
             for k, v in inputs.items()}
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def check(workdir, name, model, inputs, extra_flags=(), reference=None, tolerance=None):
    """Compiles and runs `model` on `inputs`; None if every output matches
    onnxruntime running `reference` (default: `model`), else a one-line
    description of the first problem."""
    path = os.path.join(workdir, name + ".onnx")
    library = os.path.join(workdir, name + ".so")
    onnx.save(model, path)
    reference = reference or model
    try:
        want = run_onnxruntime(reference, inputs)
    except Exception as e:  # onnxruntime raises its own exception types
        return "onnxruntime: " + str(e).splitlines()[0]
    want_bf16 = [t == onnx.TensorProto.BFLOAT16 for t in _output_types(reference)]
    try:
        compile_model(path, library, extra_flags)
        compiled = CompiledModel(library)
        got = compiled.run(inputs)
    except CompiledOnly:
        return None
    except (RuntimeError, OSError) as e:  # OSError: the library does not load
        if _skipped(name, e):
            return None
        return str(e).splitlines()[0] if str(e) else "failed"
    if len(got) != len(want):
        return f"{len(got)} outputs, expected {len(want)}"
    for (out_name, code, _), g, w, is_bf16 in zip(compiled.outputs, got, want, want_bf16):
        if (code == 16) != is_bf16:
            return f"output '{out_name}': element type code {code}, expected " + \
                ("bfloat16" if is_bf16 else str(w.dtype))
        problem = compare(g, w, is_bf16, tolerance)
        if problem:
            return f"output '{out_name}': {problem}"
    return None


def run_cases(workdir, cases):
    """Checks every (name, model, inputs) or (name, model, inputs, options)
    case, options being check()'s keyword arguments; prints failures and a
    summary and returns the process exit code."""
    os.makedirs(workdir, exist_ok=True)
    failures = 0
    for name, model, inputs, *options in cases:
        problem = check(workdir, name, model, inputs, **(options[0] if options else {}))
        if problem:
            failures += 1
            print(f"FAIL {name}: {problem}")
    skipped = f" ({len(SKIPPED)} with run-time shapes skipped: {CUDA_STATIC_ONLY})" \
        if SKIPPED else ""
    print(f"{len(cases) - failures - len(SKIPPED)} passed, {failures} failed{skipped}")
    return 1 if failures else 0


def widened(model, narrow, wide, keep=()):
    """`model` computed in `wide`: its `narrow` inputs and initializers
    (other than those named in `keep`, such as axes) cast to `wide` on entry
    and its `narrow` outputs cast back on exit."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    output_types = [o.type.tensor_type.elem_type
                    for o in onnx.shape_inference.infer_shapes(model).graph.output]
    renamed, entry = {}, []
    typed = [(i.name, i.type.tensor_type.elem_type) for i in graph.input] + \
        [(i.name, i.data_type) for i in graph.initializer]
    for name, elem_type in typed:
        if elem_type == narrow and name not in keep:
            renamed[name] = name + "_wide"
            entry.append(helper.make_node("Cast", [name], [name + "_wide"], to=wide))
    nodes = list(graph.node)
    for node in nodes:
        node.input[:] = [renamed.get(n, n) for n in node.input]
    exits = []
    for i, elem_type in enumerate(output_types):
        if elem_type == narrow:
            name = graph.output[i].name
            exits.append(helper.make_node("Cast", [name], [name + "_narrow"], to=narrow))
            graph.output[i].CopyFrom(helper.ValueInfoProto(name=name + "_narrow"))
    del graph.node[:]
    graph.node.extend(entry + nodes + exits)
    return model


def check_numpy(workdir, name, model, inputs, expected):
    """None if the compiled `model` computes `expected` on `inputs`."""
    path = os.path.join(workdir, name + ".onnx")
    library = os.path.join(workdir, name + ".so")
    onnx.save(model, path)
    try:
        compile_model(path, library)
        got = CompiledModel(library).run(inputs)
    except CompiledOnly:
        return None
    except (RuntimeError, OSError) as e:
        if _skipped(name, e):
            return None
        return str(e).splitlines()[0]
    for g, w in zip(got, expected):
        problem = compare(g, w, bfloat16=isinstance(w, BFloat16Bits))
        if problem:
            return problem
    return None


class RunTimeShapeChecks:
    """The checks of the e2e tests of dims known only at run time: a model
    compiled once into `workdir`, then run on several inputs (each of its
    own sizes) against onnxruntime, or expected to fail with a message. One
    line per check ("ok ..." or "FAIL ..."); `failures` counts the failed
    ones and exit_code() prints the summary."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.failures = 0
        os.makedirs(workdir, exist_ok=True)

    def fail(self, message):
        self.failures += 1
        print("FAIL " + message)

    def compile(self, name, model):
        """Saves `model` as NAME.onnx, compiles NAME.so and loads it;
        raises RuntimeError with the compiler's message. None for
        ONNXC_E2E_TARGET=cuda without a GPU (compiled, nothing to run)."""
        path = os.path.join(self.workdir, name + ".onnx")
        library = os.path.join(self.workdir, name + ".so")
        onnx.save(model, path)
        try:
            compile_model(path, library)
        except CompiledOnly:
            print(f"ok {name}: compiled for the GPU (none here to run it)")
            return None
        return CompiledModel(library)

    def check_sizes(self, name, model, feeds_list, tolerance=None):
        """Compiles `model` once and compares every run of `feeds_list` with
        onnxruntime (outputs' shapes and values); returns the loaded model,
        or None when it does not compile."""
        try:
            compiled = self.compile(name, model)
            if compiled is None:
                return None
        except (RuntimeError, OSError) as e:
            if _skipped(name, e):
                print(f"skip {name}: {CUDA_STATIC_ONLY}")
                return None
            self.fail(f"{name}: does not compile: {str(e).splitlines()[0]}")
            return None
        for feeds in feeds_list:
            sizes = ", ".join("x".join(map(str, np.shape(v))) or "scalar" for v in feeds.values())
            want = run_onnxruntime(model, feeds)
            try:
                got = compiled.run(feeds)
            except RuntimeError as e:
                self.fail(f"{name} at {sizes}: {e}")
                continue
            problems = [f"output {i}: {p}" for i, (g, w) in enumerate(zip(got, want))
                        if (p := compare(g, w, tolerance=tolerance))]
            if problems:
                self.fail(f"{name} at {sizes}: {problems[0]}")
            else:
                print(f"ok {name} at {sizes}: outputs {[g.shape for g in got]}")
        return compiled

    def expect_error(self, name, compiled, feeds, *fragments):
        """Running `compiled` on `feeds` must fail with a message holding
        every fragment (nothing to check when `compiled` is None: the model
        did not compile, already counted, or was skipped)."""
        if compiled is None:
            return
        try:
            compiled.run(feeds)
        except RuntimeError as e:
            missing = [f for f in fragments if f not in str(e)]
            if missing:
                self.fail(f"{name}: error {str(e)!r} lacks {missing}")
            else:
                print(f"ok {name}: {e}")
            return
        self.fail(f"{name}: ran without an error")

    def exit_code(self):
        skipped = f" ({len(SKIPPED)} skipped: {CUDA_STATIC_ONLY})" if SKIPPED else ""
        print(f"{'FAILED' if self.failures else 'passed'}: {self.failures} failures{skipped}")
        return 1 if self.failures else 0
