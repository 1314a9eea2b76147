#!/usr/bin/env python3
"""Writes a small sample model (a CNN classifier with a shape subgraph) for
the README's quick start and the driver tests.

usage: make_sample_model.py OUTPUT.onnx [--batch N|dynamic] [--seed S]
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(batch, seed=0):
    rng = np.random.default_rng(seed)
    w = lambda name, *shape: numpy_helper.from_array(
        (rng.standard_normal(shape) * 0.1).astype(np.float32), name)
    inits = [
        w("conv1.w", 8, 3, 3, 3), w("conv1.b", 8),
        w("conv2.w", 16, 8, 3, 3), w("conv2.b", 16),
        w("fc.w", 10, 16 * 8 * 8), w("fc.b", 10),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "zero"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus_one"),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "conv1.w", "conv1.b"], ["c1"],
                         name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2.w", "conv2.b"], ["c2"],
                         name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("AveragePool", ["r2"], ["p2"], name="pool2",
                         kernel_shape=[2, 2], strides=[2, 2]),
        # Flatten through a shape computation, as exporters write it.
        helper.make_node("Shape", ["p2"], ["p2_shape"], name="shape"),
        helper.make_node("Gather", ["p2_shape", "zero"], ["batch"], name="batch", axis=0),
        helper.make_node("Concat", ["batch", "minus_one"], ["flat_shape"], name="flat_shape", axis=0),
        helper.make_node("Reshape", ["p2", "flat_shape"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "sample_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [batch, 3, 32, 32])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [batch, 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="onnx-compile sample")
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--batch", default="1", help="batch size, or 'dynamic'")
    ap.add_argument("--seed", type=int, default=0, help="seed of the weights")
    args = ap.parse_args()
    batch = "N" if args.batch == "dynamic" else int(args.batch)
    onnx.save(build(batch, args.seed), args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
