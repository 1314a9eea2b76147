# If, Loop and Scan against onnxruntime: branches reading the enclosing
# graph's values and yielding different shapes; counted loops with scan
# outputs, while loops with a data-dependent exit, a trip count given at run
# time, zero iterations, a loop-carried value that grows every iteration; a
# loop inside an If inside a Loop; Scan forward and reversed along other
# axes; and a greedy decode loop (argmax, embedding lookup, stop at an end
# token), the kind of loop exported sequence models have.
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(11)
CASES = []
F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def case(name, nodes, inputs, outputs, inits=(), opset=17):
    CASES.append((name, e2e.make_model(name, nodes, inputs, outputs, inits, opset), inputs))


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def graph(name, nodes, inputs, outputs, inits=()):
    """A subgraph: inputs and outputs as (name, elem_type, shape or None)."""
    return helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs], list(inits))


x = RNG.standard_normal((3, 4)).astype(np.float32)
y = RNG.standard_normal((3, 4)).astype(np.float32)

# If: both branches read x and y from the enclosing graph.
add_branch = graph("then", [helper.make_node("Add", ["x", "y"], ["r"])], [], [("r", F, None)])
mul_branch = graph("else", [helper.make_node("Mul", ["x", "y"], ["r"])], [], [("r", F, None)])
for value in (True, False):
    case(f"if_outer_scope_{value}",
         [helper.make_node("If", ["c"], ["out"], then_branch=add_branch, else_branch=mul_branch)],
         {"c": np.array(value), "x": x, "y": y}, ["out"])
# Branches of different shapes: the result's dims come from the one taken.
longer = graph("else", [helper.make_node("Concat", ["x", "y"], ["r"], axis=0)], [], [("r", F, None)])
same = graph("then", [helper.make_node("Identity", ["x"], ["r"])], [], [("r", F, None)])
for value in (True, False):
    case(f"if_branch_shapes_{value}",
         [helper.make_node("If", ["c"], ["out"], then_branch=same, else_branch=longer)],
         {"c": np.array([value]), "x": x, "y": y}, ["out"])

# Loop, counted (M = 5): a carried sum and two scan outputs.
body = graph("body", [
    helper.make_node("Cast", ["i"], ["fi"], to=F),
    helper.make_node("Mul", ["x", "fi"], ["step"]),
    helper.make_node("Add", ["acc", "step"], ["acc_next"]),
    helper.make_node("Identity", ["cond"], ["cond_next"]),
    helper.make_node("ReduceSum", ["acc_next"], ["total"], keepdims=0),
], [("i", I64, []), ("cond", B, []), ("acc", F, [3, 4])],
   [("cond_next", B, []), ("acc_next", F, [3, 4]), ("acc_next", F, [3, 4]), ("total", F, [])])
# (The scan output of acc_next repeats an output name, which ONNX allows.)
body.output[2].name = "acc_scan"
body.node.append(helper.make_node("Identity", ["acc_next"], ["acc_scan"]))
case("loop_counted_scan",
     [helper.make_node("Loop", ["m", "", "acc0"], ["acc", "accs", "totals"], body=body)],
     {"acc0": np.zeros((3, 4), np.float32), "x": x}, ["acc", "accs", "totals"],
     [const("m", np.int64(5))])
# The same loop with M a graph input (the trip count known at run time), and
# with M = 0: the results are the initial values and empty scans.
for trips in (7, 0):
    case(f"loop_run_time_trips_{trips}",
         [helper.make_node("Loop", ["m", "", "acc0"], ["acc", "accs", "totals"], body=body)],
         {"m": np.array(trips, np.int64), "acc0": np.ones((3, 4), np.float32), "x": x},
         ["acc", "accs", "totals"])

# A while loop (no M): doubles v until its sum passes a limit read from the
# enclosing graph; the exit depends on the data.
while_body = graph("body", [
    helper.make_node("Mul", ["v", "two"], ["v_next"]),
    helper.make_node("ReduceSum", ["v_next"], ["s"], keepdims=0),
    helper.make_node("Less", ["s", "limit"], ["go"]),
    helper.make_node("Add", ["count", "one"], ["count_next"]),
], [("i", I64, []), ("cond", B, []), ("v", F, [4]), ("count", I64, [])],
   [("go", B, []), ("v_next", F, [4]), ("count_next", I64, []), ("s", F, [])],
   [const("two", np.float32(2)), const("one", np.int64(1))])
case("loop_while",
     [helper.make_node("Loop", ["", "c0", "v0", "n0"], ["v", "n", "sums"], body=while_body)],
     {"c0": np.array(True), "v0": np.array([0.5, 1, 0.25, 2], np.float32),
      "limit": np.array(1000.0, np.float32)}, ["v", "n", "sums"],
     [const("n0", np.int64(0))])
# Both M and a condition: M = 20 stops it first here, the condition there.
for limit in (1e30, 50.0):
    case(f"loop_trip_count_and_cond_{int(limit > 100)}",
         [helper.make_node("Loop", ["m", "c0", "v0", "n0"], ["v", "n", "sums"], body=while_body)],
         {"c0": np.array(True), "v0": np.array([0.5, 1, 0.25, 2], np.float32),
          "limit": np.array(limit, np.float32)}, ["v", "n", "sums"],
         [const("m", np.int64(20)), const("n0", np.int64(0))])
