# Shape computations that go through ops without a folder of their own
# (Mod, Where, Cast, Floor, Ceil, Sqrt, Neg, Abs, Min, Max, Equal, Div on
# small int and float constants, as PyTorch exports write them) fold: each
# model's shape input to Reshape / Expand / Tile is a chain of such ops on
# constants and Shape, so it compiles only if the chain folds (the CPU back
# end needs static shapes), and its output must match onnxruntime.
# --emit=mlir must show no op of the chain left.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import subprocess
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

RNG = np.random.default_rng(1)


def const(name, value, dtype=np.int64):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(np.array(value, dtype), name))


def node(op, inputs, output, **attrs):
    return helper.make_node(op, inputs, [output], **attrs)


CASES = []


def case(name, nodes, x, folded_ops):
    CASES.append((name, e2e.make_model(name, nodes, {"x": x}, ["y"]), {"x": x}, folded_ops))


# The attention reshape: Shape -> Slice(ends = Mod(-1, 3)) ->
# Concat(., [2, 4]) -> Reshape.
case("mod-slice-reshape", [
    node("Shape", ["x"], "s"), const("zero", [0]), const("m1", [-1]), const("three", [3]),
    node("Mod", ["m1", "three"], "end"), node("Slice", ["s", "zero", "end"], "lead"),
    const("tail", [2, 4]), node("Concat", ["lead", "tail"], "shape", axis=0),
    node("Reshape", ["x", "shape"], "y")], RNG.standard_normal((2, 3, 8)).astype(np.float32),
    ["Mod", "Slice", "Concat"])

# heads = Cast(Floor(Sqrt(Cast(d)))) and d / heads, with Div truncating.
case("float-math-reshape", [
    node("Shape", ["x"], "s"), const("last", [2]), node("Gather", ["s", "last"], "d", axis=0),
    node("Cast", ["d"], "df", to=1), node("Sqrt", ["df"], "r"), node("Floor", ["r"], "fl"),
    node("Ceil", ["r"], "ce"), node("Cast", ["fl"], "heads", to=7),
    node("Div", ["d", "heads"], "per"), node("Cast", ["ce"], "ceil_heads", to=7),
    node("Min", ["heads", "ceil_heads"], "h"), const("lead", [2, 3]),
    node("Concat", ["lead", "h", "per"], "shape", axis=0),
    node("Reshape", ["x", "shape"], "y")], RNG.standard_normal((2, 3, 16)).astype(np.float32),
    ["Sqrt", "Floor", "Ceil", "Div", "Min"])

# Where(Equal(shape, 1), -1 ... ) picks the broadcast target of Expand;
# Neg and Abs on the way, Max to clamp.
case("where-expand", [
    node("Shape", ["x"], "s"), const("one", [1]), node("Equal", ["s", "one"], "is1"),
    const("wide", [5, 1, 4]), node("Neg", ["wide"], "nw"), node("Abs", ["nw"], "aw"),
    node("Where", ["is1", "aw", "s"], "target"), const("floor1", [1]),
    node("Max", ["target", "floor1"], "shape"),
    node("Expand", ["x", "shape"], "y")], RNG.standard_normal((1, 3, 1)).astype(np.float32),
    ["Equal", "Neg", "Abs", "Where", "Max"])

# Tile repeats from a float computation cast back to int64.
case("float-repeats-tile", [
    const("rf", [1.5, 2.0], np.float32), const("two", [2.0], np.float32),
    node("Mul", ["rf", "two"], "r2"), node("Cast", ["r2"], "reps", to=7),
    node("Tile", ["x", "reps"], "y")], RNG.standard_normal((2, 3)).astype(np.float32),
    ["Mul", "Cast"])


def main():
    workdir = sys.argv[1]
    os.makedirs(workdir, exist_ok=True)
    cases = [(name, model, inputs) for name, model, inputs, _ in CASES]
    status = e2e.run_cases(workdir, cases)
    for name, model, _, folded in CASES:
        path = os.path.join(workdir, name + ".onnx")
        out = subprocess.run(["onnx-compile", path, "--emit=mlir", "-o", "-"],
                             capture_output=True, text=True)
        left = [op for op in folded if f'"onnx.{op}"' in out.stdout]
        if out.returncode or left:
            status = 1
            print(f"FAIL {name}: not folded: {left or out.stderr.strip()}")
    return status


if __name__ == "__main__":
    sys.exit(main())
