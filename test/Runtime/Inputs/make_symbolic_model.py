#!/usr/bin/env python3
"""Writes symbolic.onnx, a model with dims known only at run time, and .npy
inputs for it into OUTDIR (usage: make_symbolic_model.py OUTDIR).

    masked = float(ids) * mask     ids: int64[batch,seq], mask: float32[batch,seq]
    biased = masked + bias         bias: float32[width] (width must equal seq:
                                   a check of the compiled code at run time)

Inputs: ids_2x3, mask_2x3, bias_3, ids_4x5, mask_4x5, bias_5, mask_2x4, and
bias_7 (a width that fails the run-time check)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    graph = helper.make_graph(
        [helper.make_node("Cast", ["ids"], ["f"], to=TensorProto.FLOAT),
         helper.make_node("Mul", ["f", "mask"], ["masked"]),
         helper.make_node("Add", ["masked", "bias"], ["biased"], name="add_bias")],
        "symbolic",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "seq"]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["width"])],
        [helper.make_tensor_value_info("masked", TensorProto.FLOAT, ["batch", "seq"]),
         helper.make_tensor_value_info("biased", TensorProto.FLOAT, ["batch", None])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(outdir, "symbolic.onnx"))
    for batch, seq in ((2, 3), (4, 5)):
        ids = np.arange(batch * seq, dtype=np.int64).reshape(batch, seq)
        np.save(os.path.join(outdir, f"ids_{batch}x{seq}.npy"), ids)
        np.save(os.path.join(outdir, f"mask_{batch}x{seq}.npy"),
                (ids % 2).astype(np.float32))
        np.save(os.path.join(outdir, f"bias_{seq}.npy"), np.arange(seq, dtype=np.float32) / 4)
    np.save(os.path.join(outdir, "mask_2x4.npy"), np.ones((2, 4), np.float32))
    np.save(os.path.join(outdir, "bias_7.npy"), np.ones(7, np.float32))


if __name__ == "__main__":
    main()
