# The selection, contraction, resampling, normalization and bitwise ops
# compute what onnxruntime computes: ArgMax/ArgMin, TopK, Hardmax, Einsum,
# ConvTranspose, Resize, InstanceNormalization, LRN, LpNormalization,
# LpPool, GlobalLpPool, MeanVarianceNormalization, BitShift and
# BitwiseAnd/Or/Xor/Not, with their interesting attributes and in the
# element types ONNX allows them. Each case is a small model compiled into a
# shared library and run through the runtime's C API (utils/e2e.py).
#
# Where onnxruntime has no kernel for an (op, type) pair, the case names a
# reference: the same graph with the narrow type's inputs cast to a type
# onnxruntime computes in and its outputs cast back, which is how the
# lowerings compute f16 and bf16 (in f32, rounded once).
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

T = TensorProto
ONNX_TYPES = {"f32": T.FLOAT, "f16": T.FLOAT16, "bf16": T.BFLOAT16, "f64": T.DOUBLE,
              "i64": T.INT64, "i32": T.INT32, "i8": T.INT8, "u8": T.UINT8, "u16": T.UINT16,
              "u32": T.UINT32, "u64": T.UINT64, "bool": T.BOOL}
NUMPY_TYPES = {"f32": np.float32, "f16": np.float16, "f64": np.float64, "i64": np.int64,
               "i32": np.int32, "i8": np.int8, "u8": np.uint8, "u16": np.uint16,
               "u32": np.uint32, "u64": np.uint64}
FLOATS = ["f32", "f16", "bf16", "f64"]
RANGES = {"i64": (-1000, 1000), "i32": (-1000, 1000), "i8": (-100, 100), "u8": (0, 255),
          "u16": (0, 65535), "u32": (0, 4_000_000_000), "u64": (0, 2**64 - 1)}

CASES = []
RNG = np.random.default_rng(5)


def values(type_name, *shape, low=None, high=None):
    """Random inputs: floats uniform in [low, high) (default [-2, 2)),
    integers uniform in [low, high] (default RANGES)."""
    if type_name in RANGES:
        lo, hi = RANGES[type_name]
        lo = lo if low is None else low
        hi = hi if high is None else high
        return RNG.integers(lo, hi, shape, endpoint=True, dtype=NUMPY_TYPES[type_name])
    v = RNG.uniform(-2.0 if low is None else low, 2.0 if high is None else high, shape)
    return e2e.bfloat16(v) if type_name == "bf16" else v.astype(NUMPY_TYPES[type_name])


def ties(type_name, *shape, levels=4):
    """Values drawn from a few small integers, so that equal values occur."""
    v = RNG.integers(0, levels, shape).astype(np.float64)
    if type_name == "bf16":
        return e2e.bfloat16(v)
    return v.astype(NUMPY_TYPES[type_name])


def const(name, array, type_name=None):
    """An initializer; `type_name` "bf16" stores float values as bfloat16."""
    if type_name == "bf16" or isinstance(array, e2e.BFloat16Bits):
        bits = array if isinstance(array, e2e.BFloat16Bits) else e2e.bfloat16(array)
        return helper.make_tensor(name, T.BFLOAT16, bits.shape, bits.tobytes(), raw=True)
    return numpy_helper.from_array(np.asarray(array), name)


def i64(*values_):
    return np.array(values_, dtype=np.int64)


def case(name, nodes, inputs, outputs=("y",), inits=(), opset=17, via=None, tolerance=None):
    """A case; `via` = (narrow, wide) type names checks it against the graph
    computed in `wide` (see e2e.widened)."""
    model = e2e.make_model(name, nodes, inputs, list(outputs), inits, opset)
    options = {}
    if via:
        options["reference"] = e2e.widened(model, ONNX_TYPES[via[0]], ONNX_TYPES[via[1]])
    if tolerance:
        options["tolerance"] = tolerance
    CASES.append((name, model, inputs, options))


