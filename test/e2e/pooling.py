# AveragePool and MaxPool over 1-D and 2-D windows against onnxruntime, with
# and without explicit pads, ceil_mode and count_include_pad.
#
# With ceil_mode=1 and count_include_pad=1 a window that ceil_mode adds past
# the end divides by its positions inside the input plus its explicit pads,
# not by the kernel size: onnxruntime 1.22 does so from AveragePool-19 on
# (its older kernels still divide by the kernel size) and PyTorch always
# does, so these cases use opset 19. The example, [1,2,3,4,5] with
# kernel 2 and stride 2, is also checked against the numbers themselves.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from onnx import helper

CASES = []
RNG = np.random.default_rng(11)


def pool(name, op, x, opset=19, **attrs):
    model = e2e.make_model(name, [helper.make_node(op, ["x"], ["y"], **attrs)], {"x": x}, ["y"],
                           opset=opset)
    CASES.append((name, model, {"x": x}))


def rand(*shape):
    return RNG.uniform(-2, 2, shape).astype(np.float32)


ramp5 = np.arange(1, 6, dtype=np.float32)
ramp6 = np.arange(1, 7, dtype=np.float32)
for include in (0, 1):
    tag = "include" if include else "exclude"
    # The last window starts inside the input and ends past it.
    pool(f"avg-2d-ceil-{tag}", "AveragePool", ramp5.reshape(1, 1, 1, 5), kernel_shape=[1, 2],
         strides=[1, 2], ceil_mode=1, count_include_pad=include)
    pool(f"avg-1d-ceil-{tag}", "AveragePool", ramp5.reshape(1, 1, 5), kernel_shape=[2],
         strides=[2], ceil_mode=1, count_include_pad=include)
    # Explicit pads, and a last window over input, pad and beyond.
    pool(f"avg-2d-ceil-pads-{tag}", "AveragePool", ramp6.reshape(1, 1, 1, 6), kernel_shape=[1, 2],
         strides=[1, 2], pads=[0, 1, 0, 0], ceil_mode=1, count_include_pad=include)
    pool(f"avg-1d-ceil-pads-{tag}", "AveragePool", ramp6.reshape(1, 1, 6), kernel_shape=[3],
         strides=[2], pads=[1, 1], ceil_mode=1, count_include_pad=include)
    pool(f"avg-1d-ceil-dilated-{tag}", "AveragePool", ramp6.reshape(1, 1, 6), kernel_shape=[3],
         strides=[2], pads=[1, 1], dilations=[2], ceil_mode=1, count_include_pad=include)
    # onnxruntime's 2-D kernel of opset 19 takes the height's end pad from
    # pads[1] (the width's begin pad): asymmetric 2-D cases keep the two equal.
    pool(f"avg-2d-random-{tag}", "AveragePool", rand(2, 3, 7, 8), kernel_shape=[3, 3],
         strides=[2, 3], pads=[1, 2, 2, 1], ceil_mode=1, count_include_pad=include)
    pool(f"avg-2d-floor-pads-{tag}", "AveragePool", rand(1, 2, 5, 5), kernel_shape=[3, 3],
         pads=[1, 1, 1, 1], count_include_pad=include)
    pool(f"avg-1d-random-{tag}", "AveragePool", rand(2, 3, 11), kernel_shape=[4], strides=[3],
         pads=[2, 1], ceil_mode=1, count_include_pad=include)
pool("max-1d-ceil-pads", "MaxPool", rand(2, 3, 11), kernel_shape=[4], strides=[3], pads=[2, 1],
     ceil_mode=1)
pool("max-1d-int8", "MaxPool", RNG.integers(-100, 100, (1, 2, 9)).astype(np.int8),
     kernel_shape=[3], strides=[2])


def main():
    os.makedirs(sys.argv[1], exist_ok=True)
    # The numbers, not only onnxruntime's.
    name, model, inputs = next(c for c in CASES if c[0] == "avg-2d-ceil-include")
    problem = e2e.check_numpy(sys.argv[1], name + "-numbers", model, inputs,
                              [np.array([[[[1.5, 3.5, 5.0]]]], np.float32)])
    if problem:
        print(f"FAIL {name} (expected [1.5, 3.5, 5.0]): {problem}")
    return e2e.run_cases(sys.argv[1], CASES) or (1 if problem else 0)


if __name__ == "__main__":
    sys.exit(main())
