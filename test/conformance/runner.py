# utils/conformance on a node-test folder of its own, built here with
# onnx.helper in the layout of onnx's backend/test/data/node: each status
# (pass, compile error, run error, mismatch, timeout, crash, skipped) and
# the comparison rules behind them (tolerances, NaN places, exact integers
# and bools, shapes, element types, bfloat16 bit patterns), the reasons
# failures are grouped by, the forced-dynamic rewrite, --list-passing and
# --check. Timeouts and crashes come from wrappers around the real tools
# that hang or kill themselves for the tests named so.
#
# RUN: %python %s %t %onnxc_src
import json
import os
import shutil
import stat
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WORK, SRC = sys.argv[1], sys.argv[2]
RUNNER = os.path.join(SRC, "utils", "conformance")
NODE = os.path.join(WORK, "node")
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(NODE)

EXPECTED = {}  # test name -> status


def write_test(name, status, nodes, inputs, outputs, opset=17, imports=()):
    """A node test: `inputs` (name, array or (elem_type, shape, array))
    and `outputs` (name, elem_type, shape, expected array or TensorProto)."""
    def info(name, elem_type, shape):
        return helper.make_tensor_value_info(name, elem_type, shape)

    graph_inputs, feeds = [], []
    for in_name, value in inputs:
        if isinstance(value, tuple):
            elem_type, shape, data = value
        else:
            elem_type = helper.np_dtype_to_tensor_dtype(value.dtype)
            shape, data = value.shape, value
        graph_inputs.append(info(in_name, elem_type, shape))
        if not isinstance(data, TensorProto):
            data = numpy_helper.from_array(data, in_name)
        feeds.append(data)
    graph = helper.make_graph(nodes, name, graph_inputs,
                              [info(o, t, s) for o, t, s, _ in outputs])
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in imports]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    folder = os.path.join(NODE, name)
    os.makedirs(os.path.join(folder, "test_data_set_0"))
    onnx.save(model, os.path.join(folder, "model.onnx"))
    for i, tensor in enumerate(feeds):
        with open(os.path.join(folder, "test_data_set_0", f"input_{i}.pb"), "wb") as f:
            f.write(tensor.SerializeToString())
    for i, (o, _, _, want) in enumerate(outputs):
        tensor = want if isinstance(want, TensorProto) else numpy_helper.from_array(want, o)
        with open(os.path.join(folder, "test_data_set_0", f"output_{i}.pb"), "wb") as f:
            f.write(tensor.SerializeToString())
    EXPECTED[name] = status


F = TensorProto.FLOAT
x = np.array([[1.0, -2.0, 3.5], [0.25, 8.0, -1.0]], np.float32)
y = np.array([[0.5, 4.0, -3.0], [2.0, 0.0, 1.0]], np.float32)
add = [helper.make_node("Add", ["x", "y"], ["z"])]
xy = [("x", x), ("y", y)]

# Statuses of tests that compile and run.
write_test("test_add_pass", "pass", add, xy, [("z", F, [2, 3], x + y)])
write_test("test_add_within_rtol", "pass", add, xy,
           [("z", F, [2, 3], (x + y) * np.float32(1 + 5e-4))])
write_test("test_add_values_differ", "mismatch", add, xy,
           [("z", F, [2, 3], (x + y) * np.float32(1.01))])
write_test("test_add_shape_differs", "mismatch", add, xy, [("z", F, [2, 3], (x + y).reshape(3, 2))])
write_test("test_add_type_differs", "mismatch", add, xy,
           [("z", F, [2, 3], (x + y).astype(np.float64))])
write_test("test_add_run_error", "run error", add,
           [("x", (F, [2, 3], x.astype(np.int32))), ("y", y)], [("z", F, [2, 3], x + y)])
neg = np.array([-1.0, 4.0, -9.0], np.float32)
sqrt = [helper.make_node("Sqrt", ["x"], ["z"])]
with np.errstate(invalid="ignore"):
    write_test("test_sqrt_nan_same_places", "pass", sqrt, [("x", neg)],
               [("z", F, [3], np.sqrt(neg))])
