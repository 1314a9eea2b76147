# Malformed If/Loop/Scan models get one clear error naming the node (and,
# inside a subgraph, the node and subgraph that hold it), never a crash; a
# condition of run-time size other than one element fails the run, naming
# the node.
#
# RUN: %python %s %t
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WORK = sys.argv[1]
os.makedirs(WORK, exist_ok=True)
F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def vi(name, t, shape):
    return helper.make_tensor_value_info(name, t, shape)


def graph(name, nodes, inputs, outputs, inits=()):
    return helper.make_graph(nodes, name, [vi(*x) for x in inputs],
                             [vi(*x) for x in outputs], list(inits))


def model(nodes, inputs, outputs, inits=()):
    m = helper.make_model(graph("g", nodes, inputs, outputs, inits),
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


LOOP_IN = [("i", I64, []), ("cond", B, [])]
identity_cond = helper.make_node("Identity", ["cond"], ["cond_out"])
add_one = helper.make_node("Add", ["v", "one"], ["vn"])
CASES = {
    # Two carried values, one node output.
    "loop_outputs_fewer_than_carried": (
        model([helper.make_node("Loop", ["m", "", "a", "b"], ["r"], body=graph(
            "body", [identity_cond], LOOP_IN + [("x", F, [2]), ("y", F, [2])],
            [("cond_out", B, []), ("x", F, [2])]))],
            [("a", F, [2]), ("b", F, [2])], [("r", F, [2])], [const("m", np.int64(2))]),
        "node 'Loop_0' (Loop): 'onnx.Loop' op has 2 loop-carried values but only 1 outputs"),
    "loop_body_too_few_inputs": (
        model([helper.make_node("Loop", ["m", "", "v"], ["r"], body=graph(
            "body", [identity_cond], LOOP_IN, [("cond_out", B, [])]))],
            [("v", F, [2])], [("r", F, [2])], [const("m", np.int64(2))]),
        "node 'Loop_0' (Loop) subgraph 'body' has 2 inputs; 3 expected"),
    "loop_cond_output_float": (
        model([helper.make_node("Loop", ["m", "", "v"], ["r"], body=graph(
            "body", [add_one], LOOP_IN + [("v", F, [2])], [("vn", F, [2]), ("vn", F, [2])],
            [const("one", np.float32(1))]))],
            [("v", F, [2])], [("r", F, [2])], [const("m", np.int64(2))]),
        "must be a bool tensor of one element, got 'tensor<2xf32>'"),
    "if_branch_counts": (
        model([helper.make_node("If", ["c"], ["r"],
                                then_branch=graph("t", [], [], [("x", F, [2])]),
                                else_branch=graph("e", [], [], [("x", F, [2]), ("x", F, [2])]))],
              [("c", B, []), ("x", F, [2])], [("r", F, [2])]),
        "node 'If_0' (If): 'onnx.If' op the branches yield 1 and 2 values for 1 outputs"),
    "scan_num_scan_inputs_too_big": (
        model([helper.make_node("Scan", ["s", "xs"], ["r"], num_scan_inputs=3, body=graph(
            "body", [], [("a", F, [2]), ("x", F, [2])], [("a", F, [2])]))],
            [("s", F, [2]), ("xs", F, [3, 2])], [("r", F, [2])]),
        "num_scan_inputs is 3; it must be between 1 and the number of operands, 2"),
    "subgraph_undefined_name": (
        model([helper.make_node("Loop", ["m", "", "v"], ["r"], body=graph(
            "body", [identity_cond, helper.make_node("Add", ["v", "nowhere"], ["vn"])],
            LOOP_IN + [("v", F, [2])], [("cond_out", B, []), ("vn", F, [2])]))],
            [("v", F, [2])], [("r", F, [2])], [const("m", np.int64(2))]),
        "node 'Loop_0' (Loop) subgraph 'body': node 'Add_1' (Add): input #1 'nowhere' is not"),
    "subgraph_sequence_input": (
        model([helper.make_node("Loop", ["m", "", "v"], ["r"], body=graph(
            "body", [identity_cond], LOOP_IN, [("cond_out", B, [])]))],
            [("v", F, [2])], [("r", F, [2])], [const("m", np.int64(2))]),
        None),
}
# A sequence-typed body input.
seq_case = CASES["subgraph_sequence_input"][0]
body = seq_case.graph.node[0].attribute[0].g
body.input.append(helper.make_tensor_sequence_value_info("s", F, [2]))
CASES["subgraph_sequence_input"] = (
    seq_case, "input 's' is not a tensor (sequences, maps and optionals are not supported)")

failures = 0
for name, (m, expected) in CASES.items():
    path = os.path.join(WORK, name + ".onnx")
    onnx.save(m, path)
    out = subprocess.run(["onnx-compile", path, "-o", os.path.join(WORK, name + ".so")],
                         capture_output=True, text=True)
    if out.returncode != 1 or expected not in out.stderr or "PLEASE submit" in out.stderr:
        failures += 1
        print(f"FAIL {name}: rc {out.returncode}: {out.stderr.strip()[:400]}")

# A condition whose size is known only at run time: one element or an error.
m = model([helper.make_node("If", ["c"], ["r"],
                            then_branch=graph("t", [], [], [("x", F, [2])]),
                            else_branch=graph("e", [helper.make_node("Neg", ["x"], ["y"])], [],
                                              [("y", F, [2])]))],
          [("c", B, ["K"]), ("x", F, [2])], [("r", F, [2])])
path = os.path.join(WORK, "if_run_time_condition.onnx")
onnx.save(m, path)
library = os.path.join(WORK, "if_run_time_condition.so")
subprocess.run(["onnx-compile", path, "-o", library], check=True)
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "utils"))
from compiled_model import CompiledModel  # noqa: E402
compiled = CompiledModel(library)
x = np.array([1.5, -2.0], np.float32)
if not np.array_equal(compiled.run({"c": np.array([False]), "x": x})[0], -x):
    failures += 1
    print("FAIL if_run_time_condition: wrong branch")
try:
    compiled.run({"c": np.zeros(0, bool), "x": x})
    failures += 1
    print("FAIL if_run_time_condition: an empty condition ran")
except RuntimeError as e:
    if "node 'If_0' (If): the condition must hold exactly one element" not in str(e):
        failures += 1
        print(f"FAIL if_run_time_condition: {e}")
print(f"{len(CASES) + 1 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
