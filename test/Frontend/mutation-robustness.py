# Corrupted models never crash the importer: seeded mutations of valid
# models (attribute kinds and values, dropped or renamed inputs, changed
# element types and shapes, byte flips) must each end with exit code 0 or 1
# and, on failure, one "error:" line naming the model. A signal, an assert
# or an ASan report fails the test.
#
# RUN: %python %s %t %onnxc_src/utils/make_sample_model.py
import copy
import os
import random
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(sys.argv[2]))
import make_sample_model  # noqa: E402


def transformer_block():
    """A small attention block with a shape subgraph and opset-13+ inputs."""
    rng = np.random.default_rng(1)
    w = lambda n, *s: numpy_helper.from_array(rng.standard_normal(s).astype(np.float32), n)
    i64 = lambda n, v: numpy_helper.from_array(np.array(v, dtype=np.int64), n)
    nodes = [
        helper.make_node("MatMul", ["x", "wq"], ["q"], name="q"),
        helper.make_node("Shape", ["q"], ["qs"], name="qs"),
        helper.make_node("Gather", ["qs", "zero"], ["b"], name="b", axis=0),
        helper.make_node("Concat", ["b", "heads"], ["hs"], name="hs", axis=0),
        helper.make_node("Reshape", ["q", "hs"], ["qh"], name="qh"),
        helper.make_node("Transpose", ["qh"], ["qt"], name="qt", perm=[0, 2, 1, 3]),
        helper.make_node("ReduceMean", ["qt", "axes"], ["m"], name="m", keepdims=1),
        helper.make_node("Sub", ["qt", "m"], ["d"], name="d"),
        helper.make_node("Softmax", ["d"], ["p"], name="p", axis=-1),
        helper.make_node("Split", ["p", "split"], ["p0", "p1"], name="split", axis=3),
        helper.make_node("Unsqueeze", ["p0", "axes"], ["u"], name="u"),
        helper.make_node("Squeeze", ["u", "axes"], ["y"], name="y"),
    ]
    graph = helper.make_graph(
        nodes, "block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("p1", TensorProto.FLOAT, None)],
        [w("wq", 16, 16), i64("zero", [0]), i64("heads", [8, 4, 4]),
         i64("axes", [-1]), i64("split", [2, 2])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def mutate(model, rng):
    m = copy.deepcopy(model)
    g = m.graph
    kind = rng.randrange(9)
    node = rng.choice(g.node)
    if kind == 0 and node.attribute:  # attribute of the wrong kind
        a = rng.choice(node.attribute)
        name = a.name
        a.Clear()
        a.CopyFrom(rng.choice([helper.make_attribute(name, 1.5), helper.make_attribute(name, "x"),
                               helper.make_attribute(name, [1, 2, 3]), helper.make_attribute(name, 7),
                               helper.make_attribute(name, [0.5])]))
    elif kind == 1 and node.attribute:  # out-of-range integer values
        a = rng.choice(node.attribute)
        if a.type == onnx.AttributeProto.INT:
            a.i = rng.choice([-100, 100, 0, -1, 2**40])
        elif a.type == onnx.AttributeProto.INTS:
            a.ints[:] = [rng.choice([-9, 9, 0, 1]) for _ in range(rng.randrange(5))]
    elif kind == 2 and node.attribute:  # drop an attribute
        del node.attribute[rng.randrange(len(node.attribute))]
    elif kind == 3 and node.input:  # drop or empty an input
        if rng.random() < 0.5:
            del node.input[rng.randrange(len(node.input))]
        else:
            node.input[rng.randrange(len(node.input))] = ""
    elif kind == 4:  # rename an input to something undefined or later
        if node.input:
            node.input[rng.randrange(len(node.input))] = rng.choice(
                ["undefined", g.node[-1].output[0]])
    elif kind == 5 and g.initializer:  # wrong initializer type or shape
        t = rng.choice(g.initializer)
        if rng.random() < 0.5:
            t.data_type = rng.choice([TensorProto.INT64, TensorProto.STRING,
                                      TensorProto.COMPLEX64, TensorProto.BOOL, 0, 99])
        else:
            t.dims[:] = [rng.choice([0, 1, 3, 5, 1000]) for _ in range(rng.randrange(4))]
    elif kind == 6:  # graph input rank or type changes
        t = g.input[0].type.tensor_type
        if rng.random() < 0.5:
            t.elem_type = rng.choice([TensorProto.INT64, TensorProto.BOOL, TensorProto.STRING])
        else:
            del t.shape.dim[rng.randrange(len(t.shape.dim))]
    elif kind == 7:  # extra outputs / duplicate node
        node.output.append("extra")
    data = m.SerializeToString()
    if kind == 8:  # flip bytes
        data = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    return data


def main():
    workdir = sys.argv[1]
    os.makedirs(workdir, exist_ok=True)
    rng = random.Random(20261122)
    seeds = [make_sample_model.build("N"), transformer_block()]
    runs = crashes = 0
    for i in range(int(os.environ.get("ONNXC_MUTANTS", "150"))):
        data = mutate(seeds[i % len(seeds)], rng)
        path = os.path.join(workdir, f"mutant{i}.onnx")
        with open(path, "wb") as f:
            f.write(data)
        out = subprocess.run(["onnx-compile", path, "--emit=mlir", "-o", os.devnull],
                             capture_output=True, text=True, errors="replace")
        runs += 1
        errors = [l for l in out.stderr.splitlines() if "error:" in l]
        bad = (out.returncode not in (0, 1) or "Sanitizer" in out.stderr
               or (out.returncode == 1 and (len(errors) != 1 or path not in errors[0])))
        if bad:
            crashes += 1
            print(f"FAIL mutant{i}: exit {out.returncode}\n{out.stderr[-2000:]}")
    print(f"{runs - crashes} passed, {crashes} failed")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
