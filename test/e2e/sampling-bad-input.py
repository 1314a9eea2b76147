# Run-time inputs that the types allowed but the ops cannot take fail the
# run with an error naming the node, never an out-of-bounds read: a grid
# whose last dim is not the number of spatial dims, a theta of the wrong
# shape, a block_shape shorter than image_shape, padding an empty dim; and
# NaN or huge grid coordinates read the padding.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

WORK = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from compiled_model import CompiledModel  # noqa: E402

os.makedirs(WORK, exist_ok=True)
F, I64 = TensorProto.FLOAT, TensorProto.INT64


def compiled(name, node, inputs, opset=20):
    graph = helper.make_graph([node], name,
                              [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
                              [helper.make_tensor_value_info("y", F, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    path = os.path.join(WORK, name + ".onnx")
    onnx.save(model, path)
    library = os.path.join(WORK, name + ".so")
    subprocess.run(["onnx-compile", path, "-o", library], check=True)
    return CompiledModel(library)


failures = 0


def expect_error(name, model, feeds, message):
    global failures
    try:
        model.run(feeds)
        failures += 1
        print(f"FAIL {name}: ran")
    except RuntimeError as e:
        if message not in str(e):
            failures += 1
            print(f"FAIL {name}: {e}")


dyn4 = ["a", "b", "c", "d"]
grid_sample = compiled("grid_sample", helper.make_node("GridSample", ["x", "g"], ["y"]),
                       [("x", F, [1, 1, 4, 4]), ("g", F, dyn4)])
expect_error("grid_last_dim", grid_sample,
             {"x": np.ones((1, 1, 4, 4), np.float32), "g": np.zeros((1, 2, 2, 1), np.float32)},
             "node 'GridSample_0' (GridSample): grid's last dim differs from the number of "
             "spatial dims")
# NaN and huge coordinates read the zeros padding.
grid = np.array([[[[np.nan, 0.0], [1e30, 0.0]]]], np.float32)
got = grid_sample.run({"x": np.ones((1, 1, 4, 4), np.float32), "g": grid})[0]
if got.shape != (1, 1, 1, 2) or got[0, 0, 0, 0] != 0.0 or got[0, 0, 0, 1] != 0.0:
    failures += 1
    print(f"FAIL grid_far_outside: {got}")

affine = compiled("affine_grid", helper.make_node("AffineGrid", ["theta", "size"], ["y"]),
                  [("theta", F, ["n", "r", "c"]), ("size", I64, [4])])
expect_error("theta_shape", affine,
             {"theta": np.zeros((1, 2, 2), np.float32), "size": np.array([1, 1, 4, 4], np.int64)},
             "theta's dim 2 differs from 3")

col2im = compiled("col2im", helper.make_node("Col2Im", ["x", "image", "block"], ["y"]),
                  [("x", F, [1, 4, 16]), ("image", I64, [2]), ("block", I64, ["k"])], opset=18)
expect_error("block_shape_length", col2im,
             {"x": np.zeros((1, 4, 16), np.float32), "image": np.array([5, 5], np.int64),
              "block": np.array([2], np.int64)},
             "block_shape's length differs from image_shape's")

crop = compiled("center_crop_pad", helper.make_node("CenterCropPad", ["x", "shape"], ["y"]),
                [("x", F, ["n"]), ("shape", I64, [1])], opset=18)
expect_error("pad_empty", crop, {"x": np.zeros(0, np.float32), "shape": np.array([3], np.int64)},
             "padding an empty dim (axis 0)")

print(f"{6 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