# A carried value that grows every iteration (its shape changes).
grow_body = graph("body", [
    helper.make_node("Cast", ["i"], ["fi"], to=F),
    helper.make_node("Unsqueeze", ["fi", "axis0"], ["row"]),
    helper.make_node("Concat", ["seq", "row"], ["seq_next"], axis=0),
    helper.make_node("Identity", ["cond"], ["cond_next"]),
], [("i", I64, []), ("cond", B, []), ("seq", F, None)],
   [("cond_next", B, []), ("seq_next", F, None)], [const("axis0", np.array([0], np.int64))])
case("loop_growing_carried",
     [helper.make_node("Loop", ["m", "", "seq0"], ["seq"], body=grow_body)],
     {"m": np.array(6, np.int64), "seq0": np.array([-1.0, -2.0], np.float32)}, ["seq"])

# Nesting: a Loop whose body has an If whose branch has a Loop; the inner
# bodies read the outer body's values.
inner_body = graph("inner", [
    helper.make_node("Add", ["w", "v"], ["w_next"]),
    helper.make_node("Identity", ["c_in"], ["c_out"]),
], [("j", I64, []), ("c_in", B, []), ("w", F, [4])], [("c_out", B, []), ("w_next", F, [4])])
then_loop = graph("then", [helper.make_node("Loop", ["i", "", "v"], ["r"], body=inner_body)],
                  [], [("r", F, [4])])
else_neg = graph("else", [helper.make_node("Neg", ["v"], ["r"])], [], [("r", F, [4])])
outer_body = graph("outer", [
    helper.make_node("Mod", ["i", "two"], ["parity"]),
    helper.make_node("Equal", ["parity", "zero"], ["even"]),
    helper.make_node("If", ["even"], ["v_next"], then_branch=then_loop, else_branch=else_neg),
    helper.make_node("Identity", ["cond"], ["cond_next"]),
], [("i", I64, []), ("cond", B, []), ("v", F, [4])], [("cond_next", B, []), ("v_next", F, [4])],
   [const("two", np.int64(2)), const("zero", np.int64(0))])
case("loop_if_loop_nested",
     [helper.make_node("Loop", ["m", "", "v0"], ["v"], body=outer_body)],
     {"v0": np.array([1.0, -0.5, 0.25, 3.0], np.float32)}, ["v"], [const("m", np.int64(5))])

# Scan: a running sum over the rows, forward; then over columns (axis 1)
# with the input reversed and the output stacked reversed along axis 1.
scan_body = graph("body", [
    helper.make_node("Add", ["acc", "row"], ["acc_next"]),
    helper.make_node("Mul", ["acc_next", "row"], ["prod"]),
], [("acc", F, None), ("row", F, None)], [("acc_next", F, None), ("prod", F, None)])
xs = RNG.standard_normal((5, 3)).astype(np.float32)
case("scan_forward",
     [helper.make_node("Scan", ["acc0", "xs"], ["acc", "prods"], body=scan_body, num_scan_inputs=1)],
     {"acc0": np.zeros(3, np.float32), "xs": xs}, ["acc", "prods"], opset=16)
case("scan_reverse_axes",
     [helper.make_node("Scan", ["acc0", "xs"], ["acc", "prods"], body=scan_body, num_scan_inputs=1,
                       scan_input_axes=[1], scan_input_directions=[1],
                       scan_output_axes=[-1], scan_output_directions=[1])],
     {"acc0": np.zeros(5, np.float32), "xs": xs}, ["acc", "prods"], opset=16)

# A greedy decode loop: from a start token, embed, update a tanh RNN state,
# project to the vocabulary, take the argmax, stop at the end token or after
# max_len tokens; the tokens are the scan output, their count is carried.
VOCAB, HIDDEN, EOS = 12, 8, 3
emb = (RNG.standard_normal((VOCAB, HIDDEN)) * 0.8).astype(np.float32)
w_h = (RNG.standard_normal((HIDDEN, HIDDEN)) * 0.6).astype(np.float32)
w_o = (RNG.standard_normal((HIDDEN, VOCAB)) * 1.5).astype(np.float32)
decode_body = graph("decode", [
    helper.make_node("Gather", ["emb", "tok"], ["e"], axis=0),
    helper.make_node("MatMul", ["h", "w_h"], ["hh"]),
    helper.make_node("Add", ["e", "hh"], ["pre"]),
    helper.make_node("Tanh", ["pre"], ["h_next"]),
    helper.make_node("MatMul", ["h_next", "w_o"], ["logits"]),
    helper.make_node("ArgMax", ["logits"], ["tok_next"], axis=-1, keepdims=0),
    helper.make_node("Equal", ["tok_next", "eos"], ["done"]),
    helper.make_node("Not", ["done"], ["go"]),
], [("i", I64, []), ("cond", B, []), ("tok", I64, []), ("h", F, [HIDDEN])],
   [("go", B, []), ("tok_next", I64, []), ("h_next", F, [HIDDEN]), ("tok_next", I64, [])],
   [const("eos", np.int64(EOS))])
decode_body.output[3].name = "emitted"
decode_body.node.append(helper.make_node("Identity", ["tok_next"], ["emitted"]))
for start in range(4):
    case(f"greedy_decode_start{start}",
         [helper.make_node("Loop", ["max_len", "", "start", "h0"], ["last", "h", "tokens"],
                           body=decode_body)],
         {"start": np.array(start, np.int64), "h0": np.zeros(HIDDEN, np.float32),
          "max_len": np.array(16, np.int64)}, ["last", "h", "tokens"],
         [const("emb", emb), const("w_h", w_h), const("w_o", w_o)])

sys.exit(e2e.run_cases(sys.argv[1], CASES))
