#!/usr/bin/env python3
"""Generates dialects/onnx/include/onnxc/Dialect/ONNX/ONNXOps.td and the
importer's version table (ONNXOpVersions.inc) from the ONNX operator schemas
of the pinned `onnx` Python package.

The schemas give each operator's operands, results, attributes and element
types; this script adds what the schemas do not say: which ops we support,
our one-line summaries, the shape-inference family of simple ops and which
ops have hand-written verifiers and folders. Re-run it after changing the
op list or the pinned onnx version:

    python3 utils/gen_onnx_ops.py
"""
import os
import sys

import onnx
import onnx.defs as defs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TD_OUT = os.path.join(ROOT, "dialects/onnx/include/onnxc/Dialect/ONNX/ONNXOps.td")
INC_OUT = os.path.join(ROOT, "dialects/onnx/include/onnxc/Dialect/ONNX/ONNXOpVersions.inc")

# Oldest ai.onnx opset the importer accepts. Older models predate broadcasting
# rules and attribute layouts we do not model.
MIN_OPSET = 7
MAX_OPSET = defs.onnx_opset_version()

# op -> (summary, shape inference family or None for hand-written C++)
#   unary:     result 0 has the type of operand 0
#   unarybool: result 0 has the shape of operand 0 and element type i1
#   bcast:     results broadcast all tensor operands, element type of operand 0
#   cmp:       like bcast with element type i1
OPS = {
    # Elementwise math.
    "Abs": ("Absolute value, elementwise", "unary"),
    "Acos": ("Arc cosine, elementwise", "unary"),
    "Acosh": ("Inverse hyperbolic cosine, elementwise", "unary"),
    "Add": ("Addition with multidirectional broadcasting", "bcast"),
    "And": ("Logical and with multidirectional broadcasting", "bcast"),
    "Asin": ("Arc sine, elementwise", "unary"),
    "Asinh": ("Inverse hyperbolic sine, elementwise", "unary"),
    "Atan": ("Arc tangent, elementwise", "unary"),
    "Atanh": ("Inverse hyperbolic tangent, elementwise", "unary"),
    "BitShift": ("Bitwise shift with multidirectional broadcasting", "bcast"),
    "BitwiseAnd": ("Bitwise and with multidirectional broadcasting", "bcast"),
    "BitwiseNot": ("Bitwise not, elementwise", "unary"),
    "BitwiseOr": ("Bitwise or with multidirectional broadcasting", "bcast"),
    "BitwiseXor": ("Bitwise xor with multidirectional broadcasting", "bcast"),
    "Ceil": ("Round up, elementwise", "unary"),
    "Cos": ("Cosine, elementwise", "unary"),
    "Cosh": ("Hyperbolic cosine, elementwise", "unary"),
    "Div": ("Division with multidirectional broadcasting", "bcast"),
    "Equal": ("Equality comparison with broadcasting", "cmp"),
    "Erf": ("Gauss error function, elementwise", "unary"),
    "Exp": ("Exponential, elementwise", "unary"),
    "Floor": ("Round down, elementwise", "unary"),
    "Greater": ("Greater-than comparison with broadcasting", "cmp"),
    "GreaterOrEqual": ("Greater-or-equal comparison with broadcasting", "cmp"),
    "IsInf": ("Tests for infinity, elementwise", "unarybool"),
    "IsNaN": ("Tests for NaN, elementwise", "unarybool"),
    "Less": ("Less-than comparison with broadcasting", "cmp"),
    "LessOrEqual": ("Less-or-equal comparison with broadcasting", "cmp"),
    "Log": ("Natural logarithm, elementwise", "unary"),
    "Max": ("Elementwise maximum of its inputs, broadcast", "bcast"),
    "Mean": ("Elementwise mean of its inputs, broadcast", "bcast"),
    "Min": ("Elementwise minimum of its inputs, broadcast", "bcast"),
    "Mod": ("Remainder with multidirectional broadcasting", "bcast"),
    "Mul": ("Multiplication with multidirectional broadcasting", "bcast"),
    "Neg": ("Negation, elementwise", "unary"),
    "Not": ("Logical not, elementwise", "unary"),
    "Or": ("Logical or with multidirectional broadcasting", "bcast"),
    "Pow": ("Power with multidirectional broadcasting", None),
    "Reciprocal": ("Reciprocal, elementwise", "unary"),
    "Round": ("Round half to even, elementwise", "unary"),
    "Sign": ("Sign, elementwise", "unary"),
    "Sin": ("Sine, elementwise", "unary"),
    "Sinh": ("Hyperbolic sine, elementwise", "unary"),
    "Sqrt": ("Square root, elementwise", "unary"),
    "Sub": ("Subtraction with multidirectional broadcasting", "bcast"),
    "Sum": ("Elementwise sum of its inputs, broadcast", "bcast"),
    "Tan": ("Tangent, elementwise", "unary"),
    "Where": ("Selects from X or Y by a broadcast condition", None),
    "Xor": ("Logical xor with multidirectional broadcasting", "bcast"),
    # Activations.
    "Celu": ("Continuously differentiable exponential linear unit", "unary"),
    "Clip": ("Clamps to the optional [min, max] range", "unary"),
    "Elu": ("Exponential linear unit", "unary"),
    "Gelu": ("Gaussian error linear unit (exact or tanh approximation)", "unary"),
    "HardSigmoid": ("max(0, min(1, alpha * x + beta))", "unary"),
    "HardSwish": ("x * HardSigmoid(x) with alpha 1/6, beta 1/2", "unary"),
    "LeakyRelu": ("Leaky rectified linear unit", "unary"),
    "Mish": ("x * tanh(softplus(x))", "unary"),
    "PRelu": ("Parametric ReLU with a slope broadcast to X", "unary"),
    "Relu": ("Rectified linear unit", "unary"),
    "Selu": ("Scaled exponential linear unit", "unary"),
    "Sigmoid": ("Logistic sigmoid", "unary"),
    "Softplus": ("log(exp(x) + 1)", "unary"),
    "Shrink": ("x + bias below -lambd, x - bias above lambd, 0 between", "unary"),
    "Softsign": ("x / (1 + |x|)", "unary"),
    "Tanh": ("Hyperbolic tangent", "unary"),
    "ThresholdedRelu": ("x if x > alpha else 0", "unary"),
    "Softmax": ("Softmax along one axis", "unary"),
    "LogSoftmax": ("Log of softmax along one axis", "unary"),
    "Hardmax": ("One-hot of the maximum along one axis", "unary"),
    # Linear algebra.
    "Einsum": ("Einstein summation", None),
    "Gemm": ("General matrix multiply: alpha * A' * B' + beta * C", None),
    "MatMul": ("Matrix product with numpy semantics", None),
    # Convolution and pooling.
    "AveragePool": ("Average pooling", None),
    "Conv": ("N-dimensional convolution, grouped or depthwise", None),
    "ConvTranspose": ("N-dimensional transposed convolution", None),
    "GlobalAveragePool": ("Average over all spatial dimensions", None),
    "GlobalLpPool": ("Lp norm over all spatial dimensions", None),
    "GlobalMaxPool": ("Maximum over all spatial dimensions", None),
    "LpPool": ("Lp norm pooling", None),
    "MaxPool": ("Max pooling, optionally returning indices", None),
    # Normalization.
    "BatchNormalization": ("Batch normalization (inference or training mode)", None),
    "InstanceNormalization": ("Instance normalization", "unary"),
    "GroupNormalization": ("Group normalization", "unary"),
    "LayerNormalization": ("Layer normalization over the trailing axes", None),
    "LpNormalization": ("Lp normalization along one axis", "unary"),
    "LRN": ("Local response normalization across channels", "unary"),
    "MeanVarianceNormalization": ("Normalizes to zero mean, unit variance", "unary"),
    # Quantization.
    "DequantizeLinear": ("(x - zero_point) * scale, per tensor, per axis or blocked", None),
    "DynamicQuantizeLinear": ("Quantizes to uint8 with a scale and zero point from x's range", None),
    "MatMulInteger": ("Integer matrix product of zero-point-shifted operands, int32 result", None),
    "QLinearMatMul": ("Quantized matrix product, requantized to the output's scale and zero point", None),
    "QuantizeLinear": ("saturate(round(x / scale) + zero_point), per tensor, per axis or blocked", None),
    # Signal windows.
    "BlackmanWindow": ("Blackman window of a run-time length", None),
    "HammingWindow": ("Hamming window of a run-time length", None),
    "HannWindow": ("Hann window of a run-time length", None),
    # Sampling.
    "GridSample": ("Samples an image at a grid of normalized coordinates", None),
    "AffineGrid": ("The sampling grid of a batch of affine transforms", None),
    "Col2Im": ("Sums sliding blocks back into an image (the adjoint of im2col)", None),
    "CenterCropPad": ("Crops or zero-pads dims around their centers", None),
    "ReverseSequence": ("Reverses each batch entry's first len entries in time", None),
    # Spectral.
    "DFT": ("Discrete Fourier transform along one axis", None),
    "STFT": ("Short-time Fourier transform of framed, windowed signals", None),
    # Losses.
    "NegativeLogLikelihoodLoss": ("Negative log-likelihood loss of class log-probabilities", None),
    "SoftmaxCrossEntropyLoss": ("Cross-entropy loss of softmax scores against class labels", None),
    # Reductions.
    "ArgMax": ("Index of the maximum along an axis", None),
    "ArgMin": ("Index of the minimum along an axis", None),
    "CumSum": ("Cumulative sum along an axis", "unary"),
    "ReduceL1": ("Sum of absolute values over axes", None),
    "ReduceL2": ("Euclidean norm over axes", None),
    "ReduceLogSum": ("Log of the sum over axes", None),
    "ReduceLogSumExp": ("Log of the sum of exponentials over axes", None),
    "ReduceMax": ("Maximum over axes", None),
    "ReduceMean": ("Mean over axes", None),
    "ReduceMin": ("Minimum over axes", None),
    "ReduceProd": ("Product over axes", None),
    "ReduceSum": ("Sum over axes", None),
    "ReduceSumSquare": ("Sum of squares over axes", None),
    "TopK": ("The k largest or smallest elements along an axis", None),
    # Shape and data movement.
    "Cast": ("Converts elements to another type", None),
    "CastLike": ("Converts elements to the type of a second tensor", None),
    "Compress": ("Selects slices along an axis by a boolean mask", None),
    "Concat": ("Concatenates tensors along an axis", None),
    "Constant": ("A constant tensor", None),
    "ConstantOfShape": ("A tensor of the given shape filled with one value", None),
    "DepthToSpace": ("Moves depth blocks into spatial blocks", None),
    "Dropout": ("Dropout (identity at inference)", None),
    "Expand": ("Broadcasts a tensor to a shape", None),
    "EyeLike": ("Identity-like matrix with the shape of the input", None),
    "Flatten": ("Reshapes to 2-D around an axis", None),
    "Gather": ("Gathers slices along an axis by indices", None),
    "GatherElements": ("Gathers elements along an axis by indices", None),
    "GatherND": ("Gathers slices by N-dimensional indices", None),
    "Identity": ("Returns its input", "unary"),
    "NonZero": ("Indices of the non-zero elements", None),
    "OneHot": ("One-hot encoding along an axis", None),
    "Pad": ("Pads with a constant, reflection, edge or wrap", None),
    "Range": ("A 1-D sequence start, start + delta, ... below limit", None),
    "Reshape": ("Reshapes to a shape tensor (0 copies, -1 infers)", None),
    "Resize": ("Resizes by scales or sizes (nearest, linear, cubic)", None),
    "ScatterElements": ("Scatters updates into a copy by element indices", "unary"),
    "ScatterND": ("Scatters updates into a copy by N-dimensional indices", "unary"),
    "Shape": ("The shape of a tensor as a 1-D int64 tensor", None),
    "Size": ("The element count of a tensor", None),
    "Slice": ("Strided slice along chosen axes", None),
    "SpaceToDepth": ("Moves spatial blocks into depth", None),
    "Split": ("Splits a tensor into parts along an axis", None),
    "Squeeze": ("Removes dimensions of size 1", None),
    "Tile": ("Repeats a tensor along each axis", None),
    "Transpose": ("Permutes dimensions", None),
    "Trilu": ("Upper or lower triangular part of matrices", "unary"),
    "Unsqueeze": ("Inserts dimensions of size 1", None),
    # Recurrent.
    "GRU": ("Gated recurrent unit layer", None),
    "LSTM": ("Long short-term memory layer", None),
    "RNN": ("Simple recurrent layer", None),
}

