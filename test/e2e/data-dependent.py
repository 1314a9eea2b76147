# Outputs whose shapes depend on input values (issue 9 part 3): each model
# is compiled once and run on several inputs whose values give different
# output sizes, against onnxruntime. NonZero (floats with zeros and NaNs,
# integers, bools, a scalar), NonZero feeding Transpose and GatherND (the
# usual "gather the selected elements" pattern), Compress with a run-time
# condition (with an axis, flattened, a condition shorter than the axis),
# Reduce* with run-time axes (keepdims 1 and 0, negative axes, no axes,
# noop_with_empty_axes), and Range / ConstantOfShape sized by inputs. Sizes
# no buffer can have (negative, past 2^56 bytes, wrapping 64 bits) and an
# axis out of range are errors of the run naming the node.
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(0)
workdir = sys.argv[1]
checks = e2e.RunTimeShapeChecks(workdir)


def model(name, nodes, inputs, outputs, opset=18):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, None) for n, t in outputs])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


check = checks.check_sizes


F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
n = helper.make_node

x = RNG.standard_normal((3, 4)).astype(np.float32)
sparse = np.where(RNG.random((3, 4)) < 0.5, 0, x).astype(np.float32)
sparse[1, 2] = np.nan
check("nonzero_float", model("nonzero_float", [n("NonZero", ["x"], ["y"])], [("x", F, [3, 4])], [("y", I64)]),
      [{"x": x}, {"x": sparse}, {"x": np.zeros((3, 4), np.float32)}])
check("nonzero_int_3d", model("nonzero_int_3d", [n("NonZero", ["x"], ["y"])], [("x", I64, [2, 3, 2])], [("y", I64)]),
      [{"x": RNG.integers(-1, 2, (2, 3, 2))}, {"x": np.ones((2, 3, 2), np.int64)}])
check("nonzero_bool_dynamic", model("nonzero_bool_dynamic", [n("NonZero", ["x"], ["y"])], [("x", B, ["a", "b"])], [("y", I64)]),
      [{"x": RNG.random((5, 3)) < 0.3}, {"x": RNG.random((1, 7)) < 0.6}, {"x": np.zeros((0, 4), bool)}])
check("nonzero_scalar", model("nonzero_scalar", [n("NonZero", ["x"], ["y"])], [("x", F, [])], [("y", I64)]),
      [{"x": np.array(2.5, np.float32)}, {"x": np.array(0.0, np.float32)}])
# Select the positive elements: NonZero -> Transpose -> GatherND.
check("gather_positive", model("gather_positive", [
    n("Greater", ["x", "zero"], ["mask"]), n("NonZero", ["mask"], ["idx"]),
    n("Transpose", ["idx"], ["idx_t"], perm=[1, 0]), n("GatherND", ["x", "idx_t"], ["y"])],
    [("x", F, [4, 5]), ("zero", F, [])], [("y", F)]),
    [{"x": RNG.standard_normal((4, 5)).astype(np.float32), "zero": np.array(0, np.float32)},
     {"x": RNG.standard_normal((4, 5)).astype(np.float32), "zero": np.array(0.8, np.float32)}])
for axis in (0, 1, None):
    attrs = {} if axis is None else {"axis": axis}
    name = f"compress_{'flat' if axis is None else f'axis{axis}'}"
    check(name, model(name, [n("Compress", ["x", "c"], ["y"], **attrs)],
                      [("x", F, [3, 4]), ("c", B, ["L"])], [("y", F)]),
          [{"x": x, "c": np.array([True, False, True])},
           {"x": x, "c": np.array([False, True])},
           {"x": x, "c": np.zeros(3, bool)}])
for op in ("ReduceSum", "ReduceMax", "ReduceMean", "ReduceL2", "ReduceLogSumExp"):
    for keep in (1, 0):
        name = f"{op.lower()}_run_time_axes_keep{keep}"
        shape = ["L"] if keep else [1]
        feeds = [{"x": RNG.standard_normal((2, 3, 4)).astype(np.float32), "axes": np.array(a, np.int64)}
                 for a in ([0], [-1], [1]) + (([0, 2], [], ) if keep else ())]
        check(name, model(name, [n(op, ["x", "axes"], ["y"], keepdims=keep)],
                          [("x", F, [2, 3, 4]), ("axes", I64, shape)], [("y", F)]), feeds)
check("reducesum_noop_empty", model("reducesum_noop_empty", [
    n("ReduceSumSquare", ["x", "axes"], ["y"], keepdims=1, noop_with_empty_axes=1)],
    [("x", F, [2, 3]), ("axes", I64, ["L"])], [("y", F)]),
    [{"x": x[:2, :3].copy(), "axes": np.array([], np.int64)}, {"x": x[:2, :3].copy(), "axes": np.array([1], np.int64)}])
check("range_sized", model("range_sized", [n("Range", ["start", "limit", "delta"], ["y"])],
                           [("start", F, []), ("limit", F, []), ("delta", F, [])], [("y", F)]),
      [{"start": np.array(v[0], np.float32), "limit": np.array(v[1], np.float32), "delta": np.array(v[2], np.float32)}
       for v in ((0, 5, 1), (10, 1, -3), (1, 1, 1))])
check("constant_of_shape_sized", model("constant_of_shape_sized", [
    n("ConstantOfShape", ["shape"], ["y"], value=helper.make_tensor("v", F, [1], [1.5]))],
    [("shape", I64, [2])], [("y", F)]),
    [{"shape": np.array(s, np.int64)} for s in ((2, 3), (1, 0), (4, 1))])


def expect_error(name, m, feeds, *fragments):
    checks.expect_error(name, checks.compile(name, m), feeds, *fragments)


# TopK with K as an input: the results are K long; K past the axis fails.
topk = model("topk_run_time_k", [n("TopK", ["x", "k"], ["v", "i"], axis=1, name="topk")],
             [("x", F, [3, 5]), ("k", I64, [1])], [("v", F), ("i", I64)])
x35 = RNG.standard_normal((3, 5)).astype(np.float32)
check("topk_run_time_k", topk, [{"x": x35, "k": np.array([k], np.int64)} for k in (0, 2, 5)])
expect_error("topk_k_too_large", topk, {"x": x35, "k": np.array([6], np.int64)},
             "node 'topk' (TopK): K is out of range [0, 5]")

# Sizes from values that no buffer can have: an error of the run naming the
# node (a wrapped 64-bit size would otherwise allocate little and overrun).
cos = model("constant_of_shape_checked", [n("ConstantOfShape", ["shape"], ["y"], name="cos",
                                            value=helper.make_tensor("v", F, [1], [1.0]))],
            [("shape", I64, [2])], [("y", F)])
for values in ([2 ** 62, 2 ** 62], [2 ** 32, 2 ** 30], [-3, 2]):
    expect_error(f"constant_of_shape_{values[0]}_{values[1]}", cos, {"shape": np.array(values, np.int64)},
                 "node 'cos'", "negative, or the buffer would take more than 2^56 bytes")
# An axis out of range fails the run, as in onnxruntime.
expect_error("reducemean_axis_out_of_range", model("reducemean_axis_out_of_range", [
    n("ReduceMean", ["x", "axes"], ["y"], keepdims=1, name="red")],
    [("x", F, [2, 3, 4]), ("axes", I64, ["L"])], [("y", F)]),
    {"x": RNG.standard_normal((2, 3, 4)).astype(np.float32), "axes": np.array([0, 3], np.int64)},
    "node 'red' (ReduceMean): an axis is out of range [-3, 2]")

sys.exit(checks.exit_code())
