# Pad computes what onnxruntime computes (lib/Conversion/ONNXToLinalg/Pad.cpp):
# constant (default 0, a constant or run-time constant_value), reflect, edge
# and wrap (opset 19) modes, axes (opset 18, negative ones included), and
# negative pads, which crop before the positive ones pad. Each case is a
# small model built with onnx.helper at opset 2 (pads and value attributes),
# 11, 13, 18 or 19, compiled by onnx-compile into a shared library, run
# through the runtime's C API and compared with onnxruntime (utils/e2e.py),
# or with numpy's np.pad where onnxruntime has no Pad kernel for the element
# type (bfloat16, int16, uint16) or computes garbage (a dim cropped to
# nothing, then padded). bfloat16 tensors are uint16 bit patterns
# (e2e.bfloat16).
#
# RUN: %python %s %t %onnxc_src/utils
import os
import sys

import numpy as np
import onnx
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from onnx import helper, numpy_helper

CASES = []
RNG = np.random.default_rng(19)


def case(name, nodes, inputs, outputs, inits=(), opset=19, reference=None):
    """`reference` (nodes, inits), when given, is the graph onnxruntime runs
    instead, for operand types it rejects."""
    CASES.append((name, nodes, inputs, outputs, list(inits), opset, reference))


def rand(*shape, dtype=np.float32, low=-4, high=4):
    if dtype == np.bool_:
        return RNG.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return RNG.integers(max(low * 10, info.min), min(high * 10, info.max), shape).astype(dtype)
    return RNG.uniform(low, high, shape).astype(dtype)


def const(name, array, dtype=None):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def pad_graph(pads, mode=None, value=None, axes=None, axes_dtype=np.int64):
    """The Pad node and initializers of Pad(x, pads[, constant_value][, axes])
    with constant operands; `value` is an array of x's dtype (0-d or one
    element)."""
    names, inits = ["x", "pads"], [const("pads", pads, np.int64)]
    if value is not None or axes is not None:
        names.append("value" if value is not None else "")
        if value is not None:
            inits.append(numpy_helper.from_array(np.asarray(value), "value"))
    if axes is not None:
        names.append("axes")
        inits.append(const("axes", axes, axes_dtype))
    attrs = {} if mode is None else {"mode": mode}
    return [helper.make_node("Pad", names, ["y"], name="pad_node", **attrs)], inits


def pad_case(name, x, pads, mode=None, value=None, axes=None, opset=19, axes_dtype=np.int64):
    nodes, inits = pad_graph(pads, mode, value, axes, axes_dtype)
    # onnxruntime takes int64 axes only: it runs the same Pad with those.
    reference = pad_graph(pads, mode, value, axes) if axes_dtype != np.int64 else None
    case(name, nodes, {"x": x}, ["y"], inits, opset, reference)


# Constant mode: the default 0, a constant_value, opsets 11 and 13.
pad_case("constant-default-zero-opset11", rand(2, 3), [1, 2, 0, 1], opset=11)
pad_case("constant-value-opset11", rand(3, 4), [0, 1, 2, 0], "constant", np.float32(-2.5), opset=11)
pad_case("constant-value-int64-opset13", rand(2, 3, 4, dtype=np.int64), [1, 0, 2, 0, 3, 1],
         value=np.array(-7, np.int64), opset=13)
pad_case("constant-nchw-float16", rand(1, 2, 3, 3, dtype=np.float16), [0, 0, 1, 1, 0, 0, 1, 1],
         value=np.array([0.5], np.float16), opset=13)
pad_case("constant-float64", rand(4, 2, dtype=np.float64), [2, 0, 0, 3], value=np.float64(3.25), opset=18)
pad_case("constant-int32", rand(3, 3, dtype=np.int32), [1, 1, 1, 1], value=np.int32(100))
pad_case("constant-int8", rand(5, dtype=np.int8), [3, 2], value=np.int8(-128))
pad_case("constant-uint8", rand(2, 4, dtype=np.uint8, low=0, high=20), [1, 0, 0, 2], value=np.uint8(255))
pad_case("constant-bool-default", rand(3, 2, dtype=np.bool_), [1, 1, 1, 1])
pad_case("constant-bool-true", rand(3, 2, dtype=np.bool_), [0, 2, 1, 0], value=np.bool_(True))
# A constant_value given at run time (a graph input).
case("constant-runtime-value", [helper.make_node("Pad", ["x", "pads", "v"], ["y"], name="pad_node")],
     {"x": rand(3, 4), "v": np.array(9.5, np.float32)}, ["y"], [const("pads", [1, 0, 1, 2], np.int64)], 13)