# Ops with subgraphs: hand-written in ONNXControlFlow.td, listed in the
# version table only.
CONTROL_FLOW = ["If", "Loop", "Scan"]

# Ops with hand-written verifiers / folders (C++ in dialects/onnx/lib). The
# folders only fold what needs no arithmetic (identities, Shape, reshapes of
# constants, splats); any op whose operands are all constants is folded by
# ConstantEvaluator (lib/Transforms/Graph) through its own lowering.

VERIFIED = {
    "Concat", "Constant", "Conv", "ConvTranspose", "Einsum", "Flatten",
    "Gather", "Gemm", "LSTM", "GRU", "RNN", "MaxPool", "AveragePool",
    "Softmax", "LogSoftmax", "Transpose", "Cast", "LayerNormalization",
    "Split", "Hardmax", "CumSum", "NegativeLogLikelihoodLoss",
    "SoftmaxCrossEntropyLoss", "QuantizeLinear", "DequantizeLinear",
}
FOLDED = {
    "Constant",
    "Cast", "ConstantOfShape", "Expand", "Identity", "Reshape", "Shape",
    "Size", "Squeeze", "Unsqueeze",
}

ELEM = {
    "tensor(float)": "F32", "tensor(double)": "F64", "tensor(float16)": "F16",
    "tensor(bfloat16)": "BF16", "tensor(int8)": "I8", "tensor(int16)": "I16",
    "tensor(int32)": "I32", "tensor(int64)": "I64", "tensor(uint8)": "UI8",
    "tensor(uint16)": "UI16", "tensor(uint32)": "UI32", "tensor(uint64)": "UI64",
    "tensor(bool)": "I1",
}
ATTR = {
    defs.OpSchema.AttrType.FLOAT: ("F32Attr", "f"),
    defs.OpSchema.AttrType.INT: ("ONNX_I64Attr", "i"),
    defs.OpSchema.AttrType.STRING: ("StrAttr", "s"),
    defs.OpSchema.AttrType.INTS: ("DenseI64ArrayAttr", "ints"),
    defs.OpSchema.AttrType.FLOATS: ("DenseF32ArrayAttr", "floats"),
    defs.OpSchema.AttrType.STRINGS: ("StrArrayAttr", "strings"),
    defs.OpSchema.AttrType.TENSOR: ("ElementsAttr", None),
    defs.OpSchema.AttrType.SPARSE_TENSOR: ("ElementsAttr", None),
}
# Names that would clash with generated C++ accessors.
RENAME = {"inputs": "inputs", "outputs": "outputs"}


