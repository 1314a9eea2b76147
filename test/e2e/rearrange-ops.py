# CenterCropPad, ReverseSequence and Col2Im against onnxruntime: crops and
# pads of odd and even differences on chosen axes, a run-time target shape;
# sequences reversed along either axis order with lengths 1, partial and
# full; Col2Im with strides, dilations and pads in 2-D, and in 3-D.
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(3)
CASES = []


def case(name, nodes, inputs, outputs, inits=(), opset=18):
    CASES.append((name, e2e.make_model(name, nodes, inputs, outputs, inits, opset), inputs))


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


x = RNG.standard_normal((5, 6, 3)).astype(np.float32)
# Crop 5 -> 2 (odd difference) and pad 6 -> 9; axes given, then all dims.
case("center_crop_pad_axes",
     [helper.make_node("CenterCropPad", ["x", "shape"], ["y"], axes=[0, 1])],
     {"x": x}, ["y"], [const("shape", np.array([2, 9], np.int64))])
case("center_crop_pad_all",
     [helper.make_node("CenterCropPad", ["x", "shape"], ["y"])],
     {"x": x}, ["y"], [const("shape", np.array([8, 3, 3], np.int64))])
case("center_crop_pad_negative_axis_int32",
     [helper.make_node("CenterCropPad", ["x", "shape"], ["y"], axes=[-1])],
     {"x": RNG.integers(-9, 9, (2, 7)).astype(np.int32)}, ["y"],
     [const("shape", np.array([4], np.int64))])
case("center_crop_pad_run_time_shape",
     [helper.make_node("CenterCropPad", ["x", "shape"], ["y"], axes=[2, 0])],
     {"x": x, "shape": np.array([6, 1], np.int64)}, ["y"])

seq = RNG.standard_normal((4, 3, 2)).astype(np.float32)
case("reverse_sequence_time_major",
     [helper.make_node("ReverseSequence", ["x", "lens"], ["y"], time_axis=0, batch_axis=1)],
     {"x": seq, "lens": np.array([4, 1, 2], np.int64)}, ["y"], opset=10)
case("reverse_sequence_batch_major",
     [helper.make_node("ReverseSequence", ["x", "lens"], ["y"], time_axis=1, batch_axis=0)],
     {"x": seq, "lens": np.array([1, 3, 2, 3], np.int64)}, ["y"], opset=10)

# Col2Im: 2-D with stride, dilation and pads; 3-D.
cols = RNG.standard_normal((2, 3 * 2 * 3, 15)).astype(np.float32)
case("col2im_2d",
     [helper.make_node("Col2Im", ["x", "image", "block"], ["y"], strides=[2, 1],
                       dilations=[1, 2], pads=[1, 0, 2, 1])],
     {"x": cols}, ["y"],
     [const("image", np.array([7, 6], np.int64)), const("block", np.array([2, 3], np.int64))])
cols3 = RNG.standard_normal((1, 2 * 8, 2 * 3 * 2)).astype(np.float32)
case("col2im_3d",
     [helper.make_node("Col2Im", ["x", "image", "block"], ["y"])],
     {"x": cols3}, ["y"],
     [const("image", np.array([3, 4, 3], np.int64)), const("block", np.array([2, 2, 2], np.int64))])

sys.exit(e2e.run_cases(sys.argv[1], CASES))
