# Shape inference of every op, checked against ONNX's own shape inference.
#
# Each case is a one-node model built with onnx.helper; onnx.shape_inference
# (strict, with data propagation) gives the expected output types, and
# onnx-compile --emit=mlir must produce the same element types and shapes.
#
# RUN: %python %s %t
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

DT = {"f32": TensorProto.FLOAT, "f16": TensorProto.FLOAT16, "f64": TensorProto.DOUBLE,
      "bf16": TensorProto.BFLOAT16, "i64": TensorProto.INT64, "i32": TensorProto.INT32,
      "i8": TensorProto.INT8, "u8": TensorProto.UINT8, "bool": TensorProto.BOOL}
MLIR_ELEM = {TensorProto.FLOAT: "f32", TensorProto.FLOAT16: "f16", TensorProto.DOUBLE: "f64",
             TensorProto.BFLOAT16: "bf16", TensorProto.INT64: "i64", TensorProto.INT32: "i32",
             TensorProto.INT8: "i8", TensorProto.UINT8: "ui8", TensorProto.BOOL: "i1"}

CASES = []


def case(op, inputs, attrs=None, outputs=1, opset=22, name=None):
    CASES.append((name or op, op, inputs, attrs or {}, outputs, opset))


def T(dtype, *shape):
    return (dtype, list(shape))


def C(values, dtype=None):
    return np.array(values, dtype=dtype)


f = lambda *s: T("f32", *s)
i64 = lambda v: C(v, np.int64)

# Elementwise and activations.
for op in ["Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Cos",
           "Cosh", "Erf", "Exp", "Floor", "Log", "Neg", "Reciprocal", "Round", "Sign",
           "Sin", "Sinh", "Sqrt", "Tan", "Tanh", "Relu", "Sigmoid", "Softplus",
           "Softsign", "HardSwish", "Mish", "Identity"]:
    case(op, [f(2, 3, 4)])
for op, attrs in [("Celu", {"alpha": 0.5}), ("Elu", {}), ("Gelu", {"approximate": "tanh"}),
                  ("HardSigmoid", {"alpha": 0.3}), ("LeakyRelu", {"alpha": 0.1}),
                  ("Selu", {}), ("ThresholdedRelu", {}), ("Softmax", {"axis": 1}),
                  ("LogSoftmax", {}), ("Hardmax", {"axis": 0})]:
    case(op, [f(2, 3, 4)], attrs)
case("Not", [T("bool", 4, 1)])
case("BitwiseNot", [T("i32", 3)])
case("IsNaN", [f(2, 5)])
case("IsInf", [f(2, 5)])
case("Clip", [f(2, 3), C(0.0, np.float32), C(6.0, np.float32)])
case("PRelu", [f(1, 4, 5, 5), f(4, 1, 1)])
for op in ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean"]:
    case(op, [f(2, 1, 4), f(3, 1)])
case("Mod", [T("i64", 5, 1), T("i64", 1, 3)])
case("Mod", [f(4), f(4)], {"fmod": 1}, name="Mod-fmod")
for op in ["And", "Or", "Xor"]:
    case(op, [T("bool", 2, 3), T("bool", 3)])
for op in ["BitwiseAnd", "BitwiseOr", "BitwiseXor"]:
    case(op, [T("i32", 2, 3), T("i32", 1)])
case("BitShift", [T("u8", 4), T("u8", 4)], {"direction": "LEFT"})
for op in ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"]:
    case(op, [f(2, 1), f(1, 5)])
case("Where", [T("bool", 2, 1), f(1, 3), f(2, 3)])
case("Max", [f(2, 3), f(3), f(1, 1)], name="Max-3")

# Linear algebra.
case("MatMul", [f(2, 3, 4), f(4, 5)])
case("MatMul", [f(4), f(3, 4, 5)], name="MatMul-vector")
case("MatMul", [f(7, 1, 3, 4), f(2, 4, 6)], name="MatMul-batch")
case("Gemm", [f(3, 4), f(5, 4), f(5)], {"transB": 1})
case("Gemm", [f(4, 3), f(4, 5)], {"transA": 1}, name="Gemm-transA")
case("Einsum", [f(2, 3, 4), f(2, 4, 5)], {"equation": "bij,bjk->bik"})
case("Einsum", [f(3, 4)], {"equation": "ij->ji"}, name="Einsum-transpose")
case("Einsum", [f(3, 4), f(4, 5)], {"equation": "ij,jk"}, name="Einsum-implicit")