def latest(op):
    return defs.get_schema(op, MAX_OPSET, "")


def since_versions(op):
    vs = sorted({s.since_version for s in defs.get_all_schemas_with_history()
                 if s.name == op and s.domain == "" and s.since_version <= MAX_OPSET})
    # Keep the version in force at MIN_OPSET and every later one.
    kept = [v for v in vs if v >= MIN_OPSET]
    older = [v for v in vs if v < MIN_OPSET]
    if older:
        kept = [older[-1]] + kept
    return kept


def type_constraint(schema, type_str):
    allowed = None
    for tc in schema.type_constraints:
        if tc.type_param_str == type_str:
            allowed = tc.allowed_type_strs
    if allowed is None:
        allowed = [type_str]
    elems = sorted({ELEM[t] for t in allowed if t in ELEM},
                   key=list(ELEM.values()).index)
    if not elems:
        sys.exit(f"{schema.name}: no supported element type in {allowed}")
    return "TensorOf<[" + ", ".join(elems) + "]>"


def default_literal(attr):
    v = attr.default_value
    kind = ATTR[attr.type][1]
    if kind is None or not v.name:
        return None
    if kind == "f":
        return f'"{v.f!r}"' if v.f == v.f else None
    if kind == "i":
        return f'"{v.i}"'
    if kind == "s":
        return '"\\"' + v.s.decode() + '\\""'
    if kind == "ints":
        return '"{' + ", ".join(str(i) for i in v.ints) + '}"'
    if kind == "floats":
        return '"{' + ", ".join(repr(f) for f in v.floats) + '}"'
    return None


