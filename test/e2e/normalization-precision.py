# Normalizations of rows with a large mean relative to their spread (1234
# +- 0.01 in f32) against a float64 numpy reference, not only onnxruntime:
# onnxruntime's f32 LayerNormalization takes E[x^2] - E[x]^2 and returns
# garbage (NaN) on such rows. A variance from a one-pass sum, or a mean
# from an f32 sum of values near 1234, is off by 1e-2 on the output; the
# corrected two-pass algorithm keeps the error at f32 accumulation level.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

RNG = np.random.default_rng(3)
# Max abs error allowed against float64 on outputs of magnitude ~3: what f32
# sums of up to 4096 terms may round off (under 1e-6 with vectorized sums,
# 7e-5 summed one by one; before the fix: 3e-3 to 5e-2).
TOLERANCE = 1e-4


def shifted(*shape, mean=1234.0, spread=0.01):
    return (mean + spread * RNG.standard_normal(shape)).astype(np.float32)


def normalize64(x, axes, eps):
    x = x.astype(np.float64)
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


CASES = []
for n in (64, 768, 4096):
    x = shifted(3, n)
    s = RNG.uniform(0.5, 1.5, n).astype(np.float32)
    b = RNG.uniform(-1, 1, n).astype(np.float32)
    model = e2e.make_model(
        f"layernorm-{n}",
        [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=-1, epsilon=1e-5)],
        {"x": x}, ["y"], [numpy_helper.from_array(s, "s"), numpy_helper.from_array(b, "b")])
    CASES.append((f"layernorm-{n}", model, {"x": x}, normalize64(x, (1,), 1e-5) * s + b))
# Over the last two axes.
x = shifted(2, 16, 48)
model = e2e.make_model("layernorm-2-axes", [helper.make_node(
    "LayerNormalization", ["x", "s"], ["y"], axis=-2, epsilon=1e-5)], {"x": x}, ["y"],
    [numpy_helper.from_array(np.ones((16, 48), np.float32), "s")])
CASES.append(("layernorm-2-axes", model, {"x": x}, normalize64(x, (1, 2), 1e-5)))
x = shifted(2, 3, 10, 12)
scale = RNG.uniform(0.5, 1.5, 3).astype(np.float32)
bias = RNG.uniform(-1, 1, 3).astype(np.float32)
model = e2e.make_model("instancenorm", [helper.make_node(
    "InstanceNormalization", ["x", "s", "b"], ["y"], epsilon=1e-5)], {"x": x}, ["y"],
    [numpy_helper.from_array(scale, "s"), numpy_helper.from_array(bias, "b")])
CASES.append(("instancenorm", model, {"x": x},
              normalize64(x, (2, 3), 1e-5) * scale[:, None, None] + bias[:, None, None]))
x = shifted(2, 3, 10, 12)
model = e2e.make_model("mvn", [helper.make_node(
    "MeanVarianceNormalization", ["x"], ["y"], axes=[0, 2, 3])], {"x": x}, ["y"])
x64 = x.astype(np.float64)
centered = x64 - x64.mean(axis=(0, 2, 3), keepdims=True)
CASES.append(("mvn", model, {"x": x},
              centered / (np.sqrt((centered ** 2).mean(axis=(0, 2, 3), keepdims=True)) + 1e-9)))


def main():
    workdir = sys.argv[1]
    os.makedirs(workdir, exist_ok=True)
    failures = 0
    for name, model, inputs, want in CASES:
        path = os.path.join(workdir, name + ".onnx")
        library = os.path.join(workdir, name + ".so")
        e2e.onnx.save(model, path)
        try:
            e2e.compile_model(path, library)
            got = e2e.CompiledModel(library).run(inputs)[0]
        except e2e.CompiledOnly:
            print(f"ok {name}: compiled for the GPU, PTX assembled")
            continue
        except (RuntimeError, OSError) as e:
            failures += 1
            print(f"FAIL {name}: {str(e).splitlines()[0]}")
            continue
        error = np.max(np.abs(got.astype(np.float64) - want))
        try:
            ort = np.max(np.abs(e2e.run_onnxruntime(model, inputs)[0] - want))
        except Exception as e:  # onnxruntime's own exception types
            ort = str(e).splitlines()[0]
        status = "ok" if error <= TOLERANCE else "FAIL"
        failures += status == "FAIL"
        print(f"{status} {name}: max abs error vs float64 {error:.3g} "
              f"(allowed {TOLERANCE}; onnxruntime: {ort})")
    print(f"{len(CASES) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
