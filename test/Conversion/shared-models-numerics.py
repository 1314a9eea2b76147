# The real architectures of ../shared/models, lowered to linalg and run by
# MLIR's upstream pipeline and mlir-runner, match onnxruntime on seeded
# inputs (max |error| <= 1e-4 * max |expected| per output).
#
# REQUIRES: shared-models
# RUN: %python %s %shared_models %T/shared-models-cache %llvm_lib_dir %onnxc_src/utils
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, sys.argv[4])
import run_linalg  # noqa: E402
import shared_models  # noqa: E402


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
    src, cache, libdir = sys.argv[1], sys.argv[2], sys.argv[3]
    models = shared_models.ensure_filled(src, cache)
    failures = 0
    for name, path in models.items():
        inputs = make_inputs(onnx.load(path, load_external_data=False))
        start = time.time()
        want = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, inputs)
        try:
            got = run_linalg.run(path, inputs, libdir)
        except RuntimeError as e:
            failures += 1
            print(f"FAIL {name}: {e}")
            continue
        worst = 0.0
        ok = len(got) == len(want)
        for g, w in zip(got, want):
            w = np.asarray(w, np.float64).reshape(-1)
            if g.shape != w.shape:
                ok = False
                continue
            worst = max(worst, float(np.max(np.abs(g - w)) / max(np.max(np.abs(w)), 1e-30)))
        ok = ok and worst <= 1e-4
        failures += not ok
        print(f"{'ok' if ok else 'FAIL':4} {name:20} error/max|y| {worst:.2e}  {time.time() - start:5.1f}s")
    print(f"{len(models) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