write_test("test_sqrt_nan_other_places", "mismatch", sqrt, [("x", neg)],
           [("z", F, [3], np.array([1.0, 2.0, 3.0], np.float32))])
write_test("test_sqrt_nan_expected", "mismatch", sqrt, [("x", np.array([4.0, 9.0], np.float32))],
           [("z", F, [2], np.array([np.nan, 3.0], np.float32))])
ints = np.array([3, -7, 2**20], np.int32)
int_add = [helper.make_node("Add", ["a", "b"], ["c"])]
write_test("test_int_exact", "pass", int_add, [("a", ints), ("b", ints)],
           [("c", TensorProto.INT32, [3], ints + ints)])
write_test("test_int_off_by_one", "mismatch", int_add, [("a", ints), ("b", ints)],
           [("c", TensorProto.INT32, [3], ints + ints + np.array([0, 0, 1], np.int32))])
bools = np.array([True, False, True, False])
write_test("test_bool_xor", "pass", [helper.make_node("Xor", ["a", "b"], ["c"])],
           [("a", bools), ("b", bools[::-1].copy())],
           [("c", TensorProto.BOOL, [4], bools ^ bools[::-1])])

# bfloat16: the expected data as bit patterns; 1 + 2^-8 ties between two
# bfloat16 values, rounded to even (down); 1 + 3 * 2^-9 rounds up.
floats = np.array([1.0 + 2.0**-8, 1.0 + 3 * 2.0**-9, -2.5], np.float32)
bits = floats.view(np.uint32)
nearest_even = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
truncated = (bits >> 16).astype(np.uint16)


def bfloat16_tensor(name, patterns):
    tensor = TensorProto(name=name, data_type=TensorProto.BFLOAT16, dims=patterns.shape)
    tensor.raw_data = patterns.tobytes()
    return tensor


to_bf16 = [helper.make_node("Cast", ["x"], ["z"], to=TensorProto.BFLOAT16)]
write_test("test_cast_bfloat16_nearest_even", "pass", to_bf16, [("x", floats)],
           [("z", TensorProto.BFLOAT16, [3], bfloat16_tensor("z", nearest_even))])
write_test("test_cast_bfloat16_truncated", "mismatch", to_bf16, [("x", floats)],
           [("z", TensorProto.BFLOAT16, [3], bfloat16_tensor("z", truncated))])

# Compile errors: ops of a domain the compiler does not know, two of them
# with other names, which must share one reason.
for index, op in enumerate(["Frobnicate", "Defrobnicate"]):
    write_test(f"test_unknown_op_{index}", "compile error",
               [helper.make_node(op, ["x"], [f"out{index}"], domain="com.example",
                                 name=f"n{index}")],
               [("x", x)], [(f"out{index}", F, [2, 3], x)], imports=[("com.example", 1)])

# Not applicable.
write_test("test_string_input", "skipped", [helper.make_node("Identity", ["s"], ["t"])],
           [("s", (TensorProto.STRING, [1],
                   numpy_helper.from_array(np.array([b"a"], object), "s")))],
           [("t", TensorProto.STRING, [1], np.array([b"a"], object))])
write_test("test_sequence_op", "skipped",
           [helper.make_node("SequenceConstruct", ["x", "x"], ["seq"]),
            helper.make_node("SequenceAt", ["seq", "i"], ["z"])],
           [("x", x), ("i", np.array(1, np.int64))], [("z", F, [2, 3], x)])
write_test("test_training_op", "skipped",
           [helper.make_node("Momentum", ["r", "t", "x", "x", "x"], ["xn", "vn"],
                             domain="ai.onnx.preview.training", alpha=0.9, beta=0.1,
                             mode="standard", norm_coefficient=0.0)],
           [("r", np.array(0.1, np.float32)), ("t", np.array(0, np.int64)), ("x", x)],
           [("xn", F, [2, 3], x), ("vn", F, [2, 3], x)],
           imports=[("ai.onnx.preview.training", 1)])
