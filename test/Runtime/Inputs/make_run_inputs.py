#!/usr/bin/env python3
"""Writes onnx-run input files for mixed.onnx (make_models.py) into DIR.

usage: make_run_inputs.py DIR

  x.npy, token.ids.npy      the inputs (what compare_ort.py --npy reads)
  x.pb                      x as a TensorProto named "x"
  ids_unnamed.pb            token.ids as a TensorProto without a name
  x_bad_shape.npy           float32[2,3,5] instead of [2,3,4]
  x_float64.npy             float64[2,3,4] instead of float32
  ids_int32.npy             int32[2,5] instead of int64
  fortran.npy               x in Fortran order
  not_a_tensor.txt          text
"""
import os
import sys

import numpy as np
from onnx import numpy_helper


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    ids = rng.integers(0, 10, (2, 5)).astype(np.int64)
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "token.ids.npy"), ids)
    with open(os.path.join(out, "x.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())
    with open(os.path.join(out, "ids_unnamed.pb"), "wb") as f:
        f.write(numpy_helper.from_array(ids).SerializeToString())
    np.save(os.path.join(out, "x_bad_shape.npy"), rng.standard_normal((2, 3, 5)).astype(np.float32))
    np.save(os.path.join(out, "x_float64.npy"), x.astype(np.float64))
    np.save(os.path.join(out, "ids_int32.npy"), ids.astype(np.int32))
    np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(x))
    with open(os.path.join(out, "not_a_tensor.txt"), "w") as f:
        f.write("not a tensor\n")


if __name__ == "__main__":
    main()