def node(op, inputs, outputs=("y",), **attrs):
    return helper.make_node(op, list(inputs), list(outputs), **attrs)


def bf16_via_f32(type_name, missing=()):
    """The reference for `type_name`: bf16, and the types in `missing`
    (onnxruntime has no kernel for them), computed in f32."""
    return (type_name, "f32") if type_name == "bf16" or type_name in missing else None


# --- ArgMax / ArgMin ---------------------------------------------------------

# Ties tell select_last_index apart; onnxruntime has ArgMax/ArgMin for
# f32, f64, f16 (not bf16), i32, i64, i8 and u8.
for t in FLOATS + ["i64", "i32", "i8", "u8"]:
    x = ties(t, 3, 5, 4) if t in FLOATS else values(t, 3, 5, 4, low=RANGES[t][1] - 3)
    for op in ["ArgMax", "ArgMin"]:
        case(f"{op}-{t}", [node(op, ["x"], axis=1)], {"x": x}, via=bf16_via_f32(t))
        case(f"{op}-last-nokeep-{t}", [node(op, ["x"], axis=-1, keepdims=0, select_last_index=1)],
             {"x": x}, via=bf16_via_f32(t))
case("ArgMax-axis0-1d", [node("ArgMax", ["x"], keepdims=0)], {"x": values("f32", 7)})
case("ArgMin-u32-large", [node("ArgMin", ["x"], axis=0, keepdims=0)], {"x": values("u32", 6, 3)},
     via=("u32", "i64"))
# The first element along the axis seeds the search: a leading NaN wins,
# a later one is skipped; all -inf picks the first (or last).
nan_rows = np.array([[1, np.nan, 3, 2], [np.nan, 1, 5, 0], [-np.inf] * 4], dtype=np.float32)
case("ArgMax-nan-inf", [node("ArgMax", ["x"], axis=1)], {"x": nan_rows})
case("ArgMin-nan-inf-last", [node("ArgMin", ["x"], axis=1, select_last_index=1)],
     {"x": -nan_rows})

# --- TopK ----------------------------------------------------------------------

# onnxruntime has TopK for f32, f64, i32 and i64: f16 is checked in f32,
# i8 and u8 (above 127: unsigned order) in i64.
for t in ["f32", "f16", "f64", "i64", "i32", "i8", "u8"]:
    x = ties(t, 3, 9, levels=6) if t in FLOATS else values(t, 3, 9, low=RANGES[t][1] - 5)
    via = {"f16": ("f16", "f32"), "i8": ("i8", "i64"), "u8": ("u8", "i64")}.get(t)
    case(f"TopK-{t}", [node("TopK", ["x", "k"], ["v", "i"])], {"x": x}, ["v", "i"], [const("k", i64(4))],
         via=via)
    case(f"TopK-smallest-{t}", [node("TopK", ["x", "k"], ["v", "i"], axis=0, largest=0)],
         {"x": x}, ["v", "i"], [const("k", i64(2))], via=via)
case("TopK-3d-middle-all", [node("TopK", ["x", "k"], ["v", "i"], axis=-2)],
     {"x": values("f32", 2, 6, 3)}, ["v", "i"], [const("k", i64(6))])
case("TopK-u32-large", [node("TopK", ["x", "k"], ["v", "i"])], {"x": values("u32", 2, 8)}, ["v", "i"],
     [const("k", i64(3))], via=("u32", "i64"))
# TopK-1 takes k as an attribute.
case("TopK-opset1", [node("TopK", ["x"], ["v", "i"], k=2)], {"x": values("f32", 3, 5)}, ["v", "i"],
     opset=9)
# sorted=0 leaves the order to the implementation: compare what does not
# depend on it.
case("TopK-unsorted", [node("TopK", ["x", "k"], ["v", "i"], sorted=0),
                       node("ReduceSum", ["v", "axes"], ["vs"]),
                       node("Cast", ["i"], ["fi"], to=T.FLOAT),
                       node("ReduceSum", ["fi", "axes"], ["is"])],
     {"x": values("f32", 4, 10)}, ["vs", "is"], [const("k", i64(5)), const("axes", i64(1))])
