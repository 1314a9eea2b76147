# Slicing, gathers, scatters and the index-generating ops compute what
# onnxruntime computes (lib/Conversion/ONNXToLinalg/{Indexing,Slicing,
# Generators}.cpp): each case is a small model built with onnx.helper,
# compiled by onnx-compile into a shared library, run through the runtime's
# C API and compared with onnxruntime (utils/e2e.py), or with numpy where
# onnxruntime has no kernel for the element type. bfloat16 tensors are
# uint16 bit patterns (e2e.bfloat16). NonZero and Compress with a run-time
# condition or without an axis have outputs sized at run time (more of them
# in data-dependent.py).
#
# Gathers and scatters with indices out of range even after the negative
# wrap (invalid input, which onnxruntime rejects) must not crash: the kernels
# clamp every index into its dimension, so each such case runs in a child
# process and must return what numpy computes with the clamped indices.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import subprocess
import sys

import numpy as np
import onnx
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from compiled_model import CompiledModel  # noqa: E402
from onnx import TensorProto, helper, numpy_helper

CASES = []
RNG = np.random.default_rng(11)
INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


def case(name, nodes, inputs, outputs, inits=(), opset=18):
    CASES.append((name, nodes, inputs, outputs, list(inits), opset))


def rand(*shape, dtype=np.float32, low=-4, high=4):
    if dtype == np.bool_:
        return RNG.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return RNG.integers(max(low * 10, info.min), min(high * 10, info.max), shape).astype(dtype)
    return RNG.uniform(low, high, shape).astype(dtype)


def const(name, array, dtype=None):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def i64(*values):
    return np.array(values, dtype=np.int64)


def node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, name=f"{op.lower()}_node", **attrs)


# Slice: constant starts/ends/axes/steps, clamping, negative axes and steps.
def slice_case(name, x, starts, ends, axes=None, steps=None):
    names, inits = ["x", "starts", "ends"], [const("starts", starts, np.int64), const("ends", ends, np.int64)]
    if axes is not None:
        names.append("axes")
        inits.append(const("axes", axes, np.int64))
    if steps is not None:
        if axes is None:
            names.append("")
        names.append("steps")
        inits.append(const("steps", steps, np.int64))
    case(name, [node("Slice", names, ["y"])], {"x": x}, ["y"], inits)


slice_case("Slice-steps", rand(5, 7), [1, 0], [4, 7], [0, 1], [1, 2])
slice_case("Slice-no-axes", rand(5, 7), [1, 2], [-1, 6])
slice_case("Slice-negative-axis", rand(3, 4, 6), [-4], [INT64_MAX], [-1])
slice_case("Slice-negative-steps", rand(5, 7), [-1, 5], [INT64_MIN, 1], [1, 0], [-2, -3])
slice_case("Slice-reverse-all", rand(4, 6), [-1], [-100], [0], [-1])
slice_case("Slice-clamp", rand(4, 6), [-100, 2], [100, 1000], [0, 1], [1, 3])
slice_case("Slice-int64", rand(4, 6, dtype=np.int64), [3, -2], [0, -7], [0, 1], [-1, -2])
slice_case("Slice-float16", rand(4, 6, dtype=np.float16), [1], [4], [1])
slice_case("Slice-bool", rand(4, 6, dtype=np.bool_), [0, 5], [4, 0], [0, 1], [2, -1])
slice_case("Slice-uint8", rand(3, 5, dtype=np.uint8, low=0, high=20), [4], [0], [1], [-2])
# An empty slice (a graph output must hold elements: concatenated with x).
case("Slice-empty", [node("Slice", ["x", "starts", "ends", "axes"], ["e"]), helper.make_node("Concat", ["e", "x"], ["y"], axis=0)],
     {"x": rand(3, 4)}, ["y"], [const("starts", [2], np.int64), const("ends", [1], np.int64), const("axes", [0], np.int64)])
slice_case("Slice-bfloat16", e2e.bfloat16(rand(4, 6)), [3, 5], [0, 0], [0, 1], [-1, -2])

