#!/usr/bin/env python3
"""Writes malformed models for the error-handling tests.

usage: make_bad_model.py KIND OUTPUT
  truncated      a valid model cut in half
  random         random bytes (seeded)
  escape         external data whose location escapes the model's folder
  absolute       external data with an absolute location
  short-data     external data file shorter than the tensor
  empty          a zero-byte file
"""
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def small_model(weight=None):
    w = weight if weight is not None else numpy_helper.from_array(
        np.arange(64, dtype=np.float32).reshape(8, 8), "W")
    node = helper.make_node("MatMul", ["X", "W"], ["Y"], name="matmul_0")
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 8])],
        [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def external_weight(location, length=256):
    t = TensorProto()
    t.name = "W"
    t.data_type = TensorProto.FLOAT
    t.dims.extend([8, 8])
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", str(length))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "truncated":
        data = small_model().SerializeToString()
        data = data[: len(data) // 2]
    elif kind == "random":
        rng = random.Random(1234)
        data = bytes(rng.randrange(256) for _ in range(4096))
    elif kind == "empty":
        data = b""
    elif kind == "escape":
        data = small_model(external_weight("../outside.bin")).SerializeToString()
        with open(os.path.join(os.path.dirname(os.path.abspath(out)), "..", "outside.bin"), "wb") as f:
            f.write(b"\0" * 256)
    elif kind == "absolute":
        data = small_model(external_weight("/etc/passwd")).SerializeToString()
    elif kind == "short-data":
        data = small_model(external_weight("weights.bin")).SerializeToString()
        with open(os.path.join(os.path.dirname(os.path.abspath(out)), "weights.bin"), "wb") as f:
            f.write(b"\0" * 100)
    else:
        sys.exit(f"unknown kind {kind}")
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
