# GridSample and AffineGrid against onnxruntime: every mode (linear,
# nearest, cubic) with every padding mode (zeros, border, reflection) and
# both align_corners, on grids reaching well outside [-1, 1]; 3-D volumes;
# the opset-16 names (bilinear, bicubic); f16 and f64 images; AffineGrid in
# 2-D and 3-D, chained into GridSample as spatial transformers do.
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(5)
CASES = []


def case(name, nodes, inputs, outputs, inits=(), opset=20, **options):
    model = e2e.make_model(name, nodes, inputs, outputs, inits, opset)
    CASES.append((name, model, inputs, options) if options else (name, model, inputs))


image = RNG.standard_normal((2, 3, 5, 6)).astype(np.float32)
grid = (RNG.random((2, 4, 7, 2)) * 3.2 - 1.6).astype(np.float32)
for mode in ("linear", "nearest", "cubic"):
    for padding in ("zeros", "border", "reflection"):
        for align in (0, 1):
            case(f"grid_sample_{mode}_{padding}_{align}",
                 [helper.make_node("GridSample", ["x", "g"], ["y"], mode=mode,
                                   padding_mode=padding, align_corners=align)],
                 {"x": image, "g": grid}, ["y"])
# Opset 16's names for the 2-D modes.
for mode in ("bilinear", "bicubic"):
    case(f"grid_sample16_{mode}",
         [helper.make_node("GridSample", ["x", "g"], ["y"], mode=mode, padding_mode="border")],
         {"x": image, "g": grid}, ["y"], opset=16)
# Other element types.
case("grid_sample_f64", [helper.make_node("GridSample", ["x", "g"], ["y"], padding_mode="reflection")],
     {"x": image.astype(np.float64), "g": grid.astype(np.float64)}, ["y"])
case("grid_sample_f16", [helper.make_node("GridSample", ["x", "g"], ["y"], mode="cubic")],
     {"x": image.astype(np.float16), "g": grid.astype(np.float16)}, ["y"])
# A volume (N, C, D, H, W) with a grid of (x, y, z) points.
volume = RNG.standard_normal((1, 2, 4, 5, 3)).astype(np.float32)
grid3 = (RNG.random((1, 3, 2, 4, 3)) * 2.6 - 1.3).astype(np.float32)
for mode in ("linear", "nearest"):
    for padding in ("zeros", "border", "reflection"):
        case(f"grid_sample_3d_{mode}_{padding}",
             [helper.make_node("GridSample", ["x", "g"], ["y"], mode=mode, padding_mode=padding)],
             {"x": volume, "g": grid3}, ["y"])

# AffineGrid, then a spatial transformer: the grid of theta sampled at once.
theta2 = (RNG.standard_normal((2, 2, 3)) * 0.6).astype(np.float32)
theta3 = (RNG.standard_normal((1, 3, 4)) * 0.6).astype(np.float32)
for align in (0, 1):
    case(f"affine_grid_2d_{align}",
         [helper.make_node("AffineGrid", ["theta", "size"], ["grid"], align_corners=align)],
         {"theta": theta2}, ["grid"], [numpy_helper.from_array(np.array([2, 3, 5, 4], np.int64), "size")])
    case(f"affine_grid_3d_{align}",
         [helper.make_node("AffineGrid", ["theta", "size"], ["grid"], align_corners=align)],
         {"theta": theta3}, ["grid"], [numpy_helper.from_array(np.array([1, 2, 3, 4, 5], np.int64), "size")])
# The output size given at run time: the grid's dims are read from it.
case("affine_grid_run_time_size",
     [helper.make_node("AffineGrid", ["theta", "size"], ["grid"])],
     {"theta": theta2, "size": np.array([2, 3, 6, 1], np.int64)}, ["grid"])
case("spatial_transformer",
     [helper.make_node("AffineGrid", ["theta", "size"], ["grid"]),
      helper.make_node("GridSample", ["x", "grid"], ["y"])],
     {"theta": theta2, "x": image}, ["y"],
     [numpy_helper.from_array(np.array([2, 3, 8, 9], np.int64), "size")])

sys.exit(e2e.run_cases(sys.argv[1], CASES))
