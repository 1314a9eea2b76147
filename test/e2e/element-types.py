# Every lowering computes what onnxruntime computes for each element type
# ONNX allows the op: f32, f16, bf16, f64, i64, i32, i8, u8 (unsigned; u32
# where onnxruntime has no u8 kernel) and bool, at the graph boundary as well
# as inside. Each case is a small model compiled into a shared library and
# run through the runtime's C API.
#
# onnxruntime's CPU provider has no kernel for some (op, type) pairs (bf16
# almost everywhere, Max/Min/Where on int8, Conv/AveragePool in f64, ...).
# Those cases name a reference model instead: the same graph with the
# narrow type's inputs cast to a wider type onnxruntime computes in, and
# its outputs cast back, which is how the lowerings compute f16 and bf16
# (in f32, rounded once). f64 cases checked against f32 take inputs that are
# multiples of 1/4, exact in both, or a tolerance of f32's precision.
# (The recurrent ops have their own cases in test/e2e/recurrent.py.)
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
              "i64": T.INT64, "i32": T.INT32, "i8": T.INT8, "u8": T.UINT8, "bool": T.BOOL,
              "u32": T.UINT32}
NUMPY_TYPES = {"f32": np.float32, "f16": np.float16, "f64": np.float64, "i64": np.int64,
               "i32": np.int32, "i8": np.int8, "u8": np.uint8, "bool": np.bool_, "u32": np.uint32}
FLOATS = ["f32", "f16", "bf16", "f64"]
INTS = ["i64", "i32", "i8", "u8"]
SIGNED_INTS = ["i64", "i32", "i8"]
# Default value ranges: unsigned values above 127 tell a signed lowering apart.
RANGES = {"i64": (-1000, 1000), "i32": (-1000, 1000), "i8": (-100, 100), "u8": (0, 255),
          "u32": (0, 4_000_000_000)}

CASES = []
RNG = np.random.default_rng(11)


def values(type_name, *shape, low=None, high=None):
    """Random inputs of `type_name`: floats uniform in [low, high) (default
    [-4, 4)), integers uniform in [low, high] (default RANGES)."""
    if type_name == "bool":
        return RNG.random(shape) < 0.5
    if type_name in RANGES:
        lo, hi = RANGES[type_name]
        lo = lo if low is None else low
        hi = hi if high is None else high
        return RNG.integers(lo, hi, shape, endpoint=True).astype(NUMPY_TYPES[type_name])
    v = RNG.uniform(-4.0 if low is None else low, 4.0 if high is None else high, shape)
    return e2e.bfloat16(v) if type_name == "bf16" else v.astype(NUMPY_TYPES[type_name])


def quarters(type_name, *shape, low=-2.0, high=2.0):
    """Floats that are multiples of 1/4: sums and products of a few of them
    are exact in every float type, so f32 can check f64."""
    v = np.round(RNG.uniform(low, high, shape) * 4) / 4
    return e2e.bfloat16(v) if type_name == "bf16" else v.astype(NUMPY_TYPES[type_name])


def const(name, array):
    """An initializer (bfloat16 for e2e.BFloat16Bits)."""
    if isinstance(array, e2e.BFloat16Bits):
        return helper.make_tensor(name, T.BFLOAT16, array.shape, array.tobytes(), raw=True)
    return numpy_helper.from_array(np.asarray(array), name)


def case(name, nodes, inputs, outputs, inits=(), opset=17, via=None, tolerance=None, keep=()):
    """A case; `via` = (narrow, wide) type names checks it against the
    graph computed in `wide` (see e2e.widened, which leaves `keep` alone)."""
    model = e2e.make_model(name, nodes, inputs, outputs, inits, opset)
    options = {}
    if via:
        options["reference"] = e2e.widened(model, ONNX_TYPES[via[0]], ONNX_TYPES[via[1]], keep)
    if tolerance:
        options["tolerance"] = tolerance
    CASES.append((name, model, inputs, options))


def node(op, inputs, outputs=("y",), **attrs):
    return helper.make_node(op, list(inputs), list(outputs), **attrs)


# onnxruntime computes these (op, type) pairs in no kernel of its own.
BF16_VIA_F32 = ("bf16", "f32")


