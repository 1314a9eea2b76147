#!/usr/bin/env python3
"""Compares what a test program computed with onnxruntime.

usage: compare_ort.py MODEL.onnx DIR [--atol A]      (C programs, dump.h)
       compare_ort.py MODEL.onnx --npy INPUTS OUTPUTS (onnx-run)

DIR holds manifest.tsv and the raw inputs and outputs a C program wrote with
dump.h. The inputs and outputs must be those of the ONNX graph, in its order
and with its element types and shapes. The inputs are run through onnxruntime
and every output is compared: floating point within A (default 1e-4)
absolutely plus 1e-4 relatively, integers and bools exactly.

With --npy, INPUTS holds NAME.npy for each graph input and OUTPUTS the NAME.npy
files onnx-run wrote ('/' in a name becomes '_').

Prints one line per output and "all N outputs match onnxruntime"; exits 1 on
any difference.
"""
import argparse
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper

DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32,
          7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32,
          13: np.uint64}


def graph_signature(model):
    """[(name, dtype code, shape)] of the graph's inputs and outputs."""
    inits = {i.name for i in model.graph.initializer}

    def sig(values):
        return [(v.name, v.type.tensor_type.elem_type,
                 tuple(d.dim_value if d.HasField("dim_value") else -1
                       for d in v.type.tensor_type.shape.dim))
                for v in values if v.name not in inits]
    return sig(model.graph.input), sig(model.graph.output)


def read_manifest(directory):
    """([(name, dtype code, shape, array)] of the inputs, same of the outputs)
    from DIR/manifest.tsv and the .bin files dump.h wrote."""
    inputs, outputs = [], []
    with open(os.path.join(directory, "manifest.tsv")) as f:
        for line in f:
            kind, index, name, dtype, dims, file = line.rstrip("\n").split("\t")
            shape = tuple(int(d) for d in dims.split(",")) if dims else ()
            array = np.fromfile(os.path.join(directory, file), DTYPES[int(dtype)])
            entry = (name, int(dtype), shape, array.reshape(shape))
            (inputs if kind == "input" else outputs).append(entry)
    return inputs, outputs


def run_onnxruntime(model_path, inputs):
    """The graph's outputs from onnxruntime (one thread, CPU) on `inputs`, the
    (name, dtype, shape, array) entries read_manifest() or read_npy() give."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    return session.run(None, {name: array for name, _, _, array in inputs})


def read_npy(model, input_dir, output_dir):
    graph_inputs, graph_outputs = graph_signature(model)

    def load(directory, name):
        array = np.load(os.path.join(directory, name.replace("/", "_") + ".npy"))
        return (name, helper.np_dtype_to_tensor_dtype(array.dtype), array.shape, array)
    return ([load(input_dir, n) for n, _, _ in graph_inputs],
            [load(output_dir, n) for n, _, _ in graph_outputs])


def matches_signature(what, got, want):
    """Names, element types and (static) shapes as in the graph."""
    ok = True
    if [g[0] for g in got] != [w[0] for w in want]:
        print(f"FAIL: {what} names {[g[0] for g in got]}, the graph has {[w[0] for w in want]}")
        return False
    for (name, dtype, shape, _), (_, wdtype, wshape) in zip(got, want):
        fixed = all(d >= 0 for d in wshape)
        if dtype != wdtype or (fixed and shape != wshape) or len(shape) != len(wshape):
            print(f"FAIL: {what} '{name}': {onnx.TensorProto.DataType.Name(dtype)}{list(shape)}, "
                  f"the graph has {onnx.TensorProto.DataType.Name(wdtype)}{list(wshape)}")
            ok = False
    return ok


def summarize(failures, total, reference=None):
    """Prints "all TOTAL outputs match [REFERENCE]" or "FAILURES of TOTAL
    outputs differ [from REFERENCE]"; returns the exit status (1 on any)."""
    if failures:
        print(f"{failures} of {total} outputs differ" + (f" from {reference}" if reference else ""))
        return 1
    print(f"all {total} outputs match" + (f" {reference}" if reference else ""))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--npy", nargs=2, metavar=("INPUTS", "OUTPUTS"))
    ap.add_argument("--atol", type=float, default=1e-4)
    args = ap.parse_args()

    model = onnx.load(args.model)
    if args.npy:
        inputs, outputs = read_npy(model, *args.npy)
    else:
        inputs, outputs = read_manifest(args.dir)
    graph_inputs, graph_outputs = graph_signature(model)
    if not (matches_signature("inputs", inputs, graph_inputs) &
            matches_signature("outputs", outputs, graph_outputs)):
        return 1

    want = run_onnxruntime(args.model, inputs)

    failures = 0
    for (name, dtype, _, got), expected in zip(outputs, want):
        expected = np.asarray(expected)
        if got.shape != expected.shape:
            print(f"FAIL: output '{name}': shape {got.shape}, onnxruntime {expected.shape}")
            failures += 1
            continue
        if np.issubdtype(expected.dtype, np.floating):
            error = np.abs(got.astype(np.float64) - expected.astype(np.float64))
            bound = args.atol + 1e-4 * np.abs(expected.astype(np.float64))
            worst = float(error.max()) if error.size else 0.0
            if not np.all(error <= bound):  # also catches NaN
                bad = tuple(int(i) for i in np.argwhere(~(error <= bound))[0])
                print(f"FAIL: output '{name}': {got[bad]} at {bad}, onnxruntime {expected[bad]} "
                      f"(max abs error {worst:.3g}, atol {args.atol:g})")
                failures += 1
                continue
            print(f"ok output '{name}' {expected.dtype}{list(expected.shape)} within {args.atol:g}")
        else:
            if not np.array_equal(got, expected):
                bad = tuple(int(i) for i in np.argwhere(got != expected)[0])
                print(f"FAIL: output '{name}': {got[bad]} at {bad}, onnxruntime {expected[bad]}")
                failures += 1
                continue
            print(f"ok output '{name}' {expected.dtype}{list(expected.shape)} exact")
    return summarize(failures, len(outputs), "onnxruntime")


if __name__ == "__main__":
    sys.exit(main())
