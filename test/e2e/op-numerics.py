# Compiled models compute what onnxruntime computes, op by op. Each case is
# a small model built with onnx.helper, compiled by onnx-compile into a
# shared library, run through the runtime's C API and compared with
# onnxruntime (utils/e2e.py: tolerances per element type).
#
# RUN: %python %s %t %onnxc_src/utils
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from onnx import TensorProto, helper, numpy_helper

CASES = []
RNG = np.random.default_rng(7)


def case(name, nodes, inputs, outputs, inits=(), opset=17):
    CASES.append((name, nodes, inputs, outputs, list(inits), opset))


def rand(*shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, shape).astype(np.float32)


def unary(op, low=-2.0, high=2.0, opset=17, **attrs):
    case(op, [helper.make_node(op, ["x"], ["y"], **attrs)],
         {"x": rand(2, 3, 4, low=low, high=high)}, ["y"], opset=opset)


def binary(op, a_shape, b_shape, low=-2.0, high=2.0, **attrs):
    case(f"{op}-{'x'.join(map(str, a_shape))}-{'x'.join(map(str, b_shape))}",
         [helper.make_node(op, ["a", "b"], ["y"], **attrs)],
         {"a": rand(*a_shape, low=low, high=high), "b": rand(*b_shape, low=low, high=high)}, ["y"])


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


for op in ["Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Neg", "Abs", "HardSwish",
           "Softplus", "Softsign", "Floor", "Ceil", "Sin", "Cos", "Sign", "Identity"]:
    unary(op)
for op in ["Log", "Sqrt", "Reciprocal"]:
    unary(op, low=0.1, high=3.0)
unary("HardSigmoid", alpha=0.3, beta=0.4)
unary("LeakyRelu", alpha=0.2)
unary("Elu", alpha=0.7)
unary("Selu")
unary("Gelu", opset=20)
CASES.append(("Gelu-tanh",) + CASES[-1][1:])
CASES[-1][1][0].attribute.append(helper.make_attribute("approximate", "tanh"))
unary("Softmax", axis=1)
unary("LogSoftmax", axis=-1)
for op in ["Add", "Sub", "Mul", "Max", "Min"]:
    binary(op, (2, 3, 4), (3, 1))
binary("Div", (2, 3), (3,), low=0.5, high=2.0)
binary("Pow", (2, 3), (2, 3), low=0.5, high=2.0)
case("Clip", [helper.make_node("Clip", ["x", "lo", "hi"], ["y"])], {"x": rand(3, 4)}, ["y"],
     [const("lo", np.float32(-0.5)), const("hi", np.float32(0.75))])
case("Where-Less", [helper.make_node("Less", ["a", "b"], ["c"]),
                    helper.make_node("Where", ["c", "a", "b"], ["y"])],
     {"a": rand(3, 4), "b": rand(4)}, ["y"])
case("Cast-int-roundtrip", [helper.make_node("Cast", ["x"], ["i"], to=TensorProto.INT32),
                            helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT)],
     {"x": rand(5, low=-9, high=9)}, ["y"])
case("MatMul-2d", [helper.make_node("MatMul", ["a", "b"], ["y"])], {"a": rand(3, 5), "b": rand(5, 4)}, ["y"])
case("MatMul-batch", [helper.make_node("MatMul", ["a", "b"], ["y"])], {"a": rand(2, 3, 5), "b": rand(2, 5, 4)}, ["y"])
case("MatMul-broadcast", [helper.make_node("MatMul", ["a", "b"], ["y"])], {"a": rand(2, 1, 3, 5), "b": rand(3, 5, 2)}, ["y"])
case("MatMul-vector", [helper.make_node("MatMul", ["a", "b"], ["y"])], {"a": rand(5), "b": rand(2, 5, 3)}, ["y"])
case("Gemm", [helper.make_node("Gemm", ["a", "b", "c"], ["y"], alpha=0.5, beta=2.0, transB=1)],
     {"a": rand(3, 4), "b": rand(5, 4), "c": rand(5)}, ["y"])
case("Gemm-transA", [helper.make_node("Gemm", ["a", "b"], ["y"], transA=1)],
     {"a": rand(4, 3), "b": rand(4, 5)}, ["y"])
case("Conv-pad-stride-bias", [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 0, 2, 1], strides=[2, 1])],
     {"x": rand(1, 3, 7, 6)}, ["y"], [const("w", rand(4, 3, 3, 2)), const("b", rand(4))])