# --- Hardmax -------------------------------------------------------------------

for t in FLOATS:
    case(f"Hardmax-{t}", [node("Hardmax", ["x"])], {"x": ties(t, 2, 3, 5)},
         via=bf16_via_f32(t, missing=("f64",)))
case("Hardmax-axis1", [node("Hardmax", ["x"], axis=1)], {"x": ties("f32", 2, 4, 3)})
# Before opset 13 Hardmax works on the input flattened to 2-D at axis.
case("Hardmax-opset11", [node("Hardmax", ["x"], axis=1)], {"x": ties("f32", 2, 3, 4, levels=9)}, opset=11)


# --- Resize --------------------------------------------------------------------


def resize(name, x, scales=None, sizes=None, opset=17, via=None, tolerance=None, **attrs):
    """Resize with constant scales or sizes (the empty roi of opset 11+)."""
    inits = [const("roi", np.zeros(0, np.float32))]
    inputs = ["x", "roi"]
    if scales is not None:
        inits.append(const("scales", np.array(scales, np.float32)))
        inputs.append("scales")
    else:
        inits.append(const("sizes", i64(*sizes)))
        inputs += ["", "sizes"]
    case(f"Resize-{name}", [node("Resize", inputs, **attrs)], {"x": x}, inits=inits, opset=opset, via=via,
         tolerance=tolerance)


image = values("f32", 2, 3, 5, 6)
resize("nearest-up2", image, scales=[1, 1, 2, 2])
resize("nearest-asymmetric-floor", image, scales=[1, 1, 2, 3], coordinate_transformation_mode="asymmetric",
       nearest_mode="floor")
resize("nearest-down-prefer-ceil", image, scales=[1, 1, 0.5, 0.6], nearest_mode="round_prefer_ceil")
resize("nearest-align-corners-ceil", image, sizes=[2, 3, 7, 9], coordinate_transformation_mode="align_corners",
       nearest_mode="ceil")
# tf_half_pixel_for_nn is deprecated from opset 13 on.
resize("nearest-tf-half-pixel", image, scales=[1, 1, 1.5, 2.5], coordinate_transformation_mode="tf_half_pixel_for_nn",
       opset=12)
resize("nearest-pytorch-half-pixel", image, sizes=[2, 3, 1, 11], coordinate_transformation_mode="pytorch_half_pixel")
# Rounding halves: 3 -> 6 with half_pixel puts samples at x.25/x.75; 4 -> 2
# with asymmetric at exact integers; 2 -> 5 with align_corners at halves.
resize("nearest-halves-floor", values("f32", 1, 1, 2, 2), sizes=[1, 1, 5, 5],
       coordinate_transformation_mode="align_corners")
resize("nearest-halves-ceil", values("f32", 1, 1, 2, 2), sizes=[1, 1, 5, 5],
       coordinate_transformation_mode="align_corners", nearest_mode="round_prefer_ceil")
# onnxruntime has Resize for f32, f16, i32, i8 and u8: i64 is checked in
# i32, f64 and bf16 in f32.
for t, via in [("u8", None), ("i8", None), ("i32", None), ("i64", ("i64", "i32")), ("f16", None),
               ("f64", ("f64", "f32")), ("bf16", ("bf16", "f32"))]:
    x = np.round(values(t, 1, 2, 3, 4) * 4) / 4 if t == "f64" else values(t, 1, 2, 3, 4)  # exact in f32
    resize(f"nearest-{t}", x, scales=[1, 1, 2, 1.5], via=via)
