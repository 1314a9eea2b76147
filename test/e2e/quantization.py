# Linear quantization ops and the losses against onnxruntime: QuantizeLinear
# and DequantizeLinear per tensor, per axis and blocked, int8/uint8/int16/
# uint16, with and without zero points, saturating out-of-range values;
# DynamicQuantizeLinear on random data (its scale and zero point too);
# MatMulInteger with per-row and per-column zero points and batch dims;
# QLinearMatMul per tensor and per column; NegativeLogLikelihoodLoss and
# SoftmaxCrossEntropyLoss with class weights and ignore_index. Integer
# outputs must match exactly. Each case is compiled by onnx-compile into a
# shared library and run through the runtime's C API (utils/e2e.py).
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(7)
CASES = []


def case(name, nodes, inputs, outputs, inits=(), opset=21):
    CASES.append((name, e2e.make_model(name, nodes, inputs, outputs, inits, opset), inputs))


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


x = (RNG.standard_normal((2, 3, 8)) * 4).astype(np.float32)
# Per tensor, with values past the int8 range (saturation) and halves
# (round half to even).
halves = np.array([-300.0, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 300.0], np.float32)
for zp_type, zp in ((np.int8, -3), (np.uint8, 128), (np.int16, 7), (np.uint16, 1000)):
    tag = np.dtype(zp_type).name
    case(f"quantize_per_tensor_{tag}",
         [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"])],
         {"x": np.concatenate([halves, x.ravel()])}, ["y"],
         [const("s", np.float32(0.5)), const("zp", zp_type(zp))])
    case(f"dequantize_per_tensor_{tag}",
         [helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["y"])],
         {"q": RNG.integers(np.iinfo(zp_type).min, np.iinfo(zp_type).max, (4, 5)).astype(zp_type)},
         ["y"], [const("s", np.float32(0.03)), const("zp", zp_type(zp))])
# No zero point: uint8 by default.
case("quantize_default_uint8", [helper.make_node("QuantizeLinear", ["x", "s"], ["y"])],
     {"x": x}, ["y"], [const("s", np.float32(0.1))])
# Per axis (axis 1 of 3) and blocked (axis 2 in blocks of 3: 8 -> 3 blocks,
# the last one short).
scale_axis = np.array([0.1, 0.2, 0.05], np.float32)
zp_axis = np.array([-5, 0, 9], np.int8)
case("quantize_per_axis", [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"], axis=1)],
     {"x": x}, ["y"], [const("s", scale_axis), const("zp", zp_axis)])
case("dequantize_per_axis_negative_axis",
     [helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["y"], axis=-2)],
     {"q": RNG.integers(-128, 127, (2, 3, 8)).astype(np.int8)}, ["y"],
     [const("s", scale_axis), const("zp", zp_axis)])
scale_block = (RNG.random((2, 3, 3)) * 0.2 + 0.01).astype(np.float32)
zp_block = RNG.integers(0, 255, (2, 3, 3)).astype(np.uint8)
case("quantize_blocked", [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"],
                                           axis=2, block_size=3)],
     {"x": x}, ["y"], [const("s", scale_block), const("zp", zp_block)])
case("dequantize_blocked", [helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["y"],
                                             axis=2, block_size=3)],
     {"q": RNG.integers(0, 255, (2, 3, 8)).astype(np.uint8)}, ["y"],
     [const("s", scale_block), const("zp", zp_block)])
# A QDQ round trip, as quantized models chain them.
case("qdq_round_trip", [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"]),
                        helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["y"])],
     {"x": x}, ["y"], [const("s", np.float32(0.07)), const("zp", np.int8(2))])
case("dynamic_quantize_linear",
     [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "scale", "zp"])],
     {"x": (RNG.standard_normal((3, 17)) * 3 + 1).astype(np.float32)}, ["y", "scale", "zp"])
case("dynamic_quantize_linear_positive",
     [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "scale", "zp"])],
     {"x": (RNG.random((5, 4)) * 9 + 1).astype(np.float32)}, ["y", "scale", "zp"])
# MatMulInteger: uint8 x int8 with a per-row a_zero_point and per-column
# b_zero_point; int8 x int8 with batch dims broadcast and scalar zero points.
a = RNG.integers(0, 255, (5, 7)).astype(np.uint8)
b = RNG.integers(-128, 127, (7, 6)).astype(np.int8)
azp_rows = RNG.integers(0, 255, 5).astype(np.uint8)
bzp_cols = RNG.integers(-128, 127, 6).astype(np.int8)
case("matmul_integer_per_column",
     [helper.make_node("MatMulInteger", ["a", "b", "azp", "bzp"], ["y"])],
     {"a": a, "b": b}, ["y"], [const("azp", np.uint8(9)), const("bzp", bzp_cols)], opset=10)
