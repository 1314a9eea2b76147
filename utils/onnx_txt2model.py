#!/usr/bin/env python3
"""Turns an ONNX text-format model (onnx.parser syntax) into a binary model.

Used by the lit tests, so that test models live as readable text next to
their CHECK lines and no binary blob is committed. Lines starting with '#'
are comments for the ONNX parser, so RUN/CHECK lines can share the file.
Each unnamed node is named after its first output.

usage: onnx_txt2model.py INPUT.onnxtxt -o OUTPUT.onnx [--no-check]
"""
import argparse
import sys

import onnx
import onnx.checker
import onnx.parser


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--no-check", action="store_true",
                    help="skip onnx.checker (for deliberately invalid models)")
    args = ap.parse_args()
    with open(args.input) as f:
        text = f.read()
    model = onnx.parser.parse_model(text)
    # The text syntax cannot name nodes; name each after its first output so
    # diagnostics in tests have a node name to show.
    for node in model.graph.node:
        if not node.name and node.output:
            node.name = node.output[0]
    if not args.no_check:
        onnx.checker.check_model(model)
    onnx.save(model, args.output)


if __name__ == "__main__":
    sys.exit(main())
