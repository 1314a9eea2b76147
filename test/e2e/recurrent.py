# LSTM, GRU and RNN compute what onnxruntime computes: in f16, bf16, f32
# and f64, in layout 0 and 1, with every activation function, clip,
# input_forget, peepholes, each direction, with and without initial states,
# sequence_lens and each output. Each case is a small model compiled by
# onnx-compile into a shared library, run through the runtime's C API and
# compared with onnxruntime (utils/e2e.py).
#
# onnxruntime's recurrent kernels compute f32 in layout 0 only (for f16 it
# casts around them, rounding once at the outputs, as the lowering does).
# So f16 is compared with onnxruntime directly; bf16 and f64 with the same
# graph computed in f32 (inputs cast to f32, outputs cast back: f64 then
# within f32's precision); layout 1 with the same node in layout 0 between
# Transposes.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import subprocess
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

T = TensorProto
ONNX_TYPES = {"f32": T.FLOAT, "f16": T.FLOAT16, "bf16": T.BFLOAT16, "f64": T.DOUBLE}
NUMPY_TYPES = {"f32": np.float32, "f16": np.float16, "f64": np.float64}
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
# f64 against onnxruntime's f32: a few f32 roundings per step.
F64_VIA_F32 = (2e-5, 2e-6)

CASES = []
RNG = np.random.default_rng(5)


def values(type_name, *shape, low=-0.5, high=0.5):
    v = RNG.uniform(low, high, shape)
    return e2e.bfloat16(v) if type_name == "bf16" else v.astype(NUMPY_TYPES[type_name])


def const(name, array):
    """An initializer (bfloat16 for e2e.BFloat16Bits)."""
    if isinstance(array, e2e.BFloat16Bits):
        return helper.make_tensor(name, T.BFLOAT16, array.shape, array.tobytes(), raw=True)
    return numpy_helper.from_array(np.asarray(array), name)


def batch_major_reference(name, node, inputs, outputs, inits):
    """The layout-1 `node` as its layout-0 form between Transposes."""
    node = onnx.NodeProto.FromString(node.SerializeToString())
    for attr in node.attribute:
        if attr.name == "layout":
            attr.i = 0
    nodes = []
    for i, n in enumerate(node.input):
        # X [batch, seq, input] and the states [batch, dirs, H].
        if n and n in ("x", "h0", "c0"):
            nodes.append(helper.make_node("Transpose", [n], [n + "_t"], perm=[1, 0, 2]))
            node.input[i] = n + "_t"
    after = []
    for i, n in enumerate(node.output):
        if n:
            perm = [2, 0, 1, 3] if i == 0 else [1, 0, 2]
            after.append(helper.make_node("Transpose", [n + "_t"], [n], perm=perm))
            node.output[i] = n + "_t"
    return e2e.make_model(name + "-ref", nodes + [node] + after, inputs, outputs, inits)


def rnn_case(name, op, t="f32", seq=4, batch=3, input_size=3, hidden=5, direction="forward",
             bias=True, initial=False, peephole=False, lens=None, layout=0,
             outputs=("y", "yh", "yc"), **attrs):
    """One `op` node; `outputs` may hold "" for an output the node skips."""
    dirs = 2 if direction == "bidirectional" else 1
    gates = GATES[op]
    x_shape = (batch, seq, input_size) if layout else (seq, batch, input_size)
    state_shape = (batch, dirs, hidden) if layout else (dirs, batch, hidden)
    inputs = {"x": values(t, *x_shape, low=-2.0, high=2.0)}
    inits = [const("w", values(t, dirs, gates * hidden, input_size)),
             const("r", values(t, dirs, gates * hidden, hidden))]
    names = ["x", "w", "r", "b" if bias else "", "lens" if lens is not None else "",
             "h0" if initial else ""]
    if bias:
        inits.append(const("b", values(t, dirs, 2 * gates * hidden)))
    if lens is not None:
        inputs["lens"] = np.array(lens, dtype=np.int32)
    if initial:
        inputs["h0"] = values(t, *state_shape, low=-1.0, high=1.0)
    if op == "LSTM":
        names += ["c0" if initial else "", "p" if peephole else ""]
        if initial:
            inputs["c0"] = values(t, *state_shape, low=-1.0, high=1.0)
        if peephole:
            inits.append(const("p", values(t, dirs, 3 * hidden)))
    else:
        outputs = outputs[:2]
    while not names[-1]:
        names.pop()
    if layout:
        attrs["layout"] = layout
    node = helper.make_node(op, names, list(outputs), hidden_size=hidden, direction=direction,
                            name=name, **attrs)
    graph_outputs = [o for o in outputs if o]
    model = e2e.make_model(name, [node], inputs, graph_outputs, inits)
    reference = batch_major_reference(name, node, inputs, graph_outputs, inits) if layout else model
    options = {}
    if t == "bf16":
        options["reference"] = e2e.widened(reference, T.BFLOAT16, T.FLOAT)
    elif t == "f64":
        options["reference"] = e2e.widened(reference, T.DOUBLE, T.FLOAT)
        options["tolerance"] = F64_VIA_F32
    elif layout:
        options["reference"] = reference
    CASES.append((name, model, inputs, options))


