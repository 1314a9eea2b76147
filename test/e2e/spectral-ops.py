# DFT, STFT and GroupNormalization against onnxruntime: real and complex
# DFTs along inner and outer axes, inverse, onesided, zero-padded and
# truncated by dft_length, the axis given at run time, the opset-17 form;
# STFT with and without a window, onesided and full; GroupNormalization in
# the opset-18 (per-group scale) and opset-21 (per-channel) forms, f16.
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(17)
CASES = []


def case(name, nodes, inputs, outputs, inits=(), opset=20, **options):
    model = e2e.make_model(name, nodes, inputs, outputs, inits, opset)
    CASES.append((name, model, inputs, options) if options else (name, model, inputs))


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


real = RNG.standard_normal((2, 6, 5, 1)).astype(np.float32)
cplx = RNG.standard_normal((2, 6, 5, 2)).astype(np.float32)
loose = {"tolerance": (1e-4, 1e-4)}
case("dft_real_default_axis", [helper.make_node("DFT", ["x"], ["y"])], {"x": real}, ["y"], **loose)
case("dft_complex_axis1", [helper.make_node("DFT", ["x", "", "axis"], ["y"])],
     {"x": cplx}, ["y"], [const("axis", np.int64(1))], **loose)
case("dft_inverse", [helper.make_node("DFT", ["x", "", "axis"], ["y"], inverse=1)],
     {"x": cplx}, ["y"], [const("axis", np.int64(-2))], **loose)
case("dft_onesided", [helper.make_node("DFT", ["x", "", "axis"], ["y"], onesided=1)],
     {"x": real}, ["y"], [const("axis", np.int64(1))], **loose)
for n in (4, 9):
    case(f"dft_length_{n}", [helper.make_node("DFT", ["x", "n", "axis"], ["y"])],
         {"x": cplx}, ["y"], [const("n", np.int64(n)), const("axis", np.int64(2))], **loose)
case("dft_run_time_axis", [helper.make_node("DFT", ["x", "", "axis"], ["y"])],
     {"x": cplx, "axis": np.array(1, np.int64)}, ["y"], **loose)
case("dft_opset17", [helper.make_node("DFT", ["x"], ["y"], axis=2, inverse=1)],
     {"x": cplx}, ["y"], opset=17, **loose)

signal = RNG.standard_normal((2, 40, 1)).astype(np.float32)
window = np.hanning(8).astype(np.float32)
case("stft_window", [helper.make_node("STFT", ["s", "step", "w"], ["y"])],
     {"s": signal}, ["y"], [const("step", np.int64(5)), const("w", window)], opset=17, **loose)
case("stft_frame_length_full",
     [helper.make_node("STFT", ["s", "step", "", "len"], ["y"], onesided=0)],
     {"s": signal, "step": np.array(3, np.int64)}, ["y"], [const("len", np.int64(6))],
     opset=17, **loose)

x = RNG.standard_normal((2, 6, 3, 4)).astype(np.float32)
case("group_norm_per_channel",
     [helper.make_node("GroupNormalization", ["x", "scale", "bias"], ["y"], num_groups=3)],
     {"x": x}, ["y"], [const("scale", RNG.standard_normal(6).astype(np.float32)),
                       const("bias", RNG.standard_normal(6).astype(np.float32))], opset=21)
case("group_norm_per_group_opset18",
     [helper.make_node("GroupNormalization", ["x", "scale", "bias"], ["y"], num_groups=2,
                       epsilon=1e-3)],
     {"x": x}, ["y"], [const("scale", RNG.standard_normal(2).astype(np.float32)),
                       const("bias", RNG.standard_normal(2).astype(np.float32))], opset=18)
case("group_norm_f16",
     [helper.make_node("GroupNormalization", ["x", "scale", "bias"], ["y"], num_groups=6)],
     {"x": x.astype(np.float16)}, ["y"],
     [const("scale", np.ones(6, np.float16)), const("bias", np.zeros(6, np.float16))], opset=21)

sys.exit(e2e.run_cases(sys.argv[1], CASES))
