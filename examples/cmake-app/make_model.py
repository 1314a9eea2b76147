#!/usr/bin/env python3
"""Writes the example's image classifier: a small CNN (three Conv + Relu
stages, max pooling, global average pooling, Gemm, Softmax) over a 1x3x64x64
float32 image, with 10 classes and fixed, seeded weights. Needs the onnx
and numpy Python packages.

usage: make_model.py OUTPUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build():
    rng = np.random.default_rng(2024)

    def weight(name, *shape):
        # He-scaled so that the ten scores spread out rather than tie.
        fan_in = int(np.prod(shape[1:]))
        values = rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
        return numpy_helper.from_array(values.astype(np.float32), name)

    def bias(name, n):
        return numpy_helper.from_array(
            (rng.standard_normal(n) * 0.05).astype(np.float32), name)

    initializers = [
        weight("conv1.w", 8, 3, 3, 3), bias("conv1.b", 8),
        weight("conv2.w", 16, 8, 3, 3), bias("conv2.b", 16),
        weight("conv3.w", 32, 16, 3, 3), bias("conv3.b", 32),
        weight("fc.w", 10, 32), bias("fc.b", 10),
    ]
    node = helper.make_node
    nodes = [
        node("Conv", ["image", "conv1.w", "conv1.b"], ["c1"], name="conv1",
             pads=[1, 1, 1, 1], strides=[2, 2]),
        node("Relu", ["c1"], ["r1"], name="relu1"),
        node("Conv", ["r1", "conv2.w", "conv2.b"], ["c2"], name="conv2",
             pads=[1, 1, 1, 1]),
        node("Relu", ["c2"], ["r2"], name="relu2"),
        node("MaxPool", ["r2"], ["p2"], name="pool2", kernel_shape=[2, 2],
             strides=[2, 2]),
        node("Conv", ["p2", "conv3.w", "conv3.b"], ["c3"], name="conv3",
             pads=[1, 1, 1, 1], strides=[2, 2]),
        node("Relu", ["c3"], ["r3"], name="relu3"),
        node("GlobalAveragePool", ["r3"], ["gap"], name="gap"),
        node("Flatten", ["gap"], ["features"], name="flatten"),
        node("Gemm", ["features", "fc.w", "fc.b"], ["logits"], name="fc",
             transB=1),
        node("Softmax", ["logits"], ["scores"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 10])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="onnx-compile examples/cmake-app")
    onnx.checker.check_model(model)
    return model


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[-1])
    onnx.save(build(), sys.argv[1])


if __name__ == "__main__":
    main()