# --- Element types ------------------------------------------------------------

for op in ["LSTM", "GRU", "RNN"]:
    rnn_case(f"{op}-f16", op, "f16", initial=True)
    rnn_case(f"{op}-f16-bidirectional-no-bias", op, "f16", direction="bidirectional", bias=False)
    rnn_case(f"{op}-bf16-bidirectional", op, "bf16", direction="bidirectional", initial=True)
    rnn_case(f"{op}-f64-reverse", op, "f64", direction="reverse", initial=True)
    rnn_case(f"{op}-f64-bidirectional-lens", op, "f64", direction="bidirectional",
             lens=[4, 2, 3])
rnn_case("LSTM-f16-peephole-long", "LSTM", "f16", seq=24, hidden=8, initial=True, peephole=True)
rnn_case("GRU-f16-linear-before-reset", "GRU", "f16", initial=True, linear_before_reset=1)
rnn_case("GRU-bf16-linear-before-reset", "GRU", "bf16", linear_before_reset=1)
rnn_case("GRU-f64-linear-before-reset", "GRU", "f64", direction="bidirectional", initial=True,
         linear_before_reset=1)
rnn_case("LSTM-f64-peephole-activations", "LSTM", "f64", initial=True, peephole=True,
         activations=["HardSigmoid", "Elu", "Softsign"], activation_alpha=[0.3, 0.7],
         activation_beta=[0.45])

# --- layout = 1 (batch-major) ---------------------------------------------------

for op in ["LSTM", "GRU", "RNN"]:
    rnn_case(f"{op}-layout1-bidirectional", op, direction="bidirectional", initial=True, layout=1)
    rnn_case(f"{op}-layout1-reverse-no-initial", op, direction="reverse", layout=1)
rnn_case("LSTM-layout1-peephole-lens", "LSTM", peephole=True, initial=True, lens=[2, 4, 1], layout=1)
rnn_case("GRU-layout1-f16-lens", "GRU", "f16", direction="bidirectional", lens=[3, 1, 4], layout=1,
         linear_before_reset=1)
rnn_case("RNN-layout1-bf16-yh-only", "RNN", "bf16", initial=True, layout=1, outputs=("", "yh"))

# --- Activation functions (alpha and beta consumed in order) --------------------

rnn_case("LSTM-activations-bidirectional", "LSTM", direction="bidirectional", initial=True,
         activations=["HardSigmoid", "LeakyRelu", "Softsign", "Sigmoid", "Elu", "Softplus"],
         activation_alpha=[0.3, 0.05, 0.8], activation_beta=[0.45])
rnn_case("LSTM-activations-scaledtanh-affine", "LSTM", initial=True,
         activations=["Sigmoid", "ScaledTanh", "Affine"], activation_alpha=[0.9, 0.7],
         activation_beta=[1.1, 0.1])
rnn_case("LSTM-activations-relu-thresholded", "LSTM", direction="reverse",
         activations=["sigmoid", "Relu", "ThresholdedRelu"], activation_alpha=[0.2])
rnn_case("GRU-activations-bidirectional", "GRU", direction="bidirectional", initial=True,
         activations=["HardSigmoid", "Softsign", "Sigmoid", "Elu"], activation_alpha=[0.25, 0.9],
         activation_beta=[0.4])
rnn_case("GRU-activations-linear-before-reset", "GRU", initial=True, linear_before_reset=1,
         activations=["LeakyRelu", "ScaledTanh"], activation_alpha=[0.1, 0.8], activation_beta=[1.2])