write_test("test_random_op", "skipped", [helper.make_node("RandomUniformLike", ["x"], ["z"])],
           [("x", x)], [("z", F, [2, 3], x)])
dropout = [helper.make_node("Dropout", ["x", "r", "t"], ["z"])]
write_test("test_dropout_training_random", "skipped", dropout,
           [("x", x), ("r", np.array(0.5, np.float32)), ("t", np.array(True))],
           [("z", F, [2, 3], x)], opset=13)
# training_mode with ratio 0 is the identity: applicable, whatever the
# compiler makes of it.
write_test("test_dropout_training_zero_ratio", None, dropout,
           [("x", x), ("r", np.array(0.0, np.float32)), ("t", np.array(True))],
           [("z", F, [2, 3], x)], opset=13)

# Wrappers of the real tools for the timeout and crash statuses.
BIN = os.path.join(WORK, "bin")
os.makedirs(BIN)
compiler, run = shutil.which("onnx-compile"), shutil.which("onnx-run")
for tool, real, cases in [
        # sleep as a child: the runner must kill the process group.
        ("onnx-compile", compiler, '*/test_hang*) sleep 30 ;;\n'
                                   '  */test_compiler_crash*) kill -SEGV $$ ;;'),
        ("onnx-run", run, '*/test_model_crash*) kill -SEGV $$ ;;')]:
    path = os.path.join(BIN, tool)
    with open(path, "w") as f:
        f.write(f'#!/bin/sh\ncase "$1" in\n  {cases}\nesac\nexec "{real}" "$@"\n')
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
write_test("test_hang", "timeout", add, xy, [("z", F, [2, 3], x + y)])
write_test("test_compiler_crash", "crash", add, xy, [("z", F, [2, 3], x + y)])
write_test("test_model_crash", "crash", add, xy, [("z", F, [2, 3], x + y)])


def conformance(*args, want_rc=0):
    argv = [sys.executable, RUNNER, "--data-dir", NODE, "--bin-dir", BIN, "--timeout", "5", *args]
    out = subprocess.run(argv, capture_output=True, text=True)
    assert out.returncode == want_rc, (argv, out.returncode, out.stdout, out.stderr)
    return out.stdout


# The whole folder, once.
start = time.monotonic()
report_path = os.path.join(WORK, "report.json")
summary = conformance("--report", report_path, "--list-passing", os.path.join(WORK, "passing.txt"))
# The hanging compile was cut at --timeout, its sleep included.
assert time.monotonic() - start < 25, time.monotonic() - start
results = {r["name"]: r for r in json.load(open(report_path))["results"]}
assert sorted(results) == sorted(EXPECTED), sorted(results)
for name, status in EXPECTED.items():
    if status:
        assert results[name]["status"] == status, (name, results[name])
assert results["test_dropout_training_zero_ratio"]["status"] != "skipped"

r = lambda name: results[name]["reason"]
m = lambda name: results[name]["message"]
assert r("test_add_values_differ") == "values differ", m("test_add_values_differ")
assert "5 of 6 elements" in m("test_add_values_differ"), m("test_add_values_differ")
assert r("test_add_shape_differs") == "output shape differs"
assert r("test_add_type_differs") == "output element type differs"
assert r("test_sqrt_nan_other_places") == "NaNs at other places"
assert r("test_sqrt_nan_expected") == "NaNs at other places"
assert r("test_int_off_by_one") == "values differ" and "1 of 3" in m("test_int_off_by_one")
assert r("test_cast_bfloat16_truncated").startswith("bfloat16 values differ by one unit"), \
    r("test_cast_bfloat16_truncated")
assert r("test_string_input") == "string values in the graph's inputs or outputs"
assert r("test_sequence_op") == "sequence ops inside the graph"
assert r("test_training_op") == "training op (ai.onnx.preview.training)"
assert r("test_random_op").startswith("random output")
assert r("test_dropout_training_random").startswith("random output")
assert r("test_hang") == "onnx-compile took over 5 s"
assert r("test_compiler_crash") == "onnx-compile died of SIGSEGV"
assert r("test_model_crash") == "the compiled model died of SIGSEGV"
# One reason for both unknown ops: no node names, op names or paths in it.
assert r("test_unknown_op_0") == r("test_unknown_op_1"), \
    (r("test_unknown_op_0"), r("test_unknown_op_1"))
