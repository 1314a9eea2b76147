# Zero-sized tensors (a dim of 0) as graph inputs, outputs and
# intermediates compute what onnxruntime computes: reductions over an empty
# set give their identity, concatenation and elementwise ops pass empty
# operands through, TopK with K = 0 and a Split part of size 0 give empty
# outputs. Each case is compiled by onnx-compile into a shared library and
# run through the runtime's C API (utils/e2e.py); the runtime accepts any
# pointer, NULL included, for a tensor without elements.
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(0)


def axes(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


CASES = []


def case(name, nodes, inputs, outputs, inits=(), opset=18):
    CASES.append((name, e2e.make_model(name, nodes, inputs, outputs, inits, opset), inputs))


x0 = np.zeros((2, 0, 3), np.float32)
# ONNX leaves ReduceMean over an empty set undefined (we give 0/0 = NaN,
# onnxruntime 0); the others have an identity.
for op in ("ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceSumSquare",
           "ReduceL1", "ReduceL2", "ReduceLogSumExp"):
    case(f"{op.lower()}_empty_set", [helper.make_node(op, ["x", "axes"], ["y"], keepdims=1)],
         {"x": x0}, ["y"], [axes("axes", [1])])
# The reduced dim is not the empty one: the output is empty too.
case("reducesum_non_reduced_zero", [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
     {"x": x0}, ["y"], [axes("axes", [2])])
case("concat_empty_operand", [helper.make_node("Concat", ["a", "b"], ["y"], axis=1)],
     {"a": x0, "b": RNG.standard_normal((2, 4, 3)).astype(np.float32)}, ["y"])
case("elementwise_empty", [helper.make_node("Add", ["a", "a"], ["s"]),
                           helper.make_node("Relu", ["s"], ["y"])],
     {"a": x0}, ["y"])
case("topk_zero", [helper.make_node("TopK", ["x", "k"], ["v", "i"])],
     {"x": RNG.standard_normal((3, 4)).astype(np.float32)}, ["v", "i"], [axes("k", [0])])
case("split_zero_part", [helper.make_node("Split", ["x", "parts"], ["a", "b", "c"], axis=0)],
     {"x": RNG.standard_normal((5, 2)).astype(np.float32)}, ["a", "b", "c"],
     [axes("parts", [2, 0, 3])])
case("matmul_empty_k", [helper.make_node("MatMul", ["a", "b"], ["y"])],
     {"a": np.zeros((4, 0), np.float32), "b": np.zeros((0, 5), np.float32)}, ["y"])

sys.exit(e2e.run_cases(sys.argv[1], CASES))