# Negative pads crop; mixed with positive ones on the same and other axes.
pad_case("constant-negative-pads", rand(4, 5), [-1, 2, 1, -2], value=np.float32(1.0), opset=13)
pad_case("constant-crop-only", rand(4, 5, dtype=np.int64), [-1, 0, -2, -1])

# Reflect: mirror without repeating the edge, up to n - 1 on a side.
pad_case("reflect-2d-opset11", rand(3, 5), [2, 4, 1, 3], "reflect", opset=11)
pad_case("reflect-nchw-spatial", rand(2, 3, 4, 5), [0, 0, 1, 2, 0, 0, 3, 2], "reflect", opset=13)
pad_case("reflect-negative-pads", rand(5, 6), [-1, 2, 2, -3], "reflect", opset=13)
pad_case("reflect-uint8", rand(4, 4, dtype=np.uint8, low=0, high=20), [1, 3, 3, 1], "reflect")
pad_case("reflect-int32-1d", rand(6, dtype=np.int32), [5, 5], "reflect")
pad_case("reflect-float16", rand(3, 4, dtype=np.float16), [2, 1, 0, 3], "reflect", opset=13)
pad_case("reflect-bool", rand(3, 4, dtype=np.bool_), [1, 2, 2, 1], "reflect")
pad_case("reflect-float64-3d", rand(2, 3, 4, dtype=np.float64), [1, 2, 3, 1, 0, 2], "reflect")

# Edge: clamp to the border, pads of any width.
pad_case("edge-2d-opset11", rand(3, 4), [2, 1, 1, 5], "edge", opset=11)
pad_case("edge-float64", rand(2, 3, dtype=np.float64), [3, 0, 0, 4], "edge", opset=13)
pad_case("edge-int64-negative-pads", rand(4, 6, dtype=np.int64), [-2, 3, 2, -4], "edge", opset=13)
pad_case("edge-int8", rand(3, 1, dtype=np.int8), [1, 2, 1, 3], "edge")
pad_case("edge-bool", rand(2, 3, dtype=np.bool_), [1, 1, 2, 2], "edge")
pad_case("edge-size-one", rand(1, 1, 3), [0, 2, 1, 0, 3, 1], "edge")

# Wrap (opset 19): the tensor repeats, up to n on a side.
pad_case("wrap-2d", rand(3, 4), [2, 4, 3, 1], "wrap")
pad_case("wrap-int32", rand(5, dtype=np.int32), [5, 3], "wrap")
pad_case("wrap-negative-pads", rand(4, 6), [-1, 2, 3, -2], "wrap")
pad_case("wrap-uint8-nchw", rand(1, 2, 3, 4, dtype=np.uint8, low=0, high=20), [0, 0, 2, 1, 0, 0, 1, 3], "wrap")
pad_case("wrap-float16", rand(2, 3, dtype=np.float16), [1, 3, 2, 0], "wrap")
pad_case("wrap-bool", rand(3, 2, dtype=np.bool_), [3, 1, 0, 2], "wrap")

# axes (opset 18): a subset of the dims, negative and int32 axes, any order.
pad_case("axes-constant-negative", rand(2, 3, 4), [1, 2], value=np.float32(-1), axes=[-1], opset=18)
pad_case("axes-reflect-unordered", rand(2, 3, 4, 5), [2, 1, 3, 0], "reflect", axes=[3, -3], opset=18)
pad_case("axes-edge-int32-axes", rand(3, 4, dtype=np.int64), [-1, 2], "edge", axes=[0], opset=18,
         axes_dtype=np.int32)
pad_case("axes-wrap-negative-pads", rand(2, 5, 3), [1, -2, -1, 2], "wrap", axes=[-1, 1])
pad_case("axes-constant-int8-crop", rand(4, 4, dtype=np.int8), [-1, 2], value=np.int8(5), axes=[1], opset=18)

# Pad-2 (opsets 7 to 10) takes pads and value as attributes.
case("constant-opset10-attributes",
     [helper.make_node("Pad", ["x"], ["y"], name="pad_node", pads=[1, 0, 0, 2], value=4.0)],
     {"x": rand(2, 3)}, ["y"], [], 10)
case("edge-opset7-attributes-crop",
     [helper.make_node("Pad", ["x"], ["y"], name="pad_node", pads=[0, 2, -1, 0], mode="edge")],
     {"x": rand(2, 3, dtype=np.float64)}, ["y"], [], 7)

