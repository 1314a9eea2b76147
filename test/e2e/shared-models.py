# Every real architecture of ../shared/models compiles to a shared library
# whose outputs match onnxruntime on seeded inputs: for each output,
# max |error| <= 1e-4 * max |expected| (the issue asks for relative error
# below 1e-3). Prints compile seconds, library size, workspace bytes and
# one run's latency next to onnxruntime's (single-threaded, the same run).
#
# REQUIRES: shared-models
# RUN: %python %s %shared_models %T/shared-models-cache %t %onnxc_src/utils
import os
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, sys.argv[4])
import e2e  # noqa: E402
import shared_models  # noqa: E402
from compiled_model import CompiledModel  # noqa: E402


def make_inputs(model):
    rng = np.random.default_rng(0)
    inputs = {}
    for i in model.graph.input:
        shape = [d.dim_value for d in i.type.tensor_type.shape.dim]
        if i.type.tensor_type.elem_type == onnx.TensorProto.INT64:
            inputs[i.name] = (np.ones(shape, np.int64) if "mask" in i.name
                              else rng.integers(0, 1000, shape).astype(np.int64))
        else:
            inputs[i.name] = rng.standard_normal(shape).astype(np.float32)
    return inputs


def main():
    src, cache, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(workdir, exist_ok=True)
    models = shared_models.ensure_filled(src, cache)
    failures = 0
    for name, path in models.items():
        inputs = make_inputs(onnx.load(path, load_external_data=False))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        start = time.perf_counter()
        want = session.run(None, inputs)
        ort_ms = (time.perf_counter() - start) * 1e3
        library = os.path.join(workdir, name + ".so")
        start = time.perf_counter()
        try:
            e2e.compile_model(path, library)
        except RuntimeError as e:
            failures += 1
            print(f"FAIL {name}: {e}")
            continue
        compile_s = time.perf_counter() - start
        model = CompiledModel(library)
        start = time.perf_counter()
        got = model.run(inputs)
        run_ms = (time.perf_counter() - start) * 1e3
        worst = 0.0
        ok = len(got) == len(want)
        for g, w in zip(got, want):
            if g.shape != w.shape:
                ok = False
                continue
            worst = max(worst, float(np.max(np.abs(g - w)) / max(np.max(np.abs(w)), 1e-30)))
        ok = ok and worst <= 1e-4
        failures += not ok
        print(f"{'ok' if ok else 'FAIL':4} {name:20} error/max|y| {worst:.2e}  compile {compile_s:5.1f}s  "
              f"{os.path.getsize(library) / 2**20:6.1f} MiB  workspace {model.workspace_bytes:>9} B  "
              f"run {run_ms:8.1f} ms  onnxruntime {ort_ms:6.1f} ms")
    print(f"{len(models) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