resize("nearest-bool", RNG.random((1, 1, 3, 4)) < 0.5, scales=[1, 1, 2, 1.5], via=("bool", "u8"))
resize("nearest-3d", values("f32", 2, 4, 5), scales=[1, 2, 0.6])
resize("nearest-all-axes", values("f32", 2, 3, 4), scales=[2, 1, 0.5])

resize("linear-up2", image, scales=[1, 1, 2, 2], mode="linear")
resize("linear-down", image, scales=[1, 1, 0.6, 0.5], mode="linear")
resize("linear-align-corners", image, sizes=[2, 3, 8, 4], mode="linear", coordinate_transformation_mode="align_corners")
resize("linear-asymmetric", image, scales=[1, 1, 1.5, 2.5], mode="linear", coordinate_transformation_mode="asymmetric")
resize("linear-pytorch-half-pixel", image, sizes=[2, 3, 1, 9], mode="linear",
       coordinate_transformation_mode="pytorch_half_pixel")
resize("linear-half-pixel-symmetric", image, scales=[1, 1, 2.5, 0.7], mode="linear",
       coordinate_transformation_mode="half_pixel_symmetric", opset=19)
for t in ["f16", "f64", "bf16"]:
    resize(f"linear-{t}", values(t, 1, 2, 3, 4), scales=[1, 1, 2, 1.5], mode="linear",
           via=bf16_via_f32(t, missing=("f64",)), tolerance=(1e-5, 1e-6) if t == "f64" else None)
# Integers interpolate in f32 and truncate toward zero.
for t in ["i32", "u8", "i8"]:
    resize(f"linear-{t}", values(t, 1, 2, 3, 4), scales=[1, 1, 1.7, 2.3], mode="linear")
resize("linear-2d", values("f32", 4, 5), scales=[2, 0.8], mode="linear")
resize("linear-trilinear", values("f32", 1, 2, 3, 4, 5), scales=[1, 1, 2, 1.5, 0.8], mode="linear")
# Resize-10: (X, scales), asymmetric coordinates; nearest truncates when
# upsampling and rounds up when downsampling.
for name, scales, mode in [("up", [1, 1, 2, 3], "nearest"), ("down", [1, 1, 0.5, 0.6], "nearest"),
                           ("linear", [1, 1, 1.5, 0.75], "linear")]:
    case(f"Resize-opset10-{name}", [node("Resize", ["x", "scales"], mode=mode)], {"x": values("f32", 1, 2, 4, 6)},
         inits=[const("scales", np.array(scales, np.float32))], opset=10)
# Opset 18: scales or sizes for some axes only, and an aspect ratio policy.
resize("linear-axes", image, scales=[2.5, 1.5], mode="linear", axes=[2, 3], opset=18)
resize("nearest-not-larger", image, sizes=[10, 18], axes=[2, 3], keep_aspect_ratio_policy="not_larger",
       opset=18)
resize("linear-not-smaller", image, sizes=[7, 7], axes=[2, 3], mode="linear",
       keep_aspect_ratio_policy="not_smaller", opset=18)


# --- ConvTranspose ---------------------------------------------------------------


def conv_transpose(name, x_shape, w_shape, bias=False, t="f32", via=None, tolerance=None, opset=17, **attrs):
    inits = [const("w", values(t, *w_shape, low=-1, high=1), t)]
    inputs = ["x", "w"]
    if bias:
        inits.append(const("b", values(t, w_shape[1] * attrs.get("group", 1), low=-1, high=1), t))
        inputs.append("b")
    case(f"ConvTranspose-{name}", [node("ConvTranspose", inputs, **attrs)], {"x": values(t, *x_shape, low=-1, high=1)},
         inits=inits, via=via, tolerance=tolerance, opset=opset)


conv_transpose("stride2-bias", (1, 3, 4, 5), (3, 2, 3, 3), bias=True, strides=[2, 2])
conv_transpose("pads-output-padding", (2, 2, 4, 4), (2, 3, 3, 3), strides=[2, 2], pads=[1, 0, 1, 2],
               output_padding=[1, 1])
