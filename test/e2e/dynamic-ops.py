# Data-movement and indexing ops whose dims (or shape-deciding values) are
# known only at run time: each model is compiled once with symbolic dims and
# run at several sizes, including dims of 1 and 0, against onnxruntime.
#   reshapes  Unsqueeze, Squeeze, Flatten and a Reshape whose target comes
#             from Shape (0 copies a dim, -1 is inferred), one output each.
#   gathers   Gather and GatherElements on symbolic data and indices.
#   scatter   ScatterElements (add), ScatterND, OneHot with its depth a
#             graph input, and x[x > 0] as NonZero -> Transpose -> GatherND
#             (no empty OneHot: onnxruntime 1.x dies of SIGFPE on one).
#   pad       Pad with its pads a graph input (values known only at run
#             time) in constant, reflect and edge modes, negative pads crop.
#   slice     Slice with run-time starts/ends, a negative step.
#   split     Split into equal parts of a symbolic axis, and by sizes that
#             are a graph input.
#   cumsum    CumSum along an axis that is a graph input; Trilu.
#   blocks    Tile with run-time repeats, Expand to a run-time shape,
#             DepthToSpace and SpaceToDepth on symbolic NCHW.
#   resize    Resize by scales that are a graph input (nearest), constant
#             scales on symbolic dims (linear), sizes under a
#             keep_aspect_ratio_policy (align_corners).
# The run-time checks these lowerings add are errors of the run naming the
# node: a Reshape whose element count differs, split sizes that do not sum
# to the axis, Concat inputs whose dims off the axis differ.
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(0)
workdir = sys.argv[1]
F, I64 = TensorProto.FLOAT, TensorProto.INT64
n = helper.make_node
checks = e2e.RunTimeShapeChecks(workdir)
check_sizes = checks.check_sizes
expect_error = checks.expect_error


