"""compare_model_ort.py MODEL.onnx MODEL.so: runs the compiled model and
onnxruntime on the same seeded float inputs and prints "match" or the
largest difference of each output (float32: rtol 1e-4, atol 1e-5)."""
import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "utils"))
from compiled_model import CompiledModel  # noqa: E402


def main():
    onnx_path, so_path = sys.argv[1:3]
    model = CompiledModel(so_path)
    rng = np.random.default_rng(0)
    feeds = {name: rng.standard_normal(shape).astype(np.float32)
             for name, _, shape in model.inputs}
    got = model.run(feeds)
    want = ort.InferenceSession(onnx_path).run(None, feeds)
    problems = []
    for (name, _, _), g, w in zip(model.outputs, got, want):
        if not np.allclose(g, w, rtol=1e-4, atol=1e-5):
            problems.append(f"{name}: max |difference| {np.abs(g - w).max():.3g}")
    print("match" if not problems else "MISMATCH " + "; ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