conv_transpose("dilated-asymmetric", (1, 2, 5, 4), (2, 2, 3, 2), dilations=[2, 1], strides=[2, 1], pads=[0, 1, 2, 0])
conv_transpose("grouped", (1, 4, 3, 3), (4, 3, 2, 2), bias=True, group=2, strides=[2, 2])
conv_transpose("depthwise", (1, 3, 4, 4), (3, 1, 3, 3), group=3, strides=[2, 2], pads=[1, 1, 1, 1])
# Odd total padding: SAME_UPPER puts the extra element at the end,
# SAME_LOWER and output_shape at the start.
conv_transpose("same-upper", (1, 2, 3, 4), (2, 2, 3, 3), strides=[2, 2], auto_pad="SAME_UPPER")
conv_transpose("same-lower", (1, 2, 3, 4), (2, 2, 3, 3), strides=[2, 2], auto_pad="SAME_LOWER")
conv_transpose("output-shape", (1, 2, 3, 4), (2, 2, 3, 3), strides=[2, 2], output_shape=[6, 9])
# An output_shape past the full result pads it with zeros at the end
# (onnxruntime gets non-square growth wrong, so both dims grow by one).
conv_transpose("output-shape-larger", (1, 2, 3, 3), (2, 2, 3, 3), strides=[2, 2], output_shape=[8, 8])
# Pads beyond the kernel extent crop the result from inside.
conv_transpose("large-pads", (1, 2, 5, 5), (2, 2, 2, 2), strides=[3, 2], pads=[2, 0, 0, 3])
conv_transpose("1d", (2, 3, 5), (3, 2, 4), bias=True, strides=[3], pads=[1, 2])
conv_transpose("opset11", (1, 2, 3, 3), (2, 1, 2, 2), strides=[2, 2], opset=11)
# onnxruntime computes ConvTranspose in f32 only.
for t in ["f16", "bf16", "f64"]:
    conv_transpose(t, (1, 2, 3, 4), (2, 3, 3, 3), bias=True, t=t, strides=[2, 2], pads=[1, 1, 0, 0],
                   via=(t, "f32"), tolerance=(1e-5, 1e-6) if t == "f64" else None)


# --- Einsum --------------------------------------------------------------------


def einsum(name, equation, *shapes, t="f32", via=None, tolerance=None):
    names = [chr(ord("a") + i) for i in range(len(shapes))]
    case(f"Einsum-{name}", [node("Einsum", names, equation=equation)],
         {n: values(t, *shape) for n, shape in zip(names, shapes)}, via=via, tolerance=tolerance)


einsum("matmul", "ij,jk->ik", (3, 4), (4, 5))
einsum("batch-matmul", "bij,bjk->bik", (2, 3, 4), (2, 4, 5))
einsum("implicit", "ij,jk", (3, 4), (4, 5))
einsum("implicit-order", "ba,ac", (3, 4), (4, 2))
einsum("transpose", "ij->ji", (3, 4))
einsum("diagonal", "ii->i", (4, 4))
einsum("trace", "ii", (5, 5))
einsum("diagonal-middle", "iji->ji", (3, 2, 3))
einsum("sum-all", "ij->", (3, 4))
einsum("dot", "i,i->", (6,), (6,))
einsum("outer", "i,j->ij", (3,), (4,))
einsum("attention", "bhid,bhjd->bhij", (2, 2, 3, 4), (2, 2, 5, 4))
einsum("three-operands", "abc,cd,de->abe", (2, 3, 4), (4, 5), (5, 2))
einsum("ellipsis-broadcast", "...ij,...jk->...ik", (2, 1, 3, 4), (1, 5, 4, 2))
einsum("ellipsis-implicit", "...ij,j", (2, 3, 4), (4,))
einsum("ellipsis-diagonal", "...ii->...i", (2, 3, 3))
einsum("broadcast-label", "ij,ij->ij", (3, 4), (3, 1))
einsum("uppercase", "Ab,bC->AC", (2, 3), (3, 4))
# onnxruntime's Einsum covers f32, f64, i32 and i64.
einsum("f64", "bij,bkj->bik", (2, 3, 4), (2, 5, 4), t="f64")
einsum("i64", "ij,jk->ik", (3, 4), (4, 2), t="i64")
einsum("i32-diagonal", "ii,i->i", (3, 3), (3,), t="i32")
einsum("f16", "ij,jk->ik", (3, 8), (8, 2), t="f16", via=("f16", "f32"))
einsum("u8", "ij,jk->ik", (3, 4), (4, 2), t="u8", via=("u8", "i32"))
einsum("i8-generic", "ij,kj->ik", (3, 4), (2, 4), t="i8", via=("i8", "i32"))