# Split: constant sizes, equal parts (opset 13 and 18's num_outputs).
case("Split-sizes", [node("Split", ["x", "s"], ["a", "b", "c"], axis=0)],
     {"x": rand(6, 4)}, ["a", "b", "c"], [const("s", [1, 2, 3], np.int64)])
case("Split-equal-negative-axis", [node("Split", ["x"], ["a", "b"], axis=-1)],
     {"x": rand(2, 3, 8, dtype=np.int32)}, ["a", "b"], opset=13)
case("Split-num-outputs-uneven", [node("Split", ["x"], ["a", "b", "c"], axis=1, num_outputs=3)],
     {"x": rand(2, 7, dtype=np.float16)}, ["a", "b", "c"])
case("Split-bool", [node("Split", ["x", "s"], ["a", "b"], axis=1)],
     {"x": rand(3, 5, dtype=np.bool_)}, ["a", "b"], [const("s", [4, 1], np.int64)])

# Tile.
case("Tile", [node("Tile", ["x", "r"], ["y"])], {"x": rand(2, 3)}, ["y"], [const("r", [2, 3], np.int64)])
case("Tile-int64-3d", [node("Tile", ["x", "r"], ["y"])], {"x": rand(2, 1, 3, dtype=np.int64)}, ["y"],
     [const("r", [1, 4, 2], np.int64)])
case("Tile-ones", [node("Tile", ["x", "r"], ["y"])], {"x": rand(2, 3)}, ["y"], [const("r", [1, 1], np.int64)])
case("Tile-bool", [node("Tile", ["x", "r"], ["y"])], {"x": rand(3, dtype=np.bool_)}, ["y"], [const("r", [3], np.int64)])

# DepthToSpace / SpaceToDepth.
case("DepthToSpace-DCR", [node("DepthToSpace", ["x"], ["y"], blocksize=2)], {"x": rand(2, 8, 2, 3)}, ["y"])
case("DepthToSpace-CRD", [node("DepthToSpace", ["x"], ["y"], blocksize=2, mode="CRD")], {"x": rand(1, 12, 3, 2)}, ["y"])
case("DepthToSpace-uint8", [node("DepthToSpace", ["x"], ["y"], blocksize=3)],
     {"x": rand(1, 9, 2, 2, dtype=np.uint8, low=0, high=20)}, ["y"])
case("SpaceToDepth", [node("SpaceToDepth", ["x"], ["y"], blocksize=2)], {"x": rand(2, 3, 4, 6)}, ["y"])
case("SpaceToDepth-float16", [node("SpaceToDepth", ["x"], ["y"], blocksize=3)],
     {"x": rand(1, 2, 6, 3, dtype=np.float16)}, ["y"])

# GatherElements / GatherND: run-time indices, negative ones included.
case("GatherElements-axis0", [node("GatherElements", ["x", "i"], ["y"], axis=0)],
     {"x": rand(4, 3), "i": np.array([[0, -1, 2], [3, 1, -4]], dtype=np.int64)}, ["y"])
case("GatherElements-axis-neg-int32-indices", [node("GatherElements", ["x", "i"], ["y"], axis=-1)],
     {"x": rand(2, 3, 5, dtype=np.int64), "i": RNG.integers(-5, 5, (2, 2, 4)).astype(np.int32)}, ["y"])
case("GatherElements-float16", [node("GatherElements", ["x", "i"], ["y"], axis=1)],
     {"x": rand(3, 4, dtype=np.float16), "i": RNG.integers(0, 4, (3, 6)).astype(np.int64)}, ["y"])
case("GatherElements-bfloat16", [node("GatherElements", ["x", "i"], ["y"], axis=1)],
     {"x": e2e.bfloat16(rand(2, 6)), "i": np.array([[0, 5, -1], [3, -6, 2]], dtype=np.int64)}, ["y"])
case("GatherND-full-tuples", [node("GatherND", ["x", "i"], ["y"])],
     {"x": rand(3, 4), "i": np.array([[0, 1], [2, -1], [-3, 3]], dtype=np.int64)}, ["y"])
case("GatherND-slices", [node("GatherND", ["x", "i"], ["y"])],
     {"x": rand(4, 3, 2, dtype=np.int32), "i": np.array([[[1], [-1]], [[0], [2]]], dtype=np.int64)}, ["y"])
