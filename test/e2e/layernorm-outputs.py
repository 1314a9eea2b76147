# LayerNormalization's optional Mean and InvStdDev outputs (per row, the
# normalized dims kept with size 1, in stash_type) next to Y, for several
# axes, ranks and element types, against onnxruntime (utils/e2e.py).
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

RNG = np.random.default_rng(11)
CASES = []
for shape, axis, dtype in (((4, 16), -1, np.float32), ((2, 3, 8), 1, np.float32),
                           ((2, 3, 4, 5), 2, np.float32), ((3, 12), 0, np.float32),
                           ((2, 8, 16), -1, np.float16)):
    norm = shape[axis:]
    x = RNG.standard_normal(shape).astype(dtype) * 2 + 1
    scale = numpy_helper.from_array(RNG.uniform(0.5, 1.5, norm).astype(dtype), "scale")
    bias = numpy_helper.from_array(RNG.uniform(-1, 1, norm).astype(dtype), "bias")
    name = f"layernorm_outputs_{'x'.join(map(str, shape))}_axis{axis}_{np.dtype(dtype).name}"
    # onnxruntime rounds float16 rows' statistics to float16 (its Mean is
    # 8e-4 off the float64 mean here, ours 7e-8): compare at that precision.
    options = {"tolerance": (2e-3, 1e-3)} if dtype == np.float16 else {}
    for outputs in (["y", "mean", "inv_std"], ["y", "", "inv_std"]):
        suffix = "" if outputs[1] else "_no_mean"
        CASES.append((name + suffix, e2e.make_model(
            name + suffix,
            [helper.make_node("LayerNormalization", ["x", "scale", "bias"], outputs,
                              axis=axis, epsilon=1e-5)],
            {"x": x}, [o for o in outputs if o], [scale, bias]), {"x": x}, options))

sys.exit(e2e.run_cases(sys.argv[1], CASES))