# --- Normalizations, LRN, Lp pools ---------------------------------------------

# onnxruntime has InstanceNormalization in f32 and f16 (and LRN, MVN, LpPool,
# GlobalLpPool in f32, LpNormalization in f32 and f64): the other types go
# through f32.
for t in FLOATS:
    via = None if t in ("f32", "f16") else (t, "f32")
    tol = (1e-5, 1e-6) if t == "f64" else None
    case(f"InstanceNormalization-{t}", [node("InstanceNormalization", ["x", "s", "b"], epsilon=1e-3)],
         {"x": values(t, 2, 3, 4, 5)}, inits=[const("s", values(t, 3), t), const("b", values(t, 3), t)],
         via=via, tolerance=tol)
case("InstanceNormalization-3d", [node("InstanceNormalization", ["x", "s", "b"])],
     {"x": values("f32", 1, 2, 7)}, inits=[const("s", values("f32", 2)), const("b", values("f32", 2))])
case("InstanceNormalization-5d", [node("InstanceNormalization", ["x", "s", "b"])],
     {"x": values("f32", 1, 2, 3, 4, 2)}, inits=[const("s", values("f32", 2)), const("b", values("f32", 2))])

case("MeanVarianceNormalization", [node("MeanVarianceNormalization", ["x"])], {"x": values("f32", 2, 3, 4, 5)})
case("MeanVarianceNormalization-axes", [node("MeanVarianceNormalization", ["x"], axes=[1, -1])],
     {"x": values("f32", 2, 3, 4)})
for t in ["f16", "bf16", "f64"]:
    case(f"MeanVarianceNormalization-{t}", [node("MeanVarianceNormalization", ["x"])],
         {"x": values(t, 2, 3, 4, 5)}, via=(t, "f32"), tolerance=(1e-5, 1e-6) if t == "f64" else None)

for p in [1, 2]:
    case(f"LpNormalization-p{p}", [node("LpNormalization", ["x"], p=p)], {"x": values("f32", 3, 4, 5)})
    case(f"LpNormalization-p{p}-axis0-f64", [node("LpNormalization", ["x"], p=p, axis=0)],
         {"x": values("f64", 3, 4)})
case("LpNormalization-zero-row", [node("LpNormalization", ["x"], axis=1)],
     {"x": np.array([[0, 0, 0], [1, -2, 2]], dtype=np.float32)})
for t in ["f16", "bf16"]:
    case(f"LpNormalization-{t}", [node("LpNormalization", ["x"], axis=1)], {"x": values(t, 3, 4)},
         via=(t, "f32"))

case("LRN", [node("LRN", ["x"], size=3)], {"x": values("f32", 2, 5, 3, 4)})
# onnxruntime takes odd sizes only.
case("LRN-attributes", [node("LRN", ["x"], size=5, alpha=0.02, beta=0.6, bias=2.0)],
     {"x": values("f32", 1, 6, 2, 3)})
