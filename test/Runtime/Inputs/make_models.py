#!/usr/bin/env python3
"""Writes the small model of the runtime tests.

usage: make_models.py OUTDIR

  OUTDIR/mixed.onnx  two inputs of different element types, four outputs of
                     three element types:
                       x          float32[2,3,4]
                       token.ids  int64[2,5]        (values in [0, 10))
                       y          float32[2,3,5] = Tanh(x @ W + b)
                       pooled     float32[2,4]   = ReduceMean(table[token.ids], axis 1)
                       ids_out    int64[2,5]     = token.ids * 3 + 1
                       positive   bool[2,3,5]    = y > 0
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def mixed():
    rng = np.random.default_rng(7)
    inits = [
        numpy_helper.from_array(rng.standard_normal((4, 5)).astype(np.float32), "W"),
        numpy_helper.from_array(rng.standard_normal(5).astype(np.float32), "b"),
        numpy_helper.from_array(rng.standard_normal((10, 4)).astype(np.float32), "table"),
        numpy_helper.from_array(np.array(3, np.int64), "three"),
        numpy_helper.from_array(np.array(1, np.int64), "one"),
        numpy_helper.from_array(np.zeros((), np.float32), "zero"),
    ]
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["xw"], name="matmul"),
        helper.make_node("Add", ["xw", "b"], ["xwb"], name="add"),
        helper.make_node("Tanh", ["xwb"], ["y"], name="tanh"),
        helper.make_node("Gather", ["table", "token.ids"], ["emb"], name="gather", axis=0),
        helper.make_node("ReduceMean", ["emb"], ["pooled"], name="mean", axes=[1], keepdims=0),
        helper.make_node("Mul", ["token.ids", "three"], ["ids3"], name="mul"),
        helper.make_node("Add", ["ids3", "one"], ["ids_out"], name="add_ids"),
        helper.make_node("Greater", ["y", "zero"], ["positive"], name="greater"),
    ]
    graph = helper.make_graph(
        nodes, "mixed",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4]),
         helper.make_tensor_value_info("token.ids", TensorProto.INT64, [2, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 5]),
         helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [2, 4]),
         helper.make_tensor_value_info("ids_out", TensorProto.INT64, [2, 5]),
         helper.make_tensor_value_info("positive", TensorProto.BOOL, [2, 3, 5])],
        inits)
    return graph


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, graph in (("mixed", mixed()),):
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                                  producer_name="onnx-compile runtime tests")
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, os.path.join(outdir, name + ".onnx"))


if __name__ == "__main__":
    main()