def cpp_name(name):
    return name.replace(".", "_")


def gen_op(op):
    summary, family = OPS[op]
    s = latest(op)
    args, results = [], []
    for p in s.inputs:
        t = type_constraint(s, p.type_str)
        opt = p.option
        if opt == defs.OpSchema.FormalParameterOption.Variadic:
            args.append(f"Variadic<{t}>:${p.name}")
        elif opt == defs.OpSchema.FormalParameterOption.Optional:
            args.append(f"ONNX_Optional<{t}>:${p.name}")
        else:
            args.append(f"{t}:${p.name}")
    for name, a in sorted(s.attributes.items()):
        if a.type == defs.OpSchema.AttrType.GRAPH or a.type == defs.OpSchema.AttrType.GRAPHS:
            continue
        if a.type not in ATTR:
            continue
        base = ATTR[a.type][0]
        d = default_literal(a)
        if a.required:
            args.append(f"{base}:${name}")
        elif d is not None:
            args.append(f"DefaultValuedAttr<{base}, {d}>:${name}")
        else:
            args.append(f"OptionalAttr<{base}>:${name}")
    for p in s.outputs:
        t = type_constraint(s, p.type_str)
        if p.option == defs.OpSchema.FormalParameterOption.Variadic:
            results.append(f"Variadic<{t}>:${p.name}")
        elif p.option == defs.OpSchema.FormalParameterOption.Optional:
            results.append(f"ONNX_Optional<{t}>:${p.name}")
        else:
            results.append(f"{t}:${p.name}")

    vers = since_versions(op)
    ex_in = ", ".join(f"%{p.name.lower()}" for p in s.inputs
                      if p.option != defs.OpSchema.FormalParameterOption.Optional)
    n_in = len([p for p in s.inputs if p.option != defs.OpSchema.FormalParameterOption.Optional])
    ex_types = ", ".join(["tensor<2x3xf32>"] * n_in)
    n_out = len([p for p in s.outputs if p.option != defs.OpSchema.FormalParameterOption.Optional]) or 1
    ex_res = ", ".join(["tensor<2x3xf32>"] * n_out)
    traits = ["Pure", "DeclareOpInterfaceMethods<ONNXShapeInferenceOpInterface>"]
    if op == "Dropout":
        traits = ["DeclareOpInterfaceMethods<ONNXShapeInferenceOpInterface>"]
    if op == "Constant":
        traits.insert(1, "ConstantLike")
    lines = [
        "//===----------------------------------------------------------------------===//",
        f"// {op}",
        "//===----------------------------------------------------------------------===//",
        "",
        f"def ONNX_{op}Op : ONNX_Op<\"{op}\", [{', '.join(traits)}]> {{",
        f"  let summary = \"{summary}\";",
        "  let description = [{",
        f"    ONNX operator `{op}` (ai.onnx). The importer accepts since-versions",
        f"    {', '.join(map(str, vers))}; it rewrites older forms (attributes that later",
        "    opsets moved to inputs) into this, the newest form. Missing optional",
        "    operands and results are values of type `none` (see `onnx.NoValue`).",
        "",
        "    Example (element types and shapes are illustrative):",
        "",
        "    ```mlir",
        f"    %r = \"onnx.{op}\"({ex_in}) : ({ex_types}) -> ({ex_res})",
        "    ```",
        "  }];",
        "  let arguments = (ins " + (",\n                       ".join(args) if args else "") + ");",
        "  let results = (outs " + ",\n                     ".join(results) + ");",
    ]
    extra = []
    if family == "unary":
        extra.append(f"::mlir::LogicalResult {op}Op::inferShapes() {{ return inferSameAsFirstOperand(*this); }}")
    elif family == "unarybool":
        extra.append(f"::mlir::LogicalResult {op}Op::inferShapes() {{ return inferSameShapeAsFirstOperand(*this, ::mlir::IntegerType::get(getContext(), 1)); }}")
    elif family == "bcast":
        extra.append(f"::mlir::LogicalResult {op}Op::inferShapes() {{ return inferBroadcast(*this, ::mlir::Type()); }}")
    elif family == "cmp":
        extra.append(f"::mlir::LogicalResult {op}Op::inferShapes() {{ return inferBroadcast(*this, ::mlir::IntegerType::get(getContext(), 1)); }}")
    if extra:
        lines.append("  let extraClassDefinition = [{\n    " + "\n    ".join(extra) + "\n  }];")
    if op in VERIFIED:
        lines.append("  let hasVerifier = 1;")
    if op in FOLDED:
        lines.append("  let hasFolder = 1;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ops = sorted(OPS)
    td = [
        "//===- ONNXOps.td - ONNX operators --------------------------*- tablegen -*-===//",
        "//",
        f"// GENERATED by utils/gen_onnx_ops.py from the schemas of onnx {onnx.__version__}",
        f"// (ai.onnx opset {MAX_OPSET}). Do not edit; change the generator instead.",
        "//",
        "//===----------------------------------------------------------------------===//",
        "",
        "#ifndef ONNXC_DIALECT_ONNX_ONNXOPS_TD",
        "#define ONNXC_DIALECT_ONNX_ONNXOPS_TD",
        "",
        "include \"onnxc/Dialect/ONNX/ONNXBase.td\"",
        "// If, Loop, Scan: their subgraphs are regions, written by hand.",
        "include \"onnxc/Dialect/ONNX/ONNXControlFlow.td\"",
        "",
    ]
    for op in ops:
        td.append(gen_op(op))
    td.append("#endif // ONNXC_DIALECT_ONNX_ONNXOPS_TD")
    with open(TD_OUT, "w") as f:
        f.write("\n".join(td) + "\n")

    inc = [
        f"// GENERATED by utils/gen_onnx_ops.py from onnx {onnx.__version__}. Do not edit.",
        "// ONNXC_OP(name, inputs, outputs, attributes, since versions...)",
        "// inputs/outputs: one letter each, S single, O optional, V variadic.",
        f"#define ONNXC_MIN_OPSET {MIN_OPSET}",
        f"#define ONNXC_MAX_OPSET {MAX_OPSET}",
    ]
    kinds = {defs.OpSchema.FormalParameterOption.Single: "S",
             defs.OpSchema.FormalParameterOption.Optional: "O",
             defs.OpSchema.FormalParameterOption.Variadic: "V"}
    # If, Loop and Scan (ONNXControlFlow.td) too: the importer checks their
    # versions by this table and builds them itself.
    for op in sorted(ops + CONTROL_FLOW):
        s = latest(op)
        vers = since_versions(op)
        ins = "".join(kinds[p.option] for p in s.inputs)
        outs = "".join(kinds[p.option] for p in s.outputs)
        # name:KIND, '!' when required; KIND is the AttributeProto type.
        attrs = ",".join(
            f"{a}:{defs.OpSchema.AttrType(v.type).name}{'!' if v.required else ''}"
            for a, v in sorted(s.attributes.items()) if v.type in ATTR)
        versions = ", ".join(map(str, vers))
        inc.append(f'ONNXC_OP({op}, "{ins}", "{outs}", "{attrs}", {versions})')
    with open(INC_OUT, "w") as f:
        f.write("\n".join(inc) + "\n")
    print(f"wrote {len(ops)} ops to {TD_OUT}")


if __name__ == "__main__":
    main()
