# Models with symbolic dims compile once and run at any size: a
# transformer-encoder-like block (linear layers, LayerNormalization, GELU
# in its Erf form, attention with a transposed key and Softmax, a
# residual) with symbolic batch B and sequence S, and an MLP whose two
# inputs share their batch dim by name. Each model is compiled once, then
# run at several sizes through the runtime's onnxc_run_alloc (utils/
# compiled_model.py) and compared with onnxruntime. Bad sizes are errors
# of the run that name what is wrong: two inputs whose dims share a name
# but not a size, and two unnamed dims that an elementwise op needs equal
# (a run-time check in the compiled code).
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402

RNG = np.random.default_rng(0)
D = 32
workdir = sys.argv[1]


def weight(name, *shape, scale=0.2):
    return numpy_helper.from_array((RNG.standard_normal(shape) * scale).astype(np.float32), name)


def encoder_block():
    n = helper.make_node
    nodes = [
        n("MatMul", ["x", "wq"], ["q"]), n("MatMul", ["x", "wk"], ["k"]), n("MatMul", ["x", "wv"], ["v"]),
        n("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        n("MatMul", ["q", "kt"], ["scores"]),
        n("Mul", ["scores", "scale"], ["scaled"]),
        n("Softmax", ["scaled"], ["probs"], axis=-1),
        n("MatMul", ["probs", "v"], ["attn"]),
        n("Add", ["attn", "x"], ["res1"]),
        n("LayerNormalization", ["res1", "gamma", "beta"], ["ln"], axis=-1, epsilon=1e-5),
        n("MatMul", ["ln", "w1"], ["h"]), n("Add", ["h", "b1"], ["hb"]),
        # GELU, Erf form: 0.5 x (1 + erf(x / sqrt 2)).
        n("Div", ["hb", "sqrt2"], ["hs"]), n("Erf", ["hs"], ["he"]), n("Add", ["he", "one"], ["h1"]),
        n("Mul", ["hb", "h1"], ["hm"]), n("Mul", ["hm", "half"], ["gelu"]),
        n("MatMul", ["gelu", "w2"], ["o"]), n("Add", ["o", "ln"], ["y"]),
    ]
    scalar = lambda name, v: numpy_helper.from_array(np.array(v, np.float32), name)
    inits = [weight("wq", D, D), weight("wk", D, D), weight("wv", D, D), weight("w1", D, 2 * D),
             weight("w2", 2 * D, D), weight("b1", 2 * D), weight("gamma", D, scale=1.0),
             weight("beta", D), scalar("scale", 1 / np.sqrt(D)), scalar("sqrt2", np.sqrt(2)),
             scalar("one", 1.0), scalar("half", 0.5)]
    graph = helper.make_graph(
        nodes, "encoder", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "S", D])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B", "S", D])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def mlp(second_dim):
    n = helper.make_node
    graph = helper.make_graph(
        [n("MatMul", ["x", "w"], ["m"]), n("Relu", ["m"], ["r"]), n("Add", ["r", "bias"], ["s"]),
         n("Softmax", ["s"], ["y"], axis=-1)], "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, [second_dim, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 16])], [weight("w", 8, 16)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


checks = e2e.RunTimeShapeChecks(workdir)


x = lambda *shape: RNG.standard_normal(shape).astype(np.float32)
checks.check_sizes("encoder", encoder_block(),
            [{"x": x(b, s, D)} for b, s in ((1, 1), (3, 7), (8, 64), (1, 512), (2, 0))])
named = checks.check_sizes("mlp_named", mlp("N"), [{"x": x(n, 8), "bias": x(n, 16)} for n in (1, 5, 33)])
checks.expect_error("mlp_named: N 3 vs 4", named, {"x": x(3, 8), "bias": x(4, 16)},
             "input 'bias' dim 0 ('N') is 4", "input 'x' dim 0 ('N') is 3")
unnamed = checks.check_sizes("mlp_unnamed", mlp("M"), [{"x": x(4, 8), "bias": x(4, 16)}])
checks.expect_error("mlp_unnamed: 4 vs 1", unnamed, {"x": x(4, 8), "bias": x(1, 16)},
             "(Add)", "dim 0 of operand 1 differs from the result's dim 0 at run time")
checks.expect_error("mlp_unnamed: static dim", unnamed, {"x": x(4, 9), "bias": x(4, 16)},
             "input 'x'", "expected shape [N,8]", "got [4,9]")

sys.exit(checks.exit_code())