case("Conv-depthwise-same", [helper.make_node("Conv", ["x", "w"], ["y"], group=4, auto_pad="SAME_UPPER", strides=[2, 2])],
     {"x": rand(1, 4, 7, 7)}, ["y"], [const("w", rand(4, 1, 3, 3))])
case("Conv-grouped-dilated", [helper.make_node("Conv", ["x", "w"], ["y"], group=2, dilations=[2, 1])],
     {"x": rand(2, 4, 8, 6)}, ["y"], [const("w", rand(6, 2, 3, 3))])
# Shapes that exercise the micro-kernels' remainders: rows that no register
# tile height divides, columns past a whole vector, constant B packed from
# a transposed layout, run-time B in place, batched and 1-row products.
case("MatMul-remainders", [helper.make_node("MatMul", ["a", "b"], ["y"])],
     {"a": rand(13, 7), "b": rand(7, 37)}, ["y"])
case("MatMul-const-b-remainders", [helper.make_node("MatMul", ["a", "w"], ["y"])],
     {"a": rand(2, 11, 9)}, ["y"], [const("w", rand(9, 70))])
case("Gemm-transB-const", [helper.make_node("Gemm", ["a", "w", "c"], ["y"], transB=1)],
     {"a": rand(1, 33)}, ["y"], [const("w", rand(19, 33)), const("c", rand(19))])
case("MatMul-batch-wide", [helper.make_node("MatMul", ["a", "b"], ["y"])],
     {"a": rand(3, 9, 20), "b": rand(3, 20, 130)}, ["y"])
case("Conv-1x1", [helper.make_node("Conv", ["x", "w", "b"], ["y"])],
     {"x": rand(1, 12, 9, 5)}, ["y"], [const("w", rand(20, 12, 1, 1)), const("b", rand(20))])
case("Conv-1x1-stride2", [helper.make_node("Conv", ["x", "w"], ["y"], strides=[2, 2])],
     {"x": rand(1, 6, 9, 9)}, ["y"], [const("w", rand(10, 6, 1, 1))])
case("Conv-depthwise-dilated-wide", [helper.make_node("Conv", ["x", "w", "b"], ["y"], group=5, dilations=[2, 2],
                                                      pads=[2, 2, 2, 2])],
     {"x": rand(1, 5, 11, 37)}, ["y"], [const("w", rand(5, 1, 3, 3)), const("b", rand(5))])
case("Conv-depthwise-5x5-stride2-odd", [helper.make_node("Conv", ["x", "w"], ["y"], group=6, strides=[2, 2],
                                                         pads=[2, 2, 2, 2])],
     {"x": rand(1, 6, 23, 23)}, ["y"], [const("w", rand(6, 1, 5, 5))])
case("Conv-depthwise-asymmetric-stride", [helper.make_node("Conv", ["x", "w"], ["y"], group=3, strides=[1, 3])],
     {"x": rand(2, 3, 8, 40)}, ["y"], [const("w", rand(3, 1, 3, 2))])
# BatchNormalization folded into the Conv / Gemm before it, then the fused
# bias + Relu epilogue.
case("Conv-BatchNormalization-Relu",
     [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
      helper.make_node("BatchNormalization", ["c", "s", "beta", "m", "v"], ["n"], epsilon=1e-3),
      helper.make_node("Relu", ["n"], ["y"])],
     {"x": rand(1, 3, 9, 9)}, ["y"],
     [const("w", rand(5, 3, 3, 3)), const("b", rand(5)), const("s", rand(5)), const("beta", rand(5)),
      const("m", rand(5)), const("v", rand(5, low=0.5, high=2))])
case("Gemm-BatchNormalization",
     [helper.make_node("Gemm", ["a", "w", "c"], ["g"], transB=1, beta=0.5),
      helper.make_node("BatchNormalization", ["g", "s", "beta", "m", "v"], ["y"])],
     {"a": rand(3, 6)}, ["y"],
     [const("w", rand(4, 6)), const("c", rand(4)), const("s", rand(4)), const("beta", rand(4)),
      const("m", rand(4)), const("v", rand(4, low=0.5, high=2))])
# Weights stored transposed or reshaped in the graph: folded at compile time.
case("MatMul-transposed-constant", [helper.make_node("Transpose", ["w"], ["wt"], perm=[1, 0]),
                                    helper.make_node("MatMul", ["a", "wt"], ["y"])],
     {"a": rand(5, 12)}, ["y"], [const("w", rand(20, 12))])
case("Conv-reshaped-constant", [helper.make_node("Reshape", ["w", "shape"], ["w4"]),
                                helper.make_node("Conv", ["x", "w4"], ["y"])],
     {"x": rand(1, 4, 6, 6)}, ["y"],
     [const("w", rand(6, 36)), const("shape", np.array([6, 4, 3, 3], dtype=np.int64))])