def via_for(type_name, missing=()):
    """The reference for `type_name`: bf16 always goes through f32, and the
    types in `missing` (onnxruntime has no kernel) through i32."""
    if type_name == "bf16":
        return BF16_VIA_F32
    if type_name in missing:
        return (type_name, "i32")
    return None


# --- Elementwise arithmetic ---------------------------------------------------

for t in FLOATS + INTS:
    for op in ["Add", "Sub", "Mul"]:
        low, high = (-11, 11) if t == "i8" and op == "Mul" else (None, None)
        case(f"{op}-{t}", [node(op, ["a", "b"])],
             {"a": values(t, 2, 3, 4, low=low, high=high), "b": values(t, 3, 1, low=low, high=high)},
             ["y"], via=via_for(t))
    # Integer division truncates toward zero; divisors are never 0.
    divisor = values(t, 3, 4, low=1, high=RANGES.get(t, (0, 9))[1] // 8 or 9) if t in INTS else \
        values(t, 3, 4, low=0.5, high=3.0)
    if t in SIGNED_INTS:
        divisor = divisor * np.where(RNG.random((3, 4)) < 0.5, -1, 1).astype(divisor.dtype)
    case(f"Div-{t}", [node("Div", ["a", "b"])], {"a": values(t, 2, 3, 4), "b": divisor}, ["y"],
         via=via_for(t))
    for op in ["Max", "Min"]:
        case(f"{op}-{t}", [node(op, ["a", "b", "c"])],
             {"a": values(t, 2, 3), "b": values(t, 3), "c": values(t, 2, 1)}, ["y"],
             via=via_for(t, missing=("i8", "u8")))
    case(f"Abs-{t}", [node("Abs", ["x"])], {"x": values(t, 3, 4)}, ["y"], via=via_for(t))
    case(f"Sign-{t}", [node("Sign", ["x"])], {"x": values(t, 3, 4)}, ["y"])
    if t in INTS:
        # Mod with fmod=0 takes the divisor's sign.
        case(f"Mod-{t}", [node("Mod", ["a", "b"])], {"a": values(t, 2, 3, 4), "b": divisor}, ["y"])
# Unsigned 32-bit values above 2^31 (onnxruntime has Max/Min for uint32, not uint8).
for op in ["Max", "Min", "Div"]:
    case(f"{op}-u32", [node(op, ["a", "b"])], {"a": values("u32", 3, 4), "b": values("u32", 4, low=1)}, ["y"])
for t in FLOATS:
    case(f"Mod-fmod-{t}", [node("Mod", ["a", "b"], fmod=1)],
         {"a": values(t, 3, 4), "b": values(t, 3, 4, low=0.5, high=3.0)}, ["y"], via=via_for(t))
for t in FLOATS + SIGNED_INTS:
    case(f"Neg-{t}", [node("Neg", ["x"])], {"x": values(t, 3, 4)}, ["y"], via=via_for(t))
    # onnxruntime has Relu for int8 and int32 but not int64.
    case(f"Relu-{t}", [node("Relu", ["x"])], {"x": values(t, 3, 4)}, ["y"],
         via=via_for(t, missing=("i64",)))
for t in ["f16", "bf16", "f64"]:
    for op in ["Exp", "Tanh", "Sigmoid", "Erf", "Softsign"]:
        # onnxruntime has no f64 Erf or Softsign: f32 checks them.
        f64_via_f32 = t == "f64" and op in ("Erf", "Softsign")
        case(f"{op}-{t}", [node(op, ["x"])], {"x": values(t, 3, 4, low=-3, high=3)}, ["y"],
             via=("f64", "f32") if f64_via_f32 else via_for(t),
             tolerance=(1e-6, 1e-7) if f64_via_f32 else None)
    for op in ["Log", "Sqrt", "Reciprocal"]:
        case(f"{op}-{t}", [node(op, ["x"])], {"x": values(t, 3, 4, low=0.1, high=3)}, ["y"],
             via=via_for(t))
    case(f"Pow-{t}", [node("Pow", ["a", "b"])],
         {"a": values(t, 3, 4, low=0.5, high=2), "b": values(t, 4, low=-2, high=2)}, ["y"], via=via_for(t))
    case(f"LeakyRelu-{t}", [node("LeakyRelu", ["x"], alpha=0.25)], {"x": values(t, 3, 4)}, ["y"],
         via=via_for(t))
    # An integer exponent is converted to the base's type.
    case(f"Pow-int-exponent-{t}", [node("Pow", ["a", "e"])],
         {"a": values(t, 3, 4, low=-2, high=2), "e": np.array([0, 1, 2, 3], np.int64)}, ["y"],
         via=via_for(t))
    case(f"Sum-{t}", [node("Sum", ["a", "b", "c"])],
         {"a": values(t, 3, 4), "b": values(t, 4), "c": values(t, 3, 1)}, ["y"], via=via_for(t))
    # onnxruntime has no f64 Mean: f32 checks it on quarters.
    case(f"Mean-{t}", [node("Mean", ["a", "b"])], {"a": quarters(t, 3, 4), "b": quarters(t, 4)}, ["y"],
         via=("f64", "f32") if t == "f64" else via_for(t))

# PRelu's slope broadcasts; integer slopes multiply negative inputs.
for t in ["f16", "bf16", "f64", "i64", "i32"]:
    case(f"PRelu-{t}", [node("PRelu", ["x", "slope"])],
         {"x": values(t, 3, 4, low=-50, high=50) if t in INTS else values(t, 3, 4),
          "slope": values(t, 4, low=-3, high=3)}, ["y"], via=via_for(t))

# Integer bases are raised in f64 and truncated toward zero.
for t in ["i64", "i32"]:
    case(f"Pow-{t}", [node("Pow", ["a", "e"])],
         {"a": values(t, 3, 4, low=-9, high=9), "e": values(t, 4, low=0, high=5)}, ["y"])
    case(f"Pow-float-exponent-{t}", [node("Pow", ["a", "e"])],
         {"a": values(t, 3, 4, low=0, high=30), "e": np.array([0.5, 1.5, 2.0, -1.0], np.float32)}, ["y"])

def scalar(type_name, value):
    return e2e.bfloat16(value) if type_name == "bf16" else np.array(value, NUMPY_TYPES[type_name])


# Clip with constant bounds of the input's type, with only a max, and with
# bounds given as graph inputs.
for t in FLOATS + INTS:
    lo, hi = {"u8": (40, 200), "i8": (-50, 60)}.get(t, (-300, 500) if t in INTS else (-1.5, 2.5))
    case(f"Clip-{t}", [node("Clip", ["x", "lo", "hi"])], {"x": values(t, 3, 4)}, ["y"],
         [const("lo", scalar(t, lo)), const("hi", scalar(t, hi))], via=via_for(t))
    case(f"Clip-max-{t}", [node("Clip", ["x", "", "hi"])], {"x": values(t, 3, 4)}, ["y"],
         [const("hi", scalar(t, hi))], via=via_for(t))
    case(f"Clip-inputs-{t}", [node("Clip", ["x", "lo", "hi"])],
         {"x": values(t, 3, 4), "lo": scalar(t, lo), "hi": scalar(t, hi)}, ["y"], via=via_for(t))

# --- Comparisons, logic, Where ----------------------------------------------

def comparable(type_name, *shape):
    """Values of which many are equal; uint8 ones straddle 127/128, where a
    signed comparison goes wrong."""
    if type_name == "u8":
        return np.array(RNG.choice([0, 1, 127, 128, 200, 255], shape), np.uint8)
    if type_name in FLOATS:
        return quarters(type_name, *shape, low=-1, high=1)
    if type_name == "bool":
        return values(type_name, *shape)
    return values(type_name, *shape, low=-3, high=3)


for t in FLOATS + INTS + ["bool"]:
    ops = ["Equal"] if t == "bool" else ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"]
    for op in ops:
        case(f"{op}-{t}", [node(op, ["a", "b"])], {"a": comparable(t, 3, 4), "b": comparable(t, 4)}, ["y"],
             via=via_for(t))
for op in ["And", "Or", "Xor"]:
    case(f"{op}-bool", [node(op, ["a", "b"])], {"a": values("bool", 3, 4), "b": values("bool", 4)}, ["y"])
case("Not-bool", [node("Not", ["x"])], {"x": values("bool", 3, 4)}, ["y"])
case("Less-u8-Not-Where", [node("Less", ["a", "b"], ["c"]), node("Not", ["c"], ["n"]),
                          node("Where", ["n", "a", "b"])],
     {"a": values("u8", 3, 4), "b": values("u8", 4)}, ["y"])
for t in FLOATS + INTS:
    case(f"Where-{t}", [node("Where", ["c", "a", "b"])],
         {"c": values("bool", 3, 1), "a": values(t, 3, 4), "b": values(t, 4)}, ["y"],
         via=via_for(t, missing=("i8",)))
# Where on bool: onnxruntime has no kernel, so the reference spells it with
# And/Or/Not.
where_bool_inputs = {"c": values("bool", 3, 1), "a": values("bool", 3, 4), "b": values("bool", 4)}
where_bool = e2e.make_model("Where-bool", [node("Where", ["c", "a", "b"])], where_bool_inputs, ["y"])
where_bool_reference = e2e.make_model(
    "Where-bool-reference",
    [node("And", ["c", "a"], ["t"]), node("Not", ["c"], ["nc"]), node("And", ["nc", "b"], ["f"]),
     node("Or", ["t", "f"])], where_bool_inputs, ["y"])
CASES.append(("Where-bool", where_bool, where_bool_inputs, {"reference": where_bool_reference}))

# --- Cast between every pair ---------------------------------------------------


def cast_source(source, target):
    """Values of `source` whose conversion to `target` ONNX defines: floats
    going to integers stay in the target's range (with fractions, which
    truncate toward zero, and zeros for bool); integers going to narrower
    integers wrap, as onnxruntime's static_cast does."""
    if source == "bool":
        return values("bool", 2, 6)
    if source in FLOATS:
        low, high = {"u8": (0, 255), "i8": (-128, 127), "bool": (-2, 2)}.get(target, (-1000, 1000))
        if source == "bf16" and target not in ("bool",):
            low, high = max(low, -250), min(high, 250)
        v = RNG.uniform(low, high, (2, 6))
        v[0, :3] = [0.0, -0.75, 2.5] if low < 0 else [0.0, 0.75, 2.5]
        return e2e.bfloat16(v) if source == "bf16" else v.astype(NUMPY_TYPES[source])
    v = values(source, 2, 6)
    v.flat[:2] = 0
    return v


for source in FLOATS + INTS + ["bool"]:
    for target in FLOATS + INTS + ["bool"]:
        case(f"Cast-{source}-{target}", [node("Cast", ["x"], to=ONNX_TYPES[target])],
             {"x": cast_source(source, target)}, ["y"])
case("Cast-i32-u8-wraps", [node("Cast", ["x"], to=T.UINT8)],
     {"x": np.array([-1, 255, 256, 300, -200, 1000], np.int32)}, ["y"])
case("Cast-i64-i8-wraps", [node("Cast", ["x"], to=T.INT8)],
     {"x": np.array([-129, 127, 128, 300, -200, 1 << 40], np.int64)}, ["y"])
# Conversions to f16/bf16 round once from f32, as onnxruntime's do: these
# sit just above a tie of the narrow type, which the f32 step makes exact.
case("Cast-f64-f16-rounding", [node("Cast", ["x"], to=T.FLOAT16)],
     {"x": np.array([1 + 2**-11 + 2**-40, 70000.0, -1e-9, 65519.0], np.float64)}, ["y"], tolerance=(0, 0))
case("Cast-f64-bf16-rounding", [node("Cast", ["x"], to=T.BFLOAT16)],
     {"x": np.array([1 + 2**-8 + 2**-40, 3e38, -1e-30], np.float64)}, ["y"], tolerance=(0, 0))
for t in ["i64", "i32"]:
    case(f"Cast-{t}-bf16-rounding", [node("Cast", ["x"], to=T.BFLOAT16)],
         {"x": np.array([2**24 + 2**16 + 1, -(2**24 + 2**16 + 1), 255, 257], NUMPY_TYPES[t])}, ["y"],
         tolerance=(0, 0))
case("Cast-i64-f16-overflow", [node("Cast", ["x"], to=T.FLOAT16)],
     {"x": np.array([70000, -70000, 2049, 65504], np.int64)}, ["y"], tolerance=(0, 0))
case("CastLike-u8-f32", [node("CastLike", ["x", "like"])],
     {"x": values("u8", 2, 6), "like": values("f32", 1)}, ["y"])

# --- Contractions ---------------------------------------------------------------

for t in ["f16", "bf16", "f64", "i64", "i32", "u32"]:
    make = (lambda *s: values(t, *s, low=-20, high=20)) if t in ("i64", "i32") else \
        (lambda *s: values(t, *s, low=0, high=1000)) if t == "u32" else \
        (lambda *s: values(t, *s, low=-2, high=2))
    via = via_for(t)
    case(f"MatMul-2d-{t}", [node("MatMul", ["a", "b"])], {"a": make(3, 5), "b": make(5, 4)}, ["y"], via=via)
    case(f"MatMul-batch-{t}", [node("MatMul", ["a", "b"])], {"a": make(2, 3, 5), "b": make(2, 5, 4)}, ["y"],
         via=via)
    case(f"MatMul-broadcast-{t}", [node("MatMul", ["a", "b"])], {"a": make(5), "b": make(2, 5, 3)}, ["y"],
         via=via)
    # onnxruntime's Gemm is float only: integers are checked in f64, exact for them.
    gemm_via = via or ((t, "f64") if t in ("i64", "i32", "u32") else None)
    attrs = {"transB": 1} if t in ("i64", "i32", "u32") else {"alpha": 0.5, "beta": 2.0, "transB": 1}
    case(f"Gemm-{t}", [node("Gemm", ["a", "b", "c"], **attrs)],
         {"a": make(3, 4), "b": make(5, 4), "c": make(5)}, ["y"], via=gemm_via)

# --- Convolutions and pools ------------------------------------------------------

for t in ["f16", "f64"]:
    # onnxruntime has no f64 Conv/AveragePool/global pools: f32 checks them
    # on inputs exact in f32 (quarters); the divisions round, hence the tolerance.
    via = ("f64", "f32") if t == "f64" else None
    tolerance = (1e-6, 1e-6) if t == "f64" else None
    case(f"Conv-pad-stride-bias-{t}",
         [node("Conv", ["x", "w", "b"], pads=[1, 0, 2, 1], strides=[2, 1])],
         {"x": quarters(t, 1, 3, 7, 6)}, ["y"], [const("w", quarters(t, 4, 3, 3, 2)), const("b", quarters(t, 4))],
         via=via, tolerance=tolerance)
    case(f"Conv-depthwise-{t}", [node("Conv", ["x", "w"], group=4, auto_pad="SAME_UPPER")],
         {"x": quarters(t, 1, 4, 5, 5)}, ["y"], [const("w", quarters(t, 4, 1, 3, 3))], via=via, tolerance=tolerance)
    case(f"Conv-grouped-{t}", [node("Conv", ["x", "w"], group=2)],
         {"x": quarters(t, 1, 4, 5, 4)}, ["y"], [const("w", quarters(t, 6, 2, 3, 3))], via=via, tolerance=tolerance)
    case(f"AveragePool-{t}", [node("AveragePool", ["x"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
         {"x": quarters(t, 1, 2, 5, 5)}, ["y"], via=via, tolerance=tolerance)
    case(f"AveragePool-include-pad-{t}",
         [node("AveragePool", ["x"], kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 0, 0], count_include_pad=1)],
         {"x": quarters(t, 1, 2, 5, 6)}, ["y"], via=via, tolerance=tolerance)
    case(f"GlobalAveragePool-{t}", [node("GlobalAveragePool", ["x"])], {"x": quarters(t, 2, 3, 5, 4)}, ["y"],
         via=via, tolerance=tolerance)
    case(f"GlobalMaxPool-{t}", [node("GlobalMaxPool", ["x"])], {"x": quarters(t, 2, 3, 5, 4)}, ["y"],
         via=via, tolerance=tolerance)
for t in ["f16", "f64", "i8", "u8"]:
    case(f"MaxPool-pads-{t}", [node("MaxPool", ["x"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])],
         {"x": values(t, 1, 2, 6, 6)}, ["y"])
    case(f"MaxPool-ceil-{t}", [node("MaxPool", ["x"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)],
         {"x": values(t, 1, 2, 5, 5)}, ["y"])
for t in ["f16", "bf16", "f64"]:
    case(f"BatchNormalization-{t}", [node("BatchNormalization", ["x", "s", "b", "m", "v"], epsilon=1e-3)],
         {"x": values(t, 2, 3, 4)}, ["y"],
         [const("s", values(t, 3)), const("b", values(t, 3)), const("m", values(t, 3)),
          const("v", values(t, 3, low=0.5, high=2))], via=via_for(t))

# BatchNormalization's per-channel operands may have a float type of their own.
for x_type, p_type in [("f16", "f32"), ("f32", "f16")]:
    case(f"BatchNormalization-{x_type}-{p_type}-params",
         [node("BatchNormalization", ["x", "s", "b", "m", "v"], epsilon=1e-3)],
         {"x": values(x_type, 2, 3, 4)}, ["y"],
         [const("s", values(p_type, 3)), const("b", values(p_type, 3)), const("m", values(p_type, 3)),
          const("v", values(p_type, 3, low=0.5, high=2))])

# --- Reductions, Softmax, LayerNormalization -------------------------------------

REDUCE_OPS = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
              "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"]
for t in ["f16", "bf16", "f64", "i64", "i32"]:
    for op in REDUCE_OPS:
        via = via_for(t)
        if op == "ReduceLogSumExp" and t in ("i64", "i32"):
            # onnxruntime's integer kernel truncates each exp(x - max) to an
            # integer; f64 computes the defined value (truncated at the end).
            via = (t, "f64")
        low, high = (0.2, 1.5) if t in FLOATS else ((1, 9) if op in ("ReduceLogSum", "ReduceProd") else (-20, 20))
        case(f"{op}-{t}", [node(op, ["x", "axes"], keepdims=0)], {"x": values(t, 2, 3, 4, low=low, high=high)},
             ["y"], [const("axes", np.array([0, 2], np.int64))], opset=18, via=via, keep=["axes"])
    case(f"ReduceMean-all-{t}", [node("ReduceMean", ["x"])], {"x": values(t, 3, 5, low=-20, high=7)}, ["y"],
         opset=18, via=via_for(t))
for t in ["i8", "u8"]:
    for op in ["ReduceMax", "ReduceMin"]:
        case(f"{op}-{t}", [node(op, ["x", "axes"], keepdims=1)], {"x": values(t, 2, 3, 4)}, ["y"],
             [const("axes", np.array([1], np.int64))], opset=18)
for t in ["f16", "bf16", "f64"]:
    case(f"Softmax-{t}", [node("Softmax", ["x"], axis=1)], {"x": values(t, 2, 3, 4)}, ["y"], via=via_for(t))
    case(f"LogSoftmax-{t}", [node("LogSoftmax", ["x"], axis=-1)], {"x": values(t, 2, 3, 4)}, ["y"],
         via=via_for(t))
    case(f"LayerNormalization-{t}", [node("LayerNormalization", ["x", "s", "b"], axis=-1, epsilon=1e-5)],
         {"x": values(t, 2, 3, 8)}, ["y"], [const("s", values(t, 8)), const("b", values(t, 8))], via=via_for(t))
    case(f"LayerNormalization-no-bias-{t}", [node("LayerNormalization", ["x", "s"], axis=1)],
         {"x": values(t, 2, 3, 4)}, ["y"], [const("s", values(t, 3, 4))], via=via_for(t))

# --- Data movement ---------------------------------------------------------------

for t in ["i64", "u8", "bool", "i8", "f16", "bf16", "f64"]:
    # onnxruntime has no bf16 Expand.
    case(f"Concat-{t}", [node("Concat", ["a", "b", "a"], axis=1)], {"a": values(t, 2, 3), "b": values(t, 2, 1)},
         ["y"])
    case(f"Transpose-{t}", [node("Transpose", ["x"], perm=[2, 0, 1])], {"x": values(t, 2, 3, 4)}, ["y"])
    case(f"Reshape-Flatten-{t}", [node("Reshape", ["x", "s"], ["r"]), node("Flatten", ["r"], axis=1)],
         {"x": values(t, 2, 3, 4)}, ["y"], [const("s", np.array([4, -1, 3], np.int64))])
    case(f"Squeeze-Unsqueeze-{t}", [node("Unsqueeze", ["x", "a"], ["u"]), node("Squeeze", ["u", "a"])],
         {"x": values(t, 3, 4)}, ["y"], [const("a", np.array([1], np.int64))])
    case(f"Gather-{t}", [node("Gather", ["x", "i"], axis=1)], {"x": values(t, 2, 5, 3)}, ["y"],
         [const("i", np.array([[4, -1], [0, 2]], np.int64))])
    case(f"Gather-i32-indices-{t}", [node("Gather", ["x", "i"], axis=0)],
         {"x": values(t, 4, 3), "i": np.array([3, 0, -2], np.int32)}, ["y"])
    case(f"Expand-{t}", [node("Expand", ["x", "s"])], {"x": values(t, 3, 1)}, ["y"],
         [const("s", np.array([2, 3, 4], np.int64))], via=via_for(t))
    case(f"Identity-{t}", [node("Identity", ["x"])], {"x": values(t, 2, 3)}, ["y"])
    # Constants of the type, on both sides of the boundary.
    case(f"Concat-constant-{t}", [node("Concat", ["x", "k"], axis=0)], {"x": values(t, 2, 3)}, ["y"],
         [const("k", values(t, 1, 3))])

# --- The graph boundary: a computation between inputs and outputs of the type ---

case("boundary-u8", [node("Add", ["a", "b"], ["s"]), node("Div", ["s", "b"], ["d"]),
                     node("Transpose", ["d"])],
     {"a": values("u8", 2, 3), "b": values("u8", 2, 3, low=100, high=200)}, ["y"])
case("boundary-i8", [node("Sub", ["a", "b"], ["s"]), node("Abs", ["s"], ["y"])],
     {"a": values("i8", 2, 3, low=-60, high=60), "b": values("i8", 3, low=-60, high=60)}, ["y"])
case("boundary-bool", [node("Xor", ["a", "b"], ["x"]), node("Transpose", ["x"])],
     {"a": values("bool", 2, 3), "b": values("bool", 2, 3)}, ["y"])
case("boundary-f16", [node("Mul", ["a", "b"], ["m"]), node("Cast", ["m"], ["y"], to=T.FLOAT16)],
     {"a": values("f16", 2, 3), "b": values("f16", 2, 3)}, ["y"])
case("boundary-bf16", [node("Transpose", ["a"], ["t"]), node("Concat", ["t", "t"], axis=0)],
     {"a": values("bf16", 2, 3)}, ["y"])
case("boundary-bf16-compute", [node("Cast", ["a"], ["f"], to=T.FLOAT), node("Sqrt", ["f"], ["r"]),
                               node("Cast", ["r"], ["y"], to=T.BFLOAT16)],
     {"a": values("bf16", 2, 3, low=0.1, high=9)}, ["y"])
case("boundary-f64", [node("Div", ["a", "b"], ["d"]), node("Neg", ["d"])],
     {"a": values("f64", 2, 3), "b": values("f64", 3, low=0.5, high=2)}, ["y"])
# (onnxruntime runs f16 Mul in f32 and drops the rounding to f16 when a Cast
# follows, so the f16 product is an output of its own.)
case("boundary-mixed", [node("Cast", ["u"], ["uf"], to=T.FLOAT16), node("Mul", ["uf", "h"], ["p"]),
                        node("Cast", ["h"], ["d"], to=T.DOUBLE), node("Less", ["u", "k"], ["z"])],
     {"u": values("u8", 2, 3), "h": values("f16", 2, 3), "k": values("u8", 3)}, ["p", "d", "z"])


def main():
    return e2e.run_cases(sys.argv[1], CASES)


if __name__ == "__main__":
    sys.exit(main())