case("LRN-wider-than-channels", [node("LRN", ["x"], size=7, alpha=0.5)], {"x": values("f32", 1, 3, 2, 2)})
for t in ["f16", "bf16", "f64"]:
    case(f"LRN-{t}", [node("LRN", ["x"], size=3, alpha=0.1)], {"x": values(t, 1, 4, 3, 3)}, via=(t, "f32"),
         tolerance=(1e-5, 1e-6) if t == "f64" else None)

case("GlobalLpPool", [node("GlobalLpPool", ["x"])], {"x": values("f32", 2, 3, 4, 5)})
case("GlobalLpPool-p1-3d", [node("GlobalLpPool", ["x"], p=1)], {"x": values("f32", 2, 3, 6)})
case("GlobalLpPool-p3", [node("GlobalLpPool", ["x"], p=3)], {"x": values("f32", 1, 2, 3, 3)})
case("GlobalLpPool-f16", [node("GlobalLpPool", ["x"])], {"x": values("f16", 1, 2, 3, 3)}, via=("f16", "f32"))
case("GlobalLpPool-f64", [node("GlobalLpPool", ["x"])], {"x": values("f64", 1, 2, 3, 3)}, via=("f64", "f32"),
     tolerance=(1e-5, 1e-6))

case("LpPool", [node("LpPool", ["x"], kernel_shape=[2, 2])], {"x": values("f32", 1, 2, 5, 5)}, opset=18)
case("LpPool-p1-pads-strides", [node("LpPool", ["x"], kernel_shape=[3, 2], p=1, pads=[1, 0, 1, 1], strides=[2, 2])],
     {"x": values("f32", 2, 2, 6, 5)}, opset=18)
case("LpPool-p3-dilated", [node("LpPool", ["x"], kernel_shape=[2, 2], p=3, dilations=[2, 1])],
     {"x": values("f32", 1, 1, 5, 4)}, opset=18)
case("LpPool-same-upper", [node("LpPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")],
     {"x": values("f32", 1, 2, 5, 6)}, opset=18)
case("LpPool-ceil", [node("LpPool", ["x"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)],
     {"x": values("f32", 1, 2, 5, 5)}, opset=18)
case("LpPool-1d", [node("LpPool", ["x"], kernel_shape=[3], strides=[2])], {"x": values("f32", 2, 3, 9)}, opset=18)
case("LpPool-opset11", [node("LpPool", ["x"], kernel_shape=[2, 2])], {"x": values("f32", 1, 2, 4, 4)}, opset=11)
for t in ["f16", "bf16", "f64"]:
    case(f"LpPool-{t}", [node("LpPool", ["x"], kernel_shape=[2, 2], strides=[2, 2])], {"x": values(t, 1, 2, 4, 4)},
         opset=18, via=(t, "f32"), tolerance=(1e-5, 1e-6) if t == "f64" else None)


# --- Bitwise ---------------------------------------------------------------------

for t in ["u8", "i8", "i32", "i64", "u16", "u32", "u64"]:
    for op in ["BitwiseAnd", "BitwiseOr", "BitwiseXor"]:
        case(f"{op}-{t}", [node(op, ["a", "b"])], {"a": values(t, 2, 3, 4), "b": values(t, 3, 1)}, opset=18)
    case(f"BitwiseNot-{t}", [node("BitwiseNot", ["x"])], {"x": values(t, 3, 4)}, opset=18)
# onnxruntime has BitShift for u8, u32 and u64: u16 is checked in u32.
for t, width in [("u8", 8), ("u16", 16), ("u32", 32), ("u64", 64)]:
    for direction in ["LEFT", "RIGHT"]:
        case(f"BitShift-{direction.lower()}-{t}", [node("BitShift", ["x", "n"], direction=direction)],
             {"x": values(t, 2, 5), "n": values(t, 5, low=0, high=width - 1)},
             via=("u16", "u32") if t == "u16" else None)


def main():
    return e2e.run_cases(sys.argv[1], CASES)


if __name__ == "__main__":
    sys.exit(main())
