"""End-to-end checks for the tests: a model built with onnx.helper is
compiled by onnx-compile into a shared library, run through the runtime's
generic API (compiled_model.py) and compared with onnxruntime, output by
output, with a tolerance per element type.

    problem = e2e.check(workdir, name, model, inputs)   # None when it matches
"""
import os
import subprocess

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper

from compiled_model import CompiledModel

# (rtol, atol) per element type; integer and bool outputs must be exact.
TOLERANCES = {np.float32: (1e-4, 1e-5), np.float16: (1e-2, 1e-3), np.float64: (1e-9, 1e-12)}
BFLOAT16_TOLERANCE = (2e-2, 1e-2)


def make_model(name, nodes, inputs, outputs, inits=(), opset=17):
    """A model whose graph inputs take the dtypes and shapes of `inputs`
    (name -> array) and whose outputs are inferred."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(k, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
         for k, v in inputs.items()],
        [helper.ValueInfoProto(name=o) for o in outputs], list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def compile_model(path, output, extra=()):
    """onnx-compile PATH -o OUTPUT; raises RuntimeError with its message."""
    out = subprocess.run(["onnx-compile", path, "-o", output, *extra], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr.strip())


def compare(got, want, bfloat16=False):
    """None if `got` matches onnxruntime's `want`, else what differs."""
    want = np.asarray(want)
    if got.shape != want.shape:
        return f"shape {got.shape}, expected {want.shape}"
    if bfloat16:
        rtol, atol = BFLOAT16_TOLERANCE
        got = (got.astype(np.uint32) << 16).view(np.float32)
        want = (want.view(np.uint16).astype(np.uint32) << 16).view(np.float32) \
            if want.dtype == np.uint16 else want.astype(np.float32)
    elif want.dtype.type in TOLERANCES:
        rtol, atol = TOLERANCES[want.dtype.type]
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


def check(workdir, name, model, inputs, extra_flags=()):
    """Compiles and runs `model` on `inputs`; None if every output matches
    onnxruntime, else a one-line description of the first problem."""
    path = os.path.join(workdir, name + ".onnx")
    library = os.path.join(workdir, name + ".so")
    onnx.save(model, path)
    want = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, inputs)
    try:
        compile_model(path, library, extra_flags)
        compiled = CompiledModel(library)
        got = compiled.run(inputs)
    except RuntimeError as e:
        return str(e).splitlines()[0] if str(e) else "failed"
    if len(got) != len(want):
        return f"{len(got)} outputs, expected {len(want)}"
    bf16 = [code == 16 for _, code, _ in compiled.outputs]
    for (out_name, _, _), g, w, is_bf16 in zip(compiled.outputs, got, want, bf16):
        problem = compare(g, w, is_bf16)
        if problem:
            return f"output '{out_name}': {problem}"
    return None


def run_cases(workdir, cases):
    """Checks every (name, model, inputs) case; prints failures and a
    summary and returns the process exit code."""
    os.makedirs(workdir, exist_ok=True)
    failures = 0
    for name, model, inputs in cases:
        problem = check(workdir, name, model, inputs)
        if problem:
            failures += 1
            print(f"FAIL {name}: {problem}")
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0