case("GatherND-batch-dims", [node("GatherND", ["x", "i"], ["y"], batch_dims=1)],
     {"x": rand(2, 3, 4), "i": np.array([[[1, 2], [0, -1]], [[2, 3], [1, 0]]], dtype=np.int64)}, ["y"])
case("GatherND-bool", [node("GatherND", ["x", "i"], ["y"])],
     {"x": rand(3, 5, dtype=np.bool_), "i": np.array([[2], [0]], dtype=np.int64)}, ["y"])

# ScatterElements / ScatterND: reduction none (unique indices), add/mul/max/min.
case("ScatterElements-none-axis1", [node("ScatterElements", ["x", "i", "u"], ["y"], axis=1)],
     {"x": rand(3, 5), "i": np.array([[0, -1], [2, 3], [-2, 1]], dtype=np.int64), "u": rand(3, 2)}, ["y"])
case("ScatterElements-none-int32-indices-float16",
     [node("ScatterElements", ["x", "i", "u"], ["y"], axis=0)],
     {"x": rand(4, 3, dtype=np.float16), "i": np.array([[3, 0, 1]], dtype=np.int32),
      "u": rand(1, 3, dtype=np.float16)}, ["y"])
for reduction in ["add", "mul", "max", "min"]:
    case(f"ScatterElements-{reduction}-duplicates",
         [node("ScatterElements", ["x", "i", "u"], ["y"], axis=-1, reduction=reduction)],
         {"x": rand(2, 4), "i": np.array([[1, 1, -1], [0, 2, 0]], dtype=np.int64), "u": rand(2, 3)}, ["y"])
case("ScatterElements-add-int64", [node("ScatterElements", ["x", "i", "u"], ["y"], axis=0, reduction="add")],
     {"x": rand(3, 2, dtype=np.int64), "i": np.array([[0, 2], [0, 2]], dtype=np.int64),
      "u": rand(2, 2, dtype=np.int64)}, ["y"])
case("ScatterElements-max-uint8", [node("ScatterElements", ["x", "i", "u"], ["y"], axis=1, reduction="max")],
     {"x": np.array([[1, 200, 3], [4, 5, 6]], np.uint8), "i": np.array([[0, 0], [2, 1]], np.int64),
      "u": np.array([[250, 7], [1, 9]], np.uint8)}, ["y"])
case("ScatterElements-none-bool", [node("ScatterElements", ["x", "i", "u"], ["y"], axis=0)],
     {"x": rand(3, 3, dtype=np.bool_), "i": np.array([[2, 0, 1]], dtype=np.int64),
      "u": rand(1, 3, dtype=np.bool_)}, ["y"])
case("ScatterND-none-slices", [node("ScatterND", ["x", "i", "u"], ["y"])],
     {"x": rand(4, 3, 2), "i": np.array([[0], [-1]], dtype=np.int64), "u": rand(2, 3, 2)}, ["y"])
case("ScatterND-none-elements", [node("ScatterND", ["x", "i", "u"], ["y"])],
     {"x": rand(3, 4, dtype=np.int64), "i": np.array([[[0, 1], [2, -1]], [[1, 0], [-3, 2]]], dtype=np.int64),
      "u": rand(2, 2, dtype=np.int64)}, ["y"])
case("ScatterND-none-float16", [node("ScatterND", ["x", "i", "u"], ["y"])],
     {"x": rand(3, 2, dtype=np.float16), "i": np.array([[1]], dtype=np.int64),
      "u": rand(1, 2, dtype=np.float16)}, ["y"])
case("ScatterND-none-bool", [node("ScatterND", ["x", "i", "u"], ["y"])],
     {"x": rand(2, 3, dtype=np.bool_), "i": np.array([[1, 2], [0, 0]], dtype=np.int64),
      "u": np.array([True, True])}, ["y"])
case("ScatterND-none-bfloat16", [node("ScatterND", ["x", "i", "u"], ["y"])],
     {"x": e2e.bfloat16(rand(4, 6)), "i": np.array([[2], [-1]], dtype=np.int64),
      "u": e2e.bfloat16(rand(2, 6))}, ["y"])