# Inside a graph: computed data in, consumers after.
case("reflect-between-ops",
     [helper.make_node("Relu", ["x"], ["r"]),
      helper.make_node("Pad", ["r", "pads"], ["p"], name="pad_node", mode="reflect"),
      helper.make_node("Add", ["p", "b"], ["y"])],
     {"x": rand(1, 2, 4, 4), "b": rand(1, 2, 6, 6)}, ["y"], [const("pads", [0, 0, 1, 1, 0, 0, 1, 1], np.int64)], 13)


def numpy_pad(x, pads, mode="constant", value=0, axes=None):
    """ONNX Pad in numpy: negative pads crop, then np.pad pads."""
    rank = x.ndim
    axes = list(range(rank)) if axes is None else [a % rank for a in axes]
    widths, crop = [[0, 0] for _ in range(rank)], [slice(None)] * rank
    for i, axis in enumerate(axes):
        begin, end = pads[i], pads[i + len(axes)]
        crop[axis] = slice(max(-begin, 0), x.shape[axis] - max(-end, 0))
        widths[axis] = [max(begin, 0), max(end, 0)]
    x = x[tuple(crop)]
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode=mode)


# Element types onnxruntime has no Pad kernel for, checked against numpy.
X_BF16 = e2e.bfloat16(rand(3, 4))
X_I16 = rand(3, 5, dtype=np.int16)
X_U16 = rand(4, 3, dtype=np.uint16, low=0, high=2000)
NUMPY_CASES = []


def numpy_case(name, x, pads, mode=None, value=None, axes=None, bfloat16=False):
    names, inits = ["x", "pads"], [const("pads", pads, np.int64)]
    if value is not None or axes is not None:
        names.append("value" if value is not None else "")
        if value is not None:
            tensor = numpy_helper.from_array(np.asarray(value), "value")
            if bfloat16:
                tensor = helper.make_tensor("value", onnx.TensorProto.BFLOAT16, [],
                                            np.asarray(value, np.uint16).tobytes(), raw=True)
            inits.append(tensor)
    if axes is not None:
        names.append("axes")
        inits.append(const("axes", axes, np.int64))
    attrs = {} if mode is None else {"mode": mode}
    source = e2e.bfloat16_to_float(x) if bfloat16 else x
    fill = 0 if value is None else (e2e.bfloat16_to_float(value) if bfloat16 else value)
    expected = numpy_pad(source, pads, mode or "constant", fill, axes)
    if bfloat16:
        expected = e2e.bfloat16(expected)
    NUMPY_CASES.append((name, [helper.make_node("Pad", names, ["y"], name="pad_node", **attrs)],
                        {"x": x}, ["y"], inits, [expected]))


numpy_case("constant-bfloat16-value", X_BF16, [1, 0, 1, 2], value=e2e.bfloat16(np.float32(2.5)), bfloat16=True)
numpy_case("reflect-bfloat16", X_BF16, [2, 3, 1, -1], "reflect", bfloat16=True)
numpy_case("edge-bfloat16-axes", X_BF16, [3, 2], "edge", axes=[-1], bfloat16=True)
numpy_case("wrap-bfloat16", X_BF16, [-1, 4, 3, 0], "wrap", bfloat16=True)
# onnxruntime leaves the output uninitialized when a dim is cropped to
# nothing and then padded.
numpy_case("constant-crop-to-empty-then-pad", rand(3, 4), [-3, 1, 2, 0], value=np.float32(-1.5))
numpy_case("constant-int16", X_I16, [2, 0, 0, 1], value=np.int16(-300))
numpy_case("reflect-int16", X_I16, [1, 4, 2, 0], "reflect")
numpy_case("edge-uint16", X_U16, [0, 2, 3, 1], "edge")
numpy_case("wrap-uint16-negative", X_U16, [-2, 3, 1, -1], "wrap")


def main():
    cases = []
    for name, nodes, inputs, outputs, inits, opset, reference in CASES:
        model = e2e.make_model(name, nodes, inputs, outputs, inits, opset)
        options = {}
        if reference:
            options["reference"] = e2e.make_model(name, *reference[:1], inputs, outputs, reference[1], opset)
        cases.append((name, model, inputs, options))
    status = e2e.run_cases(sys.argv[1], cases)
    failed = 0
    for name, nodes, inputs, outputs, inits, expected in NUMPY_CASES:
        problem = e2e.check_numpy(sys.argv[1], name, e2e.make_model(name, nodes, inputs, outputs, inits, 19),
                              inputs, expected)
        if problem:
            failed += 1
            print(f"FAIL {name}: {problem}")
    print(f"{len(NUMPY_CASES) - failed} numpy-checked cases passed, {failed} failed")
    return 1 if status or failed else 0


if __name__ == "__main__":
    sys.exit(main())