# onnxruntime takes only a scalar a_zero_point; the ONNX definition's per-row
# form is checked against numpy.
PER_ROW = e2e.make_model(
    "matmul_integer_per_row", [helper.make_node("MatMulInteger", ["a", "b", "azp", "bzp"], ["y"])],
    {"a": a, "b": b}, ["y"], [const("azp", azp_rows), const("bzp", bzp_cols)], 10)
PER_ROW_EXPECTED = (a.astype(np.int32) - azp_rows[:, None]) @ (b.astype(np.int32) - bzp_cols)
case("matmul_integer_batched",
     [helper.make_node("MatMulInteger", ["a", "b", "azp", "bzp"], ["y"])],
     {"a": RNG.integers(-128, 127, (2, 3, 4, 9)).astype(np.int8),
      "b": RNG.integers(-128, 127, (9, 5)).astype(np.int8)}, ["y"],
     [const("azp", np.int8(3)), const("bzp", np.int8(-2))], opset=10)
case("matmul_integer_no_zero_points",
     [helper.make_node("MatMulInteger", ["a", "b"], ["y"])], {"a": a, "b": a.T.copy()}, ["y"],
     opset=10)
qa = RNG.integers(0, 255, (4, 16)).astype(np.uint8)
qb = RNG.integers(0, 255, (16, 8)).astype(np.uint8)
case("qlinear_matmul_per_tensor",
     [helper.make_node("QLinearMatMul", ["a", "as", "azp", "b", "bs", "bzp", "ys", "yzp"], ["y"])],
     {"a": qa, "b": qb}, ["y"],
     [const("as", np.float32(0.02)), const("azp", np.uint8(120)), const("bs", np.float32(0.01)),
      const("bzp", np.uint8(130)), const("ys", np.float32(0.05)), const("yzp", np.uint8(128))],
     opset=10)
case("qlinear_matmul_per_column",
     [helper.make_node("QLinearMatMul", ["a", "as", "azp", "b", "bs", "bzp", "ys", "yzp"], ["y"])],
     {"a": qa.astype(np.int8) // 2, "b": qb.astype(np.int8) // 2}, ["y"],
     [const("as", np.float32(0.02)), const("azp", np.int8(1)),
      const("bs", (RNG.random(8) * 0.02 + 0.005).astype(np.float32)),
      const("bzp", np.int8(0)), const("ys", np.float32(0.04)), const("yzp", np.int8(-3))],
     opset=10)
# Losses: 4-D scores (N, C, d1, d2) with class weights and an ignore_index
# that some labels hit; every reduction.
scores = RNG.standard_normal((3, 5, 2, 4)).astype(np.float32)
labels = RNG.integers(0, 5, (3, 2, 4)).astype(np.int64)
labels[0, 0, :2] = 2
weights = (RNG.random(5) + 0.5).astype(np.float32)
for reduction in ("none", "sum", "mean"):
    case(f"nll_loss_{reduction}",
         [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t", "w"], ["loss"],
                           reduction=reduction, ignore_index=2)],
         {"x": scores, "t": labels}, ["loss"], [const("w", weights)], opset=13)
    case(f"softmax_cross_entropy_{reduction}",
         [helper.make_node("SoftmaxCrossEntropyLoss", ["x", "t", "w"], ["loss", "log_prob"],
                           reduction=reduction, ignore_index=2)],
         {"x": scores, "t": labels}, ["loss", "log_prob"], [const("w", weights)], opset=13)
case("softmax_cross_entropy_f16",
     [helper.make_node("SoftmaxCrossEntropyLoss", ["x", "t"], ["loss"])],
     {"x": scores[:, :, 0, 0].astype(np.float16), "t": labels[:, 0, 0].astype(np.int32)},
     ["loss"], opset=13)

status = e2e.run_cases(sys.argv[1], CASES)
problem = e2e.check_numpy(sys.argv[1], "matmul_integer_per_row", PER_ROW, {"a": a, "b": b},
                          [PER_ROW_EXPECTED])
if problem:
    print(f"FAIL matmul_integer_per_row: {problem}")
sys.exit(1 if problem else status)