# A part of a contraction's result is read after its elementwise consumer
# (Slice / Split placed before it): the consumer must not be fused into the
# kernel in a way that leaves the result unwritten.
case("MatMul-Slice-then-Add", [helper.make_node("MatMul", ["a", "w"], ["mm"]),
                               helper.make_node("Slice", ["mm", "st", "en"], ["s"]),
                               helper.make_node("Add", ["mm", "bias"], ["y"])],
     {"a": rand(17, 9)}, ["y", "s"],
     [const("w", rand(9, 33)), const("bias", rand(33)),
      const("st", np.array([0, 0], dtype=np.int64)), const("en", np.array([8, 16], dtype=np.int64))])
case("Conv-Split-then-Relu", [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
                              helper.make_node("Split", ["c", "parts"], ["p0", "p1"], axis=1),
                              helper.make_node("Relu", ["c"], ["y"])],
     {"x": rand(1, 3, 6, 6)}, ["y", "p0", "p1"],
     [const("w", rand(4, 3, 3, 3)), const("parts", np.array([1, 3], dtype=np.int64))])
# 1-D convolutions run as 2-D over a unit height.
case("Conv-1d-pad-stride-bias", [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[2, 1], strides=[2])],
     {"x": rand(2, 3, 19)}, ["y"], [const("w", rand(5, 3, 4)), const("b", rand(5))])
case("Conv-1d-depthwise-dilated", [helper.make_node("Conv", ["x", "w"], ["y"], group=4, dilations=[2], pads=[2, 1])],
     {"x": rand(1, 4, 23)}, ["y"], [const("w", rand(4, 1, 3))])
case("MaxPool-ceil", [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)],
     {"x": rand(1, 2, 6, 7)}, ["y"])
case("MaxPool-pads", [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])],
     {"x": rand(1, 2, 8, 8)}, ["y"])
case("AveragePool-exclude-pad", [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
     {"x": rand(1, 2, 5, 5)}, ["y"])
# Opset 19: onnxruntime's older AveragePool kernels divide a window that
# ceil_mode adds past the end by the whole kernel (see pooling.py).
case("AveragePool-include-pad-ceil", [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2],
                                                       pads=[1, 1, 0, 0], count_include_pad=1, ceil_mode=1)],
     {"x": rand(1, 2, 5, 6)}, ["y"], opset=19)
case("GlobalAveragePool", [helper.make_node("GlobalAveragePool", ["x"], ["y"])], {"x": rand(2, 3, 5, 4)}, ["y"])
case("GlobalMaxPool", [helper.make_node("GlobalMaxPool", ["x"], ["y"])], {"x": rand(2, 3, 5, 4)}, ["y"])
case("BatchNormalization", [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-3)],
     {"x": rand(2, 3, 4, 4)}, ["y"],
     [const("s", rand(3)), const("b", rand(3)), const("m", rand(3)), const("v", rand(3, low=0.5, high=2))])
case("LayerNormalization", [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=-1, epsilon=1e-5)],
     {"x": rand(2, 3, 8)}, ["y"], [const("s", rand(8)), const("b", rand(8))])
for op in ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
           "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp"]:
    case(op, [helper.make_node(op, ["x", "axes"], ["y"], keepdims=0)], {"x": rand(2, 3, 4, low=0.2, high=1.5)},
         ["y"], [const("axes", np.array([0, 2], dtype=np.int64))], opset=18)
case("ReduceLogSum-all", [helper.make_node("ReduceLogSum", ["x"], ["y"])], {"x": rand(2, 3, low=0.2, high=1.5)}, ["y"], opset=18)
case("Transpose", [helper.make_node("Transpose", ["x"], ["y"], perm=[2, 0, 1])], {"x": rand(2, 3, 4)}, ["y"])
case("Reshape-Flatten", [helper.make_node("Reshape", ["x", "s"], ["r"]), helper.make_node("Flatten", ["r"], ["y"], axis=1)],
     {"x": rand(2, 3, 4)}, ["y"], [const("s", np.array([4, -1, 3], dtype=np.int64))])
case("Squeeze-Unsqueeze", [helper.make_node("Unsqueeze", ["x", "a"], ["u"]), helper.make_node("Squeeze", ["u", "a"], ["y"])],
     {"x": rand(3, 4)}, ["y"], [const("a", np.array([1], dtype=np.int64))])