case("ScatterND-add-duplicates", [node("ScatterND", ["x", "i", "u"], ["y"], reduction="add")],
     {"x": rand(3, 2), "i": np.array([[1], [1], [0]], dtype=np.int64), "u": rand(3, 2)}, ["y"])
case("ScatterND-add-elements-duplicates", [node("ScatterND", ["x", "i", "u"], ["y"], reduction="add")],
     {"x": rand(2, 3, dtype=np.int64), "i": np.array([[1, 2], [-1, -1], [0, 0]], dtype=np.int64),
      "u": rand(3, dtype=np.int64)}, ["y"])
case("ScatterND-mul-int32", [node("ScatterND", ["x", "i", "u"], ["y"], reduction="mul")],
     {"x": rand(3, 2, dtype=np.int32), "i": np.array([[2], [2]], dtype=np.int64), "u": rand(2, 2, dtype=np.int32)},
     ["y"])

# Trilu, EyeLike, OneHot.
case("Trilu-upper", [node("Trilu", ["x"], ["y"])], {"x": rand(4, 5)}, ["y"])
case("Trilu-lower-k", [node("Trilu", ["x", "k"], ["y"], upper=0)], {"x": rand(2, 4, 3), "k": np.array(-1, np.int64)},
     ["y"])
case("Trilu-upper-k-int64", [node("Trilu", ["x", "k"], ["y"], upper=1)],
     {"x": rand(3, 5, dtype=np.int64)}, ["y"], [const("k", 2, np.int64)])
case("Trilu-bool", [node("Trilu", ["x"], ["y"], upper=0)], {"x": rand(4, 4, dtype=np.bool_)}, ["y"])
case("EyeLike", [node("EyeLike", ["x"], ["y"], k=1)], {"x": rand(3, 4)}, ["y"])
case("EyeLike-int64-negative-k", [node("EyeLike", ["x"], ["y"], k=-1, dtype=TensorProto.INT64)],
     {"x": rand(4, 3)}, ["y"])
case("EyeLike-float64", [node("EyeLike", ["x"], ["y"])], {"x": rand(3, 3, dtype=np.int32)}, ["y"])
case("OneHot-negative-indices", [node("OneHot", ["i", "d", "v"], ["y"], axis=-1)],
     {"i": np.array([[0, -1, 3], [4, -5, 7]], dtype=np.int64)}, ["y"],
     [const("d", 5, np.int64), const("v", [0.0, 1.0], np.float32)])
# Float indices are integral here: the spec casts them to int64 (2.7 -> 2),
# onnxruntime compares them as floats (2.7 matches nothing).
case("OneHot-axis0-float-indices", [node("OneHot", ["i", "d", "v"], ["y"], axis=0)],
     {"i": np.array([1.0, 3.0, -1.0], dtype=np.float32)}, ["y"],
     [const("d", 4.0, np.float32), const("v", [-2, 5], np.float32)])
case("OneHot-int32-middle-axis", [node("OneHot", ["i", "d", "v"], ["y"], axis=1)],
     {"i": np.array([[0, 2], [1, -1]], dtype=np.int32)}, ["y"],
     [const("d", [3], np.int32), const("v", [1, 9], np.float32)])
case("OneHot-int32-values", [node("OneHot", ["i", "d", "v"], ["y"])],
     {"i": np.array([2, 0, 5], dtype=np.int64)}, ["y"],
     [const("d", 3.0, np.float32), const("v", [4, -6], np.int32)])

# Range (over 4096 elements it is not folded), ConstantOfShape, Shape, Size.
case("Range-float-lowered", [node("Range", ["s", "l", "d"], ["y"])], {}, ["y"],
     [const("s", 0.5, np.float32), const("l", 1250.5, np.float32), const("d", 0.25, np.float32)])
case("Range-int64-negative-delta-lowered", [node("Range", ["s", "l", "d"], ["y"])], {}, ["y"],
     [const("s", 7, np.int64), const("l", -10000, np.int64), const("d", -3, np.int64)])
