"""Writes CumSum(x float32[3,6], ax int64 scalar) to the path given: a model
whose axis is an input, checked by the host code at run time."""
import sys

import onnx
from onnx import TensorProto, helper

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 6])
axis = helper.make_tensor_value_info("ax", TensorProto.INT64, [])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 6])
graph = helper.make_graph([helper.make_node("CumSum", ["x", "ax"], ["y"], name="cumsum")],
                          "cumsum", [x, axis], [y])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])
