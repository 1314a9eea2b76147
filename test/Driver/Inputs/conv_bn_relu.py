"""Writes a Conv + BatchNormalization + Relu model (seeded weights) to argv[1]."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
init = {"W": rng.standard_normal((16, 8, 3, 3)) * 0.2, "B": rng.standard_normal(16),
        "S": rng.uniform(0.5, 1.5, 16), "Beta": rng.standard_normal(16),
        "M": rng.standard_normal(16), "V": rng.uniform(0.5, 2.0, 16)}
graph = helper.make_graph(
    [helper.make_node("Conv", ["X", "W", "B"], ["C"], pads=[1, 1, 1, 1]),
     helper.make_node("BatchNormalization", ["C", "S", "Beta", "M", "V"], ["N"], epsilon=1e-3),
     helper.make_node("Relu", ["N"], ["Y"])],
    "conv_bn_relu",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 8, 12, 12])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 16, 12, 12])],
    [numpy_helper.from_array(v.astype(np.float32), k) for k, v in init.items()])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])
