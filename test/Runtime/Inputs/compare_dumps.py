#!/usr/bin/env python3
"""Compares what one model computed on two targets, and each with onnxruntime.

usage: compare_dumps.py MODEL.onnx REF_DIR GOT_DIR [--rtol R] [--ort-rtol R]
                        [--names REF,GOT]

REF_DIR and GOT_DIR hold manifest.tsv with the raw inputs and outputs that
dlopen_run.c (dump.h) wrote for the model compiled for two targets (x86-64
and aarch64). The inputs must be the same bytes. Every output of GOT must
match REF: integers and bools exactly, floating point within R (default
1e-5) of the largest magnitude of REF's output (max |got - ref| / max |ref|:
models with random weights have outputs far from 1, where an absolute bound
says nothing). Both are also compared with onnxruntime on the same inputs,
within --ort-rtol (default 1e-4) by the same measure.

Prints one line per output with the max absolute and relative differences
and "all N outputs match"; exits 1 on any difference.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_ort import read_manifest, run_onnxruntime, summarize  # noqa: E402


def difference(got, want):
    """(max |got - want|, that / max |want|) in float64; NaN on a NaN."""
    got, want = got.astype(np.float64), want.astype(np.float64)
    if got.size == 0:
        return 0.0, 0.0
    error = float(np.max(np.abs(got - want)))
    scale = float(np.max(np.abs(want)))
    return error, error / scale if scale > 0 else (0.0 if error == 0 else float("inf"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("ref")
    ap.add_argument("got")
    ap.add_argument("--rtol", type=float, default=1e-5)
    ap.add_argument("--ort-rtol", type=float, default=1e-4)
    ap.add_argument("--names", default="x86-64,aarch64")
    args = ap.parse_args()
    ref_name, got_name = args.names.split(",")

    ref_inputs, ref_outputs = read_manifest(args.ref)
    got_inputs, got_outputs = read_manifest(args.got)
    for (name, dtype, shape, a), (gname, gdtype, gshape, b) in zip(ref_inputs, got_inputs):
        if (name, dtype, shape) != (gname, gdtype, gshape) or a.tobytes() != b.tobytes():
            print(f"FAIL: input '{name}' differs between {ref_name} and {got_name}")
            return 1
    if len(ref_inputs) != len(got_inputs) or len(ref_outputs) != len(got_outputs):
        print(f"FAIL: {ref_name} has {len(ref_inputs)} inputs and {len(ref_outputs)} outputs, "
              f"{got_name} {len(got_inputs)} and {len(got_outputs)}")
        return 1

    want = run_onnxruntime(args.model, ref_inputs)

    failures = 0
    for (name, _, _, ref), (gname, _, _, got), expected in zip(ref_outputs, got_outputs, want):
        expected = np.asarray(expected)
        if name != gname or got.shape != ref.shape or got.dtype != ref.dtype:
            print(f"FAIL: output '{name}' {ref.dtype}{list(ref.shape)} on {ref_name}, "
                  f"'{gname}' {got.dtype}{list(got.shape)} on {got_name}")
            failures += 1
            continue
        label = f"output '{name}' {ref.dtype}{list(ref.shape)}"
        if not np.issubdtype(ref.dtype, np.floating):
            same = np.array_equal(got, ref) and np.array_equal(got, expected)
            print(f"{'ok' if same else 'FAIL:'} {label}: {got_name}, {ref_name} and "
                  f"onnxruntime {'equal' if same else 'differ'}")
            failures += not same
            continue
        abs_err, rel_err = difference(got, ref)
        ort_errs = [difference(x, expected)[1] for x in (got, ref)]
        ok = rel_err <= args.rtol and all(e <= args.ort_rtol for e in ort_errs)
        print(f"{'ok' if ok else 'FAIL:'} {label}: max |{got_name} - {ref_name}| {abs_err:.3g}, "
              f"relative to max |{ref_name}| {rel_err:.3g} (<= {args.rtol:g}); "
              f"to onnxruntime {ort_errs[0]:.3g} and {ort_errs[1]:.3g} (<= {args.ort_rtol:g})")
        failures += not ok
    return summarize(failures, len(ref_outputs))


if __name__ == "__main__":
    sys.exit(main())
