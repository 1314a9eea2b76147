#!/usr/bin/env python3
"""Writes a model whose weights live in an ONNX external data file, for
measuring what compiling a large model costs (time, the compiler's peak
RSS against the weights' size) and for testing --weights=external:
LAYERS MatMul+Relu layers of DIM x DIM float32 weights, input x[1, DIM].

    utils/make_large_model.py out/model.onnx --dim 8192 --layers 9   # 2.25 GiB
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("--dim", type=int, default=1024)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    folder = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(folder, exist_ok=True)
    data_name = os.path.basename(args.output) + ".data"
    data_path = os.path.join(folder, data_name)
    rng = np.random.default_rng(args.seed)
    nodes, initializers = [], []
    offset = 0
    with open(data_path, "wb") as data:
        previous = "x"
        for i in range(args.layers):
            # Scaled so that activations stay near 1 through the layers.
            w = (rng.standard_normal((args.dim, args.dim), dtype=np.float32)
                 * np.float32(1.4 / np.sqrt(args.dim)))
            raw = w.tobytes()
            data.write(raw)
            tensor = TensorProto(name=f"w{i}", data_type=TensorProto.FLOAT,
                                 dims=w.shape)
            tensor.data_location = TensorProto.EXTERNAL
            for key, value in (("location", data_name), ("offset", str(offset)),
                               ("length", str(len(raw)))):
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
            offset += len(raw)
            initializers.append(tensor)
            out = "y" if i == args.layers - 1 else f"h{i}"
            nodes.append(helper.make_node("MatMul", [previous, f"w{i}"], [f"m{i}"]))
            nodes.append(helper.make_node("Relu", [f"m{i}"], [out]))
            previous = out
    graph = helper.make_graph(
        nodes, "large",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, args.dim])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, args.dim])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, args.output)
    print(f"wrote {args.output} and {data_path} ({offset / 2**20:.0f} MiB of weights)")


if __name__ == "__main__":
    main()