def model(name, nodes, inputs, outputs, inits=(), opset=18):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(*i) for i in inputs],
        [helper.make_tensor_value_info(o, t, None) for o, t in outputs], list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def const(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


x = lambda *shape: RNG.standard_normal(shape).astype(np.float32)
ints = lambda *values: np.array(values, np.int64)

reshapes = model("reshapes", [
    n("Unsqueeze", ["x", "ax1"], ["u"]), n("Squeeze", ["u", "ax1"], ["sq"]),
    n("Flatten", ["sq"], ["f1"], axis=1), n("Flatten", ["x"], ["f0"], axis=0),
    n("Shape", ["x"], ["shape"]), n("Slice", ["shape", "zero", "one"], ["b"]),
    n("Concat", ["b", "minus_one", "two"], ["target"], axis=0),
    n("Reshape", ["f1", "target"], ["r"]),
    n("Reshape", ["x", "copy_all"], ["r0"]),
    n("Reshape", ["x", "free"], ["rfree"]),
], [("x", F, ["B", "S", 4]), ("free", I64, [3])],
    [("u", F), ("f1", F), ("f0", F), ("r", F), ("r0", F), ("rfree", F)],
    [const("ax1", [1]), const("zero", [0]), const("one", [1]), const("minus_one", [-1]),
     const("two", [2]), const("copy_all", [0, -1])])
compiled = check_sizes("reshapes", reshapes, [
    {"x": x(2, 3, 4), "free": ints(4, -1, 3)}, {"x": x(1, 1, 4), "free": ints(0, 0, 4)},
    {"x": x(2, 0, 4), "free": ints(0, 0, 4)}])
expect_error("reshapes: element count", compiled, {"x": x(2, 3, 4), "free": ints(5, 1, 5)},
             "(Reshape)", "element count")

gathers = model("gathers", [
    n("Gather", ["data", "idx"], ["g"], axis=1),
    n("GatherElements", ["data", "eidx"], ["ge"], axis=0),
], [("data", F, ["N", "M"]), ("idx", I64, ["K"]), ("eidx", I64, ["P", "Q"])],
    [("g", F), ("ge", F)])
check_sizes("gathers", gathers, [
    {"data": x(3, 5), "idx": ints(4, -1, 0), "eidx": ints(*[2, 0, 1, 1]).reshape(2, 2)},
    {"data": x(1, 1), "idx": ints(0), "eidx": ints(0).reshape(1, 1)},
    {"data": x(0, 2), "idx": ints(1, 0), "eidx": np.zeros((0, 2), np.int64)}])

for mode in ("constant", "reflect", "edge"):
    pad = model("pad_" + mode, [n("Pad", ["x", "pads"], ["y"], mode=mode)],
                [("x", F, ["A", "B"]), ("pads", I64, [4])], [("y", F)])
    feeds = [{"x": x(3, 4), "pads": ints(1, 2, 0, 1)}, {"x": x(4, 3), "pads": ints(-1, 0, 2, -2)}]
    feeds.append({"x": x(1, 1), "pads": ints(0, 1, 0, 0)} if mode == "edge"
                 else {"x": x(0, 3), "pads": ints(0, 1, 0, 2)} if mode == "constant"
                 else {"x": x(2, 3), "pads": ints(1, 0, 0, 0)})
    check_sizes("pad_" + mode, pad, feeds)

slicing = model("slice", [n("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])],
                [("x", F, ["N", "M"]), ("starts", I64, [2]), ("ends", I64, [2])], [("y", F)],
                [const("axes", [0, 1]), const("steps", [1, -2])])
check_sizes("slice", slicing, [
    {"x": x(5, 7), "starts": ints(1, -1), "ends": ints(100, 0)},
    # A negative step's start below -dim clamps to 0 (its end to -1).
    {"x": x(4, 3), "starts": ints(2, -9), "ends": ints(4, -6)},
    {"x": x(1, 1), "starts": ints(0, 5), "ends": ints(1, -10)},
    {"x": x(0, 4), "starts": ints(0, 2), "ends": ints(3, 2)}])

split = model("split", [
    n("Split", ["x"], ["a", "b"], axis=0, num_outputs=2),
    n("Split", ["x", "sizes"], ["c", "d", "e"], axis=1),
], [("x", F, ["N", "M"]), ("sizes", I64, [3])], [("a", F), ("b", F), ("c", F), ("d", F), ("e", F)])
compiled = check_sizes("split", split, [
    {"x": x(5, 6), "sizes": ints(1, 2, 3)}, {"x": x(3, 1), "sizes": ints(0, 1, 0)},
    {"x": x(2, 0), "sizes": ints(0, 0, 0)}])
expect_error("split: sizes", compiled, {"x": x(2, 6), "sizes": ints(1, 2, 2)},
             "(Split)", "do not sum")

concat = model("concat", [n("Concat", ["a", "b"], ["y"], axis=1)],
               [("a", F, ["N", 2]), ("b", F, ["M", 3])], [("y", F)])
compiled = check_sizes("concat", concat, [{"a": x(4, 2), "b": x(4, 3)}, {"a": x(0, 2), "b": x(0, 3)}])
expect_error("concat: dims", compiled, {"a": x(4, 2), "b": x(3, 3)},
             "(Concat)", "dim 0 of input 1 differs from input 0's")

cumsum = model("cumsum", [
    n("CumSum", ["x", "axis"], ["c"]), n("CumSum", ["x", "axis"], ["cr"], exclusive=1, reverse=1),
    n("Trilu", ["x", "k"], ["t"], upper=0),
], [("x", F, ["N", "M"]), ("axis", I64, []), ("k", I64, [])], [("c", F), ("cr", F), ("t", F)])
check_sizes("cumsum", cumsum, [
    {"x": x(3, 4), "axis": np.array(1, np.int64), "k": np.array(1, np.int64)},
    {"x": x(5, 1), "axis": np.array(-2, np.int64), "k": np.array(-1, np.int64)},
    {"x": x(0, 3), "axis": np.array(0, np.int64), "k": np.array(0, np.int64)}])

scatter = model("scatter", [
    n("ScatterElements", ["data", "eidx", "upd"], ["se"], axis=1, reduction="add"),
    n("ScatterND", ["data", "nidx", "rows"], ["sn"]),
    n("OneHot", ["labels", "depth", "values"], ["oh"], axis=-1),
    # x[x > 0]: NonZero's run-time count sizes GatherND's output.
    n("Greater", ["data", "zero"], ["pos"]), n("NonZero", ["pos"], ["nz"]),
    n("Transpose", ["nz"], ["nzt"], perm=[1, 0]), n("GatherND", ["data", "nzt"], ["gn"]),
], [("data", F, ["N", "M"]), ("eidx", I64, ["P", "Q"]), ("upd", F, ["P", "Q"]),
    ("nidx", I64, ["K", 1]), ("rows", F, ["K", "M"]), ("labels", I64, ["L"]),
    ("depth", I64, []), ("values", F, [2])],
    [("se", F), ("sn", F), ("oh", F), ("gn", F)],
    [numpy_helper.from_array(np.array(0, np.float32), "zero")])
check_sizes("scatter", scatter, [
    {"data": x(3, 4), "eidx": ints(0, 3, 3, 1, 2, 0).reshape(2, 3), "upd": x(2, 3),
     "nidx": ints(2, 0).reshape(2, 1), "rows": x(2, 4), "labels": ints(0, 2, -1),
     "depth": np.array(4, np.int64), "values": np.array([0, 5], np.float32)},
    {"data": x(1, 1), "eidx": ints(0).reshape(1, 1), "upd": x(1, 1),
     "nidx": ints(0).reshape(1, 1), "rows": x(1, 1), "labels": ints(0),
     "depth": np.array(1, np.int64), "values": np.array([1, 2], np.float32)},
    {"data": x(2, 0), "eidx": np.zeros((2, 0), np.int64), "upd": x(2, 0),
     "nidx": np.zeros((0, 1), np.int64), "rows": x(0, 0), "labels": ints(2, -3),
     "depth": np.array(3, np.int64), "values": np.array([0, 1], np.float32)}])

blocks = model("blocks", [
    n("Tile", ["x", "reps"], ["t"]), n("Expand", ["row", "shape"], ["e"]),
    n("DepthToSpace", ["img"], ["d2s"], blocksize=2, mode="DCR"),
    n("SpaceToDepth", ["img"], ["s2d"], blocksize=2),
], [("x", F, ["N", "M"]), ("reps", I64, [2]), ("row", F, ["R"]), ("shape", I64, [2]),
    ("img", F, ["B", "C", "H", "W"])], [("t", F), ("e", F), ("d2s", F), ("s2d", F)])
check_sizes("blocks", blocks, [
    {"x": x(2, 3), "reps": ints(2, 3), "row": x(4), "shape": ints(3, 1),
     "img": x(2, 8, 4, 6)},
    {"x": x(1, 1), "reps": ints(1, 5), "row": x(1), "shape": ints(2, 7),
     "img": x(1, 4, 2, 2)},
    {"x": x(0, 2), "reps": ints(3, 0), "row": x(3), "shape": ints(0, 3),
     "img": x(0, 4, 2, 0)}])

scales = numpy_helper.from_array(np.array([1, 1, 2, 1.5], np.float32), "const_scales")
resize = model("resize", [
    n("Resize", ["x", "", "scales"], ["near"], mode="nearest"),
    n("Resize", ["x", "", "const_scales"], ["lin"], mode="linear"),
    n("Resize", ["x", "", "", "sizes"], ["fit"], mode="linear", axes=[2, 3],
      keep_aspect_ratio_policy="not_larger", coordinate_transformation_mode="align_corners"),
], [("x", F, ["N", "C", "H", "W"]), ("scales", F, [4]), ("sizes", I64, [2])],
    [("near", F), ("lin", F), ("fit", F)], [scales])
check_sizes("resize", resize, [
    {"x": x(2, 3, 4, 5), "scales": np.array([1, 1, 0.5, 3], np.float32), "sizes": ints(7, 9)},
    {"x": x(1, 1, 1, 1), "scales": np.array([1, 2, 3, 1], np.float32), "sizes": ints(2, 3)},
    {"x": x(0, 2, 3, 4), "scales": np.array([1, 1, 2, 2], np.float32), "sizes": ints(6, 1)}])

sys.exit(checks.exit_code())