for word in ("Frobnicate", "n0", WORK):
    assert word not in r("test_unknown_op_0"), r("test_unknown_op_0")

passing = sorted(n for n, s in EXPECTED.items() if s == "pass")
if results["test_dropout_training_zero_ratio"]["status"] == "pass":
    passing = sorted(passing + ["test_dropout_training_zero_ratio"])
applicable = sum(1 for s in results.values() if s["status"] != "skipped")
last_line = f"\n{len(passing)} passed, {applicable - len(passing)} failed"
assert summary.rstrip().endswith(last_line), summary
assert "set aside, not applicable: 5" in summary, summary
assert "crashes (2: bugs, each one):" in summary, summary
assert open(os.path.join(WORK, "passing.txt")).read().split() == passing

# --markdown from the report: a row per category (the op a test is about)
# and a row per failing applicable test with its reason.
markdown_path = os.path.join(WORK, "results.md")
conformance("--markdown", markdown_path, "--from-report", report_path)
markdown = open(markdown_path).read()
assert f"**{len(passing)} of {applicable} applicable pass" in markdown, markdown
assert "| Add |" in markdown and "| Sqrt |" in markdown, markdown
for name, result in results.items():
    listed_row = f"| {name} | {result['status']} |" in markdown
    assert listed_row == (result["status"] not in ("pass", "skipped")), (name, markdown)

# --check: a listed test that fails, and a listed name that is no test.
listed = os.path.join(WORK, "list.txt")
with open(listed, "w") as f:
    f.write("# a comment\ntest_add_pass\ntest_add_values_differ\ntest_no_such_test\n")
out = conformance("--check", listed, "--listed-only", want_rc=1)
assert "FAIL: 2 tests listed" in out, out
assert "test_add_values_differ: mismatch: test_data_set_0: values differ" in out, out
assert "test_no_such_test: not among the node tests" in out, out
assert out.rstrip().endswith("1 passed, 1 failed"), out  # only the listed tests ran

# --check passes with the passing tests listed, and names those it lacks.
with open(listed, "w") as f:
    f.write("test_add_pass\ntest_int_exact\n")
out = conformance("--check", listed, "--listed-only")
assert "OK: the 2 tests listed" in out and "can be added" not in out, out
out = conformance("--check", listed, "--filter", "^test_(add|bool)")
assert "2 passing tests are not in" in out, out
assert "  test_add_within_rtol\n  test_bool_xor\n" in out, out

# --dynamic: every dim of the graph's inputs and outputs symbolic, ranks kept.
kept = os.path.join(WORK, "kept")
conformance("--dynamic", "--filter", "^test_add_pass$", "--keep", kept)
[folder] = os.listdir(kept)
model = onnx.load(os.path.join(kept, folder, "model.onnx"))
for value in list(model.graph.input) + list(model.graph.output):
    dims = value.type.tensor_type.shape.dim
    assert len(dims) == 2 and all(d.dim_param and not d.HasField("dim_value") for d in dims), value
params = [d.dim_param for v in model.graph.input for d in v.type.tensor_type.shape.dim]
assert len(set(params)) == len(params), params  # nothing says two dims are equal

# Usage errors name what is wrong.
out = subprocess.run([sys.executable, RUNNER, "--filter", "(", "--data-dir", NODE],
                     capture_output=True, text=True)
assert out.returncode == 2 and "--filter: bad regex" in out.stderr, out.stderr
out = subprocess.run([sys.executable, RUNNER, "--bin-dir", WORK, "--data-dir", NODE],
                     capture_output=True, text=True)
assert out.returncode == 2 and f"onnx-compile not found in {WORK}" in out.stderr, out.stderr
print("ok")