case("Range-int32-folded", [node("Range", ["s", "l", "d"], ["y"])], {}, ["y"],
     [const("s", 2, np.int32), const("l", 11, np.int32), const("d", 2, np.int32)])
case("Range-plus-input", [node("Range", ["s", "l", "d"], ["r"]), helper.make_node("Add", ["r", "x"], ["y"])],
     {"x": rand(5000, dtype=np.float64)}, ["y"],
     [const("s", -3.0, np.float64), const("l", 2.0, np.float64), const("d", 0.001, np.float64)])
case("ConstantOfShape-int64", [node("ConstantOfShape", ["s"], ["y"], value=helper.make_tensor("v", TensorProto.INT64, [1], [7]))],
     {}, ["y"], [const("s", [2, 3], np.int64)])
case("ConstantOfShape-default", [node("ConstantOfShape", ["s"], ["c"]), helper.make_node("Add", ["c", "x"], ["y"])],
     {"x": rand(3, 2)}, ["y"], [const("s", [3, 2], np.int64)])
case("ConstantOfShape-shape-of-input-bool",
     [node("Shape", ["x"], ["s"]),
      node("ConstantOfShape", ["s"], ["y"], value=helper.make_tensor("v", TensorProto.BOOL, [1], [True]))],
     {"x": rand(2, 5)}, ["y"])
case("Shape-start-end", [node("Shape", ["x"], ["y"], start=-2, end=3)], {"x": rand(2, 3, 4, 5)}, ["y"], opset=15)
case("Size", [node("Size", ["x"], ["y"])], {"x": rand(2, 3, 4, dtype=np.uint8, low=0, high=2)}, ["y"])

# Dropout at inference: identity, all-true mask.
case("Dropout-mask", [node("Dropout", ["x", "r"], ["y", "m"])], {"x": rand(3, 4)}, ["y", "m"],
     [const("r", 0.4, np.float32)])
case("Dropout-training-false-float16", [node("Dropout", ["x", "r", "t"], ["y"])],
     {"x": rand(2, 3, dtype=np.float16)}, ["y"], [const("r", 0.5, np.float32), const("t", False, np.bool_)])

# CumSum: exclusive/reverse, negative and 1-D axis, several element types.
for exclusive in [0, 1]:
    for reverse in [0, 1]:
        case(f"CumSum-exclusive{exclusive}-reverse{reverse}",
             [node("CumSum", ["x", "a"], ["y"], exclusive=exclusive, reverse=reverse)],
             {"x": rand(3, 5, 2)}, ["y"], [const("a", 1, np.int64)])
case("CumSum-negative-axis-int64", [node("CumSum", ["x", "a"], ["y"], reverse=1)],
     {"x": rand(2, 6, dtype=np.int64)}, ["y"], [const("a", -1, np.int32)])
case("CumSum-1d-axis-int32", [node("CumSum", ["x", "a"], ["y"], exclusive=1)],
     {"x": rand(5, 3, dtype=np.int32)}, ["y"], [const("a", [0], np.int64)])
case("CumSum-float64", [node("CumSum", ["x", "a"], ["y"])], {"x": rand(7, dtype=np.float64)}, ["y"],
     [const("a", 0, np.int64)])

# Outputs sized at run time: NonZero, Compress with a run-time condition or
# without an axis (their shapes also feed a Shape).
case("NonZero", [node("NonZero", ["x"], ["n"]), helper.make_node("Shape", ["n"], ["y"])],
     {"x": np.where(rand(3, 4) > 0, 1.0, 0.0).astype(np.float32)}, ["n", "y"])
case("Compress-runtime-condition", [node("Compress", ["x", "c"], ["p"], axis=0),
                                    helper.make_node("Shape", ["p"], ["y"])],
     {"x": rand(3, 4), "c": np.array([True, False, True])}, ["p", "y"])
case("Compress-constant-condition-no-axis", [node("Compress", ["x", "c"], ["p"])],
     {"x": rand(3, 4)}, ["p"], [const("c", [True, False, True], np.bool_)])

# Compress with a constant condition along an axis: a static gather.
case("Compress-constant-condition", [node("Compress", ["x", "c"], ["y"], axis=1)], {"x": rand(3, 5)}, ["y"],
     [const("c", [True, False, True, True], np.bool_)])