rnn_case("GRU-activations-affine-softplus", "GRU", direction="reverse",
         activations=["Affine", "Softplus"], activation_alpha=[0.3], activation_beta=[0.5])
rnn_case("GRU-activations-relu-thresholded", "GRU",
         activations=["Relu", "ThresholdedRelu"], activation_alpha=[0.15])
rnn_case("RNN-relu", "RNN", initial=True, activations=["Relu"])
rnn_case("RNN-sigmoid", "RNN", activations=["Sigmoid"])
rnn_case("RNN-leaky-thresholded", "RNN", direction="bidirectional", initial=True,
         activations=["LeakyRelu", "ThresholdedRelu"], activation_alpha=[0.1, 0.3])
rnn_case("RNN-hardsigmoid-elu", "RNN", direction="bidirectional",
         activations=["HardSigmoid", "Elu"], activation_alpha=[0.3, 0.6], activation_beta=[0.4, 0.0])
rnn_case("RNN-softsign-softplus", "RNN", direction="bidirectional", initial=True,
         activations=["Softsign", "Softplus"])
rnn_case("RNN-affine", "RNN", activations=["Affine"], activation_alpha=[0.5], activation_beta=[0.2])
rnn_case("RNN-scaledtanh", "RNN", direction="reverse", activations=["ScaledTanh"],
         activation_alpha=[1.5], activation_beta=[0.5])

# --- clip, input_forget ------------------------------------------------------------

rnn_case("LSTM-clip-bidirectional", "LSTM", direction="bidirectional", initial=True, peephole=True,
         clip=0.5)
rnn_case("GRU-clip", "GRU", initial=True, clip=0.4)
rnn_case("GRU-clip-linear-before-reset", "GRU", direction="bidirectional", clip=0.4,
         linear_before_reset=1)
rnn_case("RNN-clip-bidirectional", "RNN", direction="bidirectional", initial=True, clip=0.3)
rnn_case("LSTM-input-forget", "LSTM", initial=True, input_forget=1)

# --- sequence_lens (never 0: onnxruntime's RNN reads out of bounds then) ---------

for op in ["LSTM", "GRU", "RNN"]:
    rnn_case(f"{op}-lens-bidirectional", op, seq=5, batch=4, direction="bidirectional",
             initial=True, lens=[5, 2, 3, 1])
    rnn_case(f"{op}-lens-reverse-states-only", op, seq=5, direction="reverse", initial=True,
             lens=[3, 5, 1], outputs=("", "yh", "yc"))
    rnn_case(f"{op}-lens-full", op, lens=[4, 4, 4])
rnn_case("GRU-lens-linear-before-reset", "GRU", seq=5, direction="bidirectional", initial=True,
         lens=[1, 4, 5], linear_before_reset=1)
rnn_case("LSTM-f16-layout1-lens-activations-clip", "LSTM", "f16", seq=5,
         direction="bidirectional", initial=True, peephole=True, lens=[5, 3, 2], layout=1,
         clip=1.5, activations=["HardSigmoid", "Tanh", "Softsign"] * 2,
         activation_alpha=[0.25, 0.3], activation_beta=[0.5, 0.55])


def check_rejected(workdir):
    """An unknown activation fails to compile with an error naming the node;
    returns a problem or None."""
    node = helper.make_node("LSTM", ["x", "w", "r"], ["y"], hidden_size=2, name="bad_lstm",
                            activations=["Sigmoid", "Gelu", "Tanh"])
    model = e2e.make_model("bad-activation", [node], {"x": values("f32", 2, 1, 3)}, ["y"],
                           [const("w", values("f32", 1, 8, 3)), const("r", values("f32", 1, 8, 2))])
    path = os.path.join(workdir, "bad-activation.onnx")
    onnx.save(model, path)
    out = subprocess.run(["onnx-compile", path, "-o", path + ".so"], capture_output=True, text=True)
    expected = ["bad_lstm", "unsupported activation function 'Gelu'"]
    if out.returncode == 0 or not all(e in out.stderr for e in expected):
        return f"bad-activation: expected an error with {expected}, got: {out.stderr.strip()}"
    return None


def main():
    status = e2e.run_cases(sys.argv[1], CASES)
    problem = check_rejected(sys.argv[1])
    if problem:
        print("FAIL " + problem)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