# Convolution and pooling.
case("Conv", [f(1, 3, 32, 32), f(8, 3, 3, 3), f(8)], {"pads": [1, 1, 1, 1], "strides": [2, 2]})
case("Conv", [f(1, 8, 17, 17), f(8, 1, 3, 3)], {"group": 8, "auto_pad": "SAME_UPPER", "strides": [2, 2]}, name="Conv-depthwise-same")
case("Conv", [f(2, 4, 10, 10), f(6, 2, 3, 3)], {"group": 2, "dilations": [2, 2]}, name="Conv-grouped-dilated")
case("Conv", [f(1, 4, 20), f(5, 4, 3)], {"auto_pad": "VALID"}, name="Conv-1d")
case("ConvTranspose", [f(1, 4, 5, 5), f(4, 2, 3, 3)], {"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]})
case("ConvTranspose", [f(1, 4, 5, 5), f(4, 2, 3, 3)], {"strides": [2, 2], "output_shape": [10, 10]}, name="ConvTranspose-output-shape")
case("MaxPool", [f(1, 3, 32, 32)], {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]})
case("MaxPool", [f(1, 3, 32, 32)], {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}, name="MaxPool-ceil")
case("MaxPool", [f(1, 3, 8, 8)], {"kernel_shape": [2, 2]}, outputs=2, name="MaxPool-indices")
case("AveragePool", [f(1, 3, 7, 7)], {"kernel_shape": [3, 3], "auto_pad": "SAME_LOWER"})
case("LpPool", [f(1, 3, 7, 7)], {"kernel_shape": [2, 2], "p": 2})
for op in ["GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"]:
    case(op, [f(1, 16, 7, 9)])

# Normalization.
case("BatchNormalization", [f(2, 4, 3, 3), f(4), f(4), f(4), f(4)])
case("InstanceNormalization", [f(2, 4, 3, 3), f(4), f(4)])
case("LayerNormalization", [f(2, 5, 8), f(8), f(8)], {"axis": -1}, outputs=3)
case("LpNormalization", [f(2, 5)], {"axis": 1})
case("LRN", [f(1, 8, 4, 4)], {"size": 3})
case("MeanVarianceNormalization", [f(2, 3, 4, 4)])

# Reductions.
for op in ["ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
           "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare"]:
    case(op, [f(2, 3, 4), i64([1, -1])], {"keepdims": 1})
case("ReduceMean", [f(2, 3, 4), i64([0])], {"keepdims": 0}, name="ReduceMean-nokeep")
case("ReduceSum", [f(2, 3, 4)], {"keepdims": 0}, name="ReduceSum-all")
case("ArgMax", [f(2, 3, 4)], {"axis": 1})
case("ArgMin", [f(2, 3, 4)], {"axis": -1, "keepdims": 0})
case("TopK", [f(3, 10), i64([4])], {"axis": 1}, outputs=2)
case("CumSum", [f(3, 4), C(1, np.int32)])

# Shape and data movement.
case("Cast", [f(2, 3)], {"to": TensorProto.INT32})
case("CastLike", [f(2, 3), T("f16", 1)])
case("Compress", [f(3, 4), C([True, False, True])], {"axis": 0})
case("Concat", [f(2, 3), f(2, 5)], {"axis": -1})
case("ConstantOfShape", [i64([2, 3])], {"value": helper.make_tensor("v", TensorProto.INT64, [1], [7])})
case("DepthToSpace", [f(1, 8, 2, 3)], {"blocksize": 2})
case("SpaceToDepth", [f(1, 2, 4, 6)], {"blocksize": 2})
case("Dropout", [f(3, 4)], outputs=2)
case("Expand", [f(3, 1), i64([2, 1, 4])])
case("EyeLike", [f(4, 5)], {"dtype": TensorProto.INT64})
case("Flatten", [f(2, 3, 4, 5)], {"axis": 2})
case("Flatten", [f(2, 3, 4, 5)], {"axis": -1}, name="Flatten-negative-axis")
case("Gather", [f(5, 4, 3), T("i64", 2, 6)], {"axis": 1})
case("Gather", [f(5, 4, 3), T("i64", 2)], {"axis": -1}, name="Gather-negative-axis")
case("GatherElements", [f(3, 4), T("i64", 3, 2)], {"axis": 1})
case("GatherND", [f(2, 3, 4), T("i64", 2, 1, 2)])
case("GatherND", [f(2, 3, 4), T("i64", 2, 1)], {"batch_dims": 1}, name="GatherND-batch")
case("OneHot", [T("i64", 2, 3), C([5], np.int64), C([0.0, 1.0], np.float32)], {"axis": -1})
case("Pad", [f(2, 3), i64([0, 1, 2, 3])])
case("Pad", [f(2, 3, 4), i64([1, 2]), C(0.5, np.float32), i64([-1])], {"mode": "constant"}, name="Pad-axes")
case("Range", [C(1, np.int64), C(10, np.int64), C(3, np.int64)])
case("Range", [C(0.0, np.float32), C(1.0, np.float32), C(0.25, np.float32)], name="Range-float")
case("Reshape", [f(2, 3, 4), i64([0, -1])])
case("Reshape", [f(2, 3, 4), i64([4, 0, 2, -1])], name="Reshape-4d")
case("Resize", [f(1, 3, 8, 8), "", C([1, 1, 2, 2], np.float32)], {"mode": "nearest"})
case("Resize", [f(1, 3, 8, 8), "", "", i64([1, 3, 5, 12])], {"mode": "linear"}, name="Resize-sizes")
case("ScatterElements", [f(3, 3), T("i64", 2, 3), f(2, 3)])
case("ScatterND", [f(4, 4, 4), T("i64", 2, 1), f(2, 4, 4)])
case("Shape", [f(2, 3, 4, 5)], {"start": 1, "end": -1})
case("Size", [f(2, 3, 4)])
case("Slice", [f(20, 10, 5), i64([0, 1]), i64([3, 10]), i64([0, 1]), i64([1, 2])])
case("Slice", [f(20, 10), i64([-1]), i64([-1000]), i64([0]), i64([-3])], name="Slice-negative")
case("Split", [f(6, 4), i64([2, 4])], {"axis": 0}, outputs=2)
case("Split", [f(7, 4)], {"axis": 0, "num_outputs": 3}, outputs=3, name="Split-uneven")
case("Squeeze", [f(1, 3, 1, 4), i64([0, 2])])
case("Squeeze", [f(1, 3, 1, 4)], name="Squeeze-all")
case("Tile", [f(2, 3), i64([2, 2])])
case("Transpose", [f(2, 3, 4)], {"perm": [1, 2, 0]})
case("Transpose", [f(2, 3, 4)], name="Transpose-default")
case("Trilu", [f(4, 5), C(1, np.int64)])
case("Unsqueeze", [f(3, 4), i64([0, -1])])

# Recurrent.
case("LSTM", [f(5, 2, 8), f(1, 64, 8), f(1, 64, 16), f(1, 128)], {"hidden_size": 16}, outputs=3)
case("LSTM", [f(2, 5, 8), f(2, 64, 8), f(2, 64, 16)], {"hidden_size": 16, "direction": "bidirectional", "layout": 1}, outputs=3, name="LSTM-bidi-batch-first")
case("GRU", [f(5, 2, 8), f(1, 48, 8), f(1, 48, 16)], {"hidden_size": 16}, outputs=2)
case("RNN", [f(5, 2, 8), f(1, 16, 8), f(1, 16, 16)], {"hidden_size": 16}, outputs=2)


def build(name, op, inputs, attrs, outputs, opset):
    graph_inputs, inits, names = [], [], []
    for k, x in enumerate(inputs):
        n = f"in{k}"
        if isinstance(x, str) and x == "":
            names.append("")
            continue
        names.append(n)
        if isinstance(x, tuple):
            graph_inputs.append(helper.make_tensor_value_info(n, DT[x[0]], x[1]))
        else:
            inits.append(numpy_helper.from_array(x, n))
    outs = [f"out{k}" for k in range(outputs)]
    node = helper.make_node(op, names, outs, name=name, **attrs)
    graph = helper.make_graph([node], name, graph_inputs,
                              [helper.ValueInfoProto(name=o) for o in outs], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def expected_types(model):
    inferred = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    types = {v.name: v.type.tensor_type for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    result = []
    for o in model.graph.output:
        t = types[o.name]
        dims = "x".join(str(d.dim_value) if d.HasField("dim_value") else "?" for d in t.shape.dim)
        result.append((dims + "x" if dims else "") + MLIR_ELEM[t.elem_type])
    return result


def actual_types(path):
    out = subprocess.run(["onnx-compile", path, "--emit=mlir"], capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip()
    line = next(l for l in out.stdout.splitlines() if "func.func" in l)
    results = line.split("->", 1)[1]
    return re.findall(r"tensor<([^>]*)>", results), ""


def matches(got, want):
    """Equal types, except that we may know a size ONNX leaves as '?'."""
    if got is None or len(got) != len(want):
        return False
    for g, w in zip(got, want):
        gd, wd = g.split("x"), w.split("x")
        if len(gd) != len(wd) or gd[-1] != wd[-1]:
            return False
        if any(a != b and b != "?" for a, b in zip(gd[:-1], wd[:-1])):
            return False
    return True


def main():
    workdir = sys.argv[1]
    os.makedirs(workdir, exist_ok=True)
    failures = skipped = 0
    for spec in CASES:
        model = build(*spec)
        path = os.path.join(workdir, spec[0] + ".onnx")
        onnx.save(model, path)
        got, err = actual_types(path)
        try:
            want = expected_types(model)
        except Exception as e:  # ONNX's inference cannot handle a few function ops.
            print(f"ORACLE-ERROR {spec[0]}: {str(e).splitlines()[-1][:100]}; compiled to {got} {err}")
            skipped += 1
            continue
        if not matches(got, want):
            failures += 1
            print(f"FAIL {spec[0]}: expected {want}, got {got} {err}")
    print(f"{len(CASES) - failures - skipped} passed, {failures} failed, {skipped} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