# Types onnxruntime has no kernel for, checked against numpy instead.
X_F16 = rand(4, 3, dtype=np.float16)
X_U32 = np.array([[1, 2, 4000000000], [3, 4, 5]], dtype=np.uint32)
ONEHOT_U8 = np.array([0, 3, 200], dtype=np.uint8)
X_BF16 = e2e.bfloat16(rand(3, 5))
NUMPY_CASES = [
    ("CumSum-bfloat16-reverse", [node("CumSum", ["x", "a"], ["y"], reverse=1)], {"x": X_BF16}, ["y"],
     [const("a", 1, np.int64)],
     [e2e.bfloat16(np.flip(np.cumsum(np.flip(e2e.bfloat16_to_float(X_BF16), 1), 1), 1))]),
    ("Trilu-bfloat16", [node("Trilu", ["x"], ["y"], upper=0)], {"x": X_BF16}, ["y"], [],
     [e2e.bfloat16(np.tril(e2e.bfloat16_to_float(X_BF16)))]),
    ("CumSum-float16-exclusive", [node("CumSum", ["x", "a"], ["y"], exclusive=1)], {"x": X_F16}, ["y"],
     [const("a", 0, np.int64)],
     [np.concatenate([np.zeros((1, 3)), np.cumsum(X_F16.astype(np.float32), 0)[:-1]]).astype(np.float16)]),
    ("CumSum-uint32-reverse", [node("CumSum", ["x", "a"], ["y"], reverse=1)], {"x": X_U32}, ["y"],
     [const("a", 1, np.int64)], [np.flip(np.cumsum(np.flip(X_U32, 1), 1, dtype=np.uint32), 1)]),
    ("OneHot-uint8-indices", [node("OneHot", ["i", "d", "v"], ["y"])], {"i": ONEHOT_U8}, ["y"],
     [const("d", 4, np.int64), const("v", [0, 1], np.int64)],
     [(ONEHOT_U8[:, None] == np.arange(4)[None, :]).astype(np.int64)]),
]


# Out-of-range indices: 1000, -1000 and the extremes of the index type, all
# clamped into the addressed dimension after the negative wrap.
def clamp_indices(indices, size):
    """ONNX's wrap of negative indices, then a clamp into [0, size - 1], as
    the compiled kernels do (Python integers: no overflow at the extremes)."""
    wrapped = [i + size if i < 0 else i for i in np.asarray(indices).ravel().tolist()]
    return np.array([min(max(i, 0), size - 1) for i in wrapped], np.int64).reshape(np.shape(indices))


def gather_nd_reference(data, indices, batch_dims=0):
    k = indices.shape[-1]
    out = np.empty(indices.shape[:-1] + data.shape[batch_dims + k:], data.dtype)
    for pos in np.ndindex(*indices.shape[:-1]):
        tuple_ = [clamp_indices(i, data.shape[batch_dims + j]) for j, i in enumerate(indices[pos])]
        out[pos] = data[tuple(pos[:batch_dims]) + tuple(tuple_)]
    return out