case("Concat", [helper.make_node("Concat", ["a", "b", "a"], ["y"], axis=1)], {"a": rand(2, 3), "b": rand(2, 1)}, ["y"])
case("Gather-negative", [helper.make_node("Gather", ["t", "i"], ["y"], axis=0)], {"i": np.array([[0, -1, 2]], dtype=np.int64)},
     ["y"], [const("t", rand(5, 4))])
case("Gather-axis1", [helper.make_node("Gather", ["x", "i"], ["y"], axis=1)], {"x": rand(2, 5, 3)},
     ["y"], [const("i", np.array([4, 0], dtype=np.int64))])
case("Expand", [helper.make_node("Expand", ["x", "s"], ["y"])], {"x": rand(3, 1)}, ["y"],
     [const("s", np.array([2, 3, 4], dtype=np.int64))])

H = 5
case("LSTM-forward", [helper.make_node("LSTM", ["x", "w", "r", "b", "", "h0", "c0"], ["y", "yh", "yc"], hidden_size=H)],
     {"x": rand(4, 2, 3)}, ["y", "yh", "yc"],
     [const("w", rand(1, 4 * H, 3, low=-0.5, high=0.5)), const("r", rand(1, 4 * H, H, low=-0.5, high=0.5)),
      const("b", rand(1, 8 * H, low=-0.5, high=0.5)), const("h0", rand(1, 2, H)), const("c0", rand(1, 2, H))])
case("LSTM-reverse", [helper.make_node("LSTM", ["x", "w", "r"], ["y"], hidden_size=H, direction="reverse")],
     {"x": rand(3, 1, 2)}, ["y"],
     [const("w", rand(1, 4 * H, 2, low=-0.5, high=0.5)), const("r", rand(1, 4 * H, H, low=-0.5, high=0.5))])
case("LSTM-bidirectional-peephole", [helper.make_node("LSTM", ["x", "w", "r", "b", "", "", "", "p"], ["y", "yh"],
                                                      hidden_size=H, direction="bidirectional")],
     {"x": rand(3, 2, 4)}, ["y", "yh"],
     [const("w", rand(2, 4 * H, 4, low=-0.5, high=0.5)), const("r", rand(2, 4 * H, H, low=-0.5, high=0.5)),
      const("b", rand(2, 8 * H, low=-0.5, high=0.5)), const("p", rand(2, 3 * H, low=-0.5, high=0.5))])

case("GRU-forward", [helper.make_node("GRU", ["x", "w", "r", "b", "", "h0"], ["y", "yh"], hidden_size=H)],
     {"x": rand(4, 2, 3)}, ["y", "yh"],
     [const("w", rand(1, 3 * H, 3, low=-0.5, high=0.5)), const("r", rand(1, 3 * H, H, low=-0.5, high=0.5)),
      const("b", rand(1, 6 * H, low=-0.5, high=0.5)), const("h0", rand(1, 2, H))])
case("GRU-linear-before-reset-bidirectional",
     [helper.make_node("GRU", ["x", "w", "r", "b"], ["y", "yh"], hidden_size=H, direction="bidirectional",
                       linear_before_reset=1)],
     {"x": rand(3, 2, 4)}, ["y", "yh"],
     [const("w", rand(2, 3 * H, 4, low=-0.5, high=0.5)), const("r", rand(2, 3 * H, H, low=-0.5, high=0.5)),
      const("b", rand(2, 6 * H, low=-0.5, high=0.5))])
case("GRU-reverse-no-bias", [helper.make_node("GRU", ["x", "w", "r"], ["y"], hidden_size=H, direction="reverse")],
     {"x": rand(3, 1, 2)}, ["y"],
     [const("w", rand(1, 3 * H, 2, low=-0.5, high=0.5)), const("r", rand(1, 3 * H, H, low=-0.5, high=0.5))])

case("RNN-bidirectional", [helper.make_node("RNN", ["x", "w", "r", "b", "", "h0"], ["y", "yh"], hidden_size=H,
                                            direction="bidirectional")],
     {"x": rand(4, 2, 3)}, ["y", "yh"],
     [const("w", rand(2, H, 3, low=-0.5, high=0.5)), const("r", rand(2, H, H, low=-0.5, high=0.5)),
      const("b", rand(2, 2 * H, low=-0.5, high=0.5)), const("h0", rand(2, 2, H))])


def main():
    cases = [(name, e2e.make_model(name, nodes, inputs, outputs, inits, opset), inputs)
             for name, nodes, inputs, outputs, inits, opset in CASES]
    return e2e.run_cases(sys.argv[1], cases)


if __name__ == "__main__":
    sys.exit(main())