REDUCE = {"none": lambda old, new: new, "add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}


def scatter_elements_reference(data, indices, updates, axis, reduction="none"):
    out, clamped = data.copy(), clamp_indices(indices, data.shape[axis])
    for pos in np.ndindex(*indices.shape):  # in index order: the last duplicate wins
        target = list(pos)
        target[axis] = clamped[pos]
        out[tuple(target)] = REDUCE[reduction](out[tuple(target)], updates[pos])
    return out


def scatter_nd_reference(data, indices, updates, reduction="none"):
    out = data.copy()
    for pos in np.ndindex(*indices.shape[:-1]):
        target = tuple(clamp_indices(i, data.shape[j]) for j, i in enumerate(indices[pos]))
        out[target] = REDUCE[reduction](out[target], updates[pos])
    return out


I32 = np.iinfo(np.int32)
OOB_I64 = [1000, -1000, INT64_MAX, INT64_MIN]
OOB_X1, OOB_X2, OOB_X3 = rand(5, 3), rand(2, 4, 3, dtype=np.int64), rand(3, 4)
OOB_X4, OOB_X5 = rand(2, 3, 4), rand(3, 4, 2, dtype=np.int32)
OOB_I1 = np.array([[0, 1000, -1000], [4, -1, INT64_MAX], [INT64_MIN, 5, -6]], np.int64)
OOB_I2 = np.array([1000, -1000, 2, -3, I32.max, I32.min, 4, -5], np.int32)
OOB_I3 = np.array([[0, 1000, -1000, 3, -4], [4, -5, INT64_MAX, INT64_MIN, 1], [2, -1, 999, -999, 0]], np.int64)
OOB_I4 = np.array([[[1000, 2], [0, -1000]], [[-4, 3], [3, 4]]], np.int64)
OOB_I5 = np.array([[1000], [-1000], [2], [INT64_MIN]], np.int64)
OOB_S1 = (rand(4, 3), np.array([[1000, -1000, 2], [-5, 4, INT64_MAX]], np.int64), rand(2, 3))
OOB_S2 = (rand(2, 5, dtype=np.int64), np.array([[1000, -1000, 7], [-7, 5, INT64_MIN]], np.int64),
          rand(2, 3, dtype=np.int64))
OOB_S3 = (rand(3, 4, dtype=np.float16), np.array([[1, 1000, -1000]], np.int32), rand(1, 3, dtype=np.float16))
OOB_N1 = (rand(4, 3), np.array([[1000], [-1000]], np.int64), rand(2, 3))
OOB_N2 = (rand(3, 4, dtype=np.int32), np.array([[1000, -1000], [-4, 4], [INT64_MAX, INT64_MIN]], np.int64),
          rand(3, dtype=np.int32))
OUT_OF_RANGE_CASES = [
    ("Gather-out-of-range", [node("Gather", ["x", "i"], ["y"], axis=0)], {"x": OOB_X1, "i": OOB_I1},
     [np.take(OOB_X1, clamp_indices(OOB_I1, 5), axis=0)]),
    ("Gather-out-of-range-int32-axis1", [node("Gather", ["x", "i"], ["y"], axis=1)], {"x": OOB_X2, "i": OOB_I2},
     [np.take(OOB_X2, clamp_indices(OOB_I2, 4), axis=1)]),
    ("GatherElements-out-of-range", [node("GatherElements", ["x", "i"], ["y"], axis=1)], {"x": OOB_X3, "i": OOB_I3},
     [np.take_along_axis(OOB_X3, clamp_indices(OOB_I3, 4), axis=1)]),
    ("GatherND-out-of-range-batch-dims", [node("GatherND", ["x", "i"], ["y"], batch_dims=1)],
     {"x": OOB_X4, "i": OOB_I4}, [gather_nd_reference(OOB_X4, OOB_I4, 1)]),
    ("GatherND-out-of-range-slices", [node("GatherND", ["x", "i"], ["y"])], {"x": OOB_X5, "i": OOB_I5},
     [gather_nd_reference(OOB_X5, OOB_I5)]),
    ("ScatterElements-out-of-range", [node("ScatterElements", ["x", "i", "u"], ["y"], axis=0)],
     dict(zip("xiu", OOB_S1)), [scatter_elements_reference(*OOB_S1, axis=0)]),
    ("ScatterElements-out-of-range-add", [node("ScatterElements", ["x", "i", "u"], ["y"], axis=1, reduction="add")],
     dict(zip("xiu", OOB_S2)), [scatter_elements_reference(*OOB_S2, axis=1, reduction="add")]),
    ("ScatterElements-out-of-range-int32-float16", [node("ScatterElements", ["x", "i", "u"], ["y"], axis=-1)],
     dict(zip("xiu", OOB_S3)), [scatter_elements_reference(*OOB_S3, axis=1)]),
    ("ScatterND-out-of-range", [node("ScatterND", ["x", "i", "u"], ["y"])], dict(zip("xiu", OOB_N1)),
     [scatter_nd_reference(*OOB_N1)]),
    ("ScatterND-out-of-range-mul", [node("ScatterND", ["x", "i", "u"], ["y"], reduction="mul")],
     dict(zip("xiu", OOB_N2)), [scatter_nd_reference(*OOB_N2, reduction="mul")]),
]

# Runs a compiled model in a child process: argv = utils dir, library,
# inputs .npz, outputs .npz.
RUNNER = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from compiled_model import CompiledModel
with np.load(sys.argv[3]) as feeds:
    inputs = {k: feeds[k] for k in feeds.files}
np.savez(sys.argv[4], *CompiledModel(sys.argv[2]).run(inputs))
"""


def check_out_of_range(workdir, name, model, inputs, expected):
    """None if the compiled `model` returns (in a child process, so that a
    crash is a failure rather than the end of the test) and computes
    `expected` on `inputs`."""
    path = os.path.join(workdir, name + ".onnx")
    library = os.path.join(workdir, name + ".so")
    feeds, results = os.path.join(workdir, name + ".in.npz"), os.path.join(workdir, name + ".out.npz")
    onnx.save(model, path)
    try:
        e2e.compile_model(path, library)
    except e2e.CompiledOnly:
        return None
    except RuntimeError as e:
        return str(e).splitlines()[0]
    np.savez(feeds, **inputs)
    run = subprocess.run([sys.executable, "-c", RUNNER, sys.argv[2], library, feeds, results],
                         capture_output=True, text=True, timeout=120)
    if run.returncode < 0:
        return f"crashed (signal {-run.returncode})"
    if run.returncode:
        return "failed: " + (run.stderr.strip().splitlines() or ["?"])[-1]
    with np.load(results) as got:
        for i, want in enumerate(expected):
            problem = e2e.compare(got[f"arr_{i}"], want)
            if problem:
                return problem
    return None


FAILURES = [
    # Indices wider than the data: out of bounds whatever their values.
    ("GatherElements-indices-wider-than-data", [node("GatherElements", ["x", "i"], ["y"], axis=0)],
     {"x": rand(4, 3), "i": np.zeros((2, 5), np.int64)}, ["y"], [], "node 'gatherelements_node'",
     "indices dim 1 (5) exceeds data's (3)"),
]


def check_failure(workdir, name, model, expected_node, expected_message):
    """None if compiling `model` fails with an error naming `expected_node`
    and containing `expected_message`, else what happened."""
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    try:
        e2e.compile_model(path, os.path.join(workdir, name + ".so"))
    except e2e.CompiledOnly:
        pass
    except RuntimeError as e:
        message = str(e)
        if expected_node in message and expected_message in message:
            return None
        return "unexpected error: " + message.splitlines()[0]
    return f"compiled, expected an error: {expected_message}"


def main():
    cases = [(name, e2e.make_model(name, nodes, inputs, outputs, inits, opset), inputs)
             for name, nodes, inputs, outputs, inits, opset in CASES]
    status = e2e.run_cases(sys.argv[1], cases)
    failed = 0
    for name, nodes, inputs, outputs, inits, expected in NUMPY_CASES:
        problem = e2e.check_numpy(sys.argv[1], name, e2e.make_model(name, nodes, inputs, outputs, inits, 18),
                              inputs, expected)
        if problem:
            failed += 1
            print(f"FAIL {name}: {problem}")
    for name, nodes, inputs, outputs, inits, expected_node, expected_message in FAILURES:
        problem = check_failure(sys.argv[1], name, e2e.make_model(name, nodes, inputs, outputs, inits, 18),
                                expected_node, expected_message)
        if problem:
            failed += 1
            print(f"FAIL {name}: {problem}")
    for name, nodes, inputs, expected in OUT_OF_RANGE_CASES:
        problem = check_out_of_range(sys.argv[1], name, e2e.make_model(name, nodes, inputs, ["y"], [], 18),
                                     inputs, expected)
        if problem:
            failed += 1
            print(f"FAIL {name}: {problem}")
    total = len(NUMPY_CASES) + len(FAILURES) + len(OUT_OF_RANGE_CASES)
    print(f"{total - failed} numpy-checked, expected-error and out-of-range cases passed, {failed} failed")
    return 1 if status or failed else 0


if __name__ == "__main__":
    sys.exit(main())
