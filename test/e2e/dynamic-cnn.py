# CNNs whose batch (and for some ops, height and width) is known only at
# run time compile once and run at several sizes, matching onnxruntime:
# (a) the sample CNN of utils/make_sample_model.py --batch dynamic at batch
# 1, 3 and 8; (b) mobilenet_v3_small of ../shared/models with its batch dim
# made symbolic, at batch 1 and 2 (when the shared models are there); (c)
# one small model per op (Conv 1-D/2-D, grouped, depthwise, SAME padding;
# ConvTranspose; MaxPool, AveragePool, LpPool, the global pools;
# BatchNormalization, InstanceNormalization, MeanVarianceNormalization,
# LpNormalization, LRN; Gemm; LayerNormalization) with a symbolic N, and
# where the lowering takes them symbolic H/W, C or normalized dims, at two
# or three sizes each. Sizes that disagree (a Conv's channels, Gemm's C)
# fail the run with an error naming the node.
#
# RUN: %python %s %t %onnxc_src %shared_models %T/shared-models-cache
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

src = sys.argv[2]
sys.path[:0] = [os.path.join(src, "utils")]
import e2e  # noqa: E402

RNG = np.random.default_rng(0)
workdir = sys.argv[1]
checks = e2e.RunTimeShapeChecks(workdir)
check_sizes = checks.check_sizes
expect_error = checks.expect_error


def weight(name, *shape, scale=0.3):
    return numpy_helper.from_array((RNG.standard_normal(shape) * scale).astype(np.float32), name)


def data(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def one_op(op, x_dims, y_dims, inits=(), extra_inputs=(), **attrs):
    """A model of one `op` reading graph input x (dims: ints or names)
    and the initializers `inits` (their names follow x as the op's
    inputs, '' for an absent one)."""
    names = ["x"] + [i if isinstance(i, str) else i.name for i in extra_inputs]
    node = helper.make_node(op, names, ["y"], **attrs)
    graph = helper.make_graph(
        [node], op.lower(), [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_dims)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_dims)],
        [i for i in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


# (a) The sample CNN with a symbolic batch.
sys.path.insert(0, os.path.join(src, "utils"))
import make_sample_model  # noqa: E402

sample = make_sample_model.build("dynamic")
check_sizes("sample_cnn", sample, [{"image": data(n, 3, 32, 32)} for n in (1, 3, 8)])

# (c) One op at a time.
w = weight("w", 8, 3, 3, 3)
b = weight("b", 8)
check_sizes("conv_n", one_op("Conv", ["N", 3, 9, 9], ["N", 8, 5, 5], [w, b], [w, b],
                             pads=[1, 1, 1, 1], strides=[2, 2]),
            [{"x": data(n, 3, 9, 9)} for n in (1, 4)])
conv_nhw = check_sizes("conv_nhw", one_op("Conv", ["N", 3, "H", "W"], ["N", 8, "OH", "OW"], [w, b],
                                          [w, b], pads=[0, 1, 2, 1], strides=[2, 1],
                                          dilations=[1, 2]),
                       [{"x": data(n, 3, h, wd)} for n, h, wd in ((1, 7, 9), (3, 12, 5))])


# A width of 2 padded to 4 holds no dilated window of 5.
expect_error("conv_nhw: too narrow", conv_nhw, {"x": data(1, 3, 7, 2)}, "(Conv)",
             "smaller than the window along dim 3")
check_sizes("conv_same", one_op("Conv", ["N", 3, "H", "W"], ["N", 8, "OH", "OW"], [w], [w],
                                auto_pad="SAME_UPPER", strides=[2, 2]),
            [{"x": data(n, 3, h, wd)} for n, h, wd in ((2, 7, 8), (1, 16, 5))])
check_sizes("conv_same_lower", one_op("Conv", ["N", 3, "H", "W"], ["N", 8, "OH", "OW"], [w], [w],
                                      auto_pad="SAME_LOWER", strides=[3, 2]),
            [{"x": data(n, 3, h, wd)} for n, h, wd in ((2, 7, 8), (1, 11, 6))])
w1 = weight("w", 6, 2, 3)
check_sizes("conv_1d", one_op("Conv", ["N", 4, "L"], ["N", 6, "OL"], [w1], [w1], group=2,
                              pads=[1, 2]),
            [{"x": data(n, 4, l)} for n, l in ((1, 5), (3, 17))])
wg = weight("w", 6, 2, 3, 3)
check_sizes("conv_grouped", one_op("Conv", ["N", 4, "H", "W"], ["N", 6, "OH", "OW"], [wg], [wg],
                                   group=2, pads=[1, 1, 1, 1]),
            [{"x": data(n, 4, h, h)} for n, h in ((1, 6), (5, 9))])
wd = weight("w", 4, 1, 3, 3)
depthwise = check_sizes("conv_depthwise",
                        one_op("Conv", ["N", 4, "H", "W"], ["N", 4, "OH", "OW"], [wd], [wd],
                               group=4, strides=[2, 2], pads=[1, 1, 1, 1]),
                        [{"x": data(n, 4, h, h + 3)} for n, h in ((2, 8), (3, 13))])
channels = check_sizes("conv_channels", one_op("Conv", ["N", "C", 6, 6], ["N", 8, 4, 4], [w], [w]),
                       [{"x": data(2, 3, 6, 6)}])
expect_error("conv_channels: 4 for 3", channels, {"x": data(2, 4, 6, 6)}, "(Conv)",
             "the input's channels differ")

wt, bt = weight("w", 4, 3, 3, 3), weight("b", 3)
check_sizes("convtranspose_n", one_op("ConvTranspose", ["N", 4, 5, 6], ["N", 3, 11, 13], [wt, bt],
                                      [wt, bt], strides=[2, 2], pads=[1, 1, 0, 0],
                                      output_padding=[1, 1]),
            [{"x": data(n, 4, 5, 6)} for n in (1, 3)])
# Pads beyond the kernel's extent crop the convolution's result.
check_sizes("convtranspose_crop", one_op("ConvTranspose", ["N", 4, 6, 7], ["N", 3, 2, 5], [wt],
                                         [wt], pads=[3, 2, 3, 2]),
            [{"x": data(n, 4, 6, 7)} for n in (1, 2)])
wt1 = weight("w", 4, 3, 3)
check_sizes("convtranspose_1d_grouped", one_op("ConvTranspose", ["N", 4, 7], ["N", 6, 9], [wt1],
                                               [wt1], group=2),
            [{"x": data(n, 4, 7)} for n in (2, 5)])
check_sizes("maxpool_n", one_op("MaxPool", ["N", "C", 9, 9], ["N", "C", 5, 5],
                                kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
            [{"x": data(n, c, 9, 9)} for n, c in ((1, 2), (4, 5))])
check_sizes("maxpool_ceil", one_op("MaxPool", ["N", 3, 10, 10], ["N", 3, 4, 4],
                                   kernel_shape=[3, 3], strides=[3, 3], ceil_mode=1),
            [{"x": data(n, 3, 10, 10)} for n in (1, 3)])
check_sizes("averagepool_n", one_op("AveragePool", ["N", 3, 10, 10], ["N", 3, 5, 5],
                                    kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                                    count_include_pad=0),
            [{"x": data(n, 3, 10, 10)} for n in (1, 3)])
check_sizes("averagepool_1d", one_op("AveragePool", ["N", 3, 11], ["N", 3, 4],
                                     kernel_shape=[3], strides=[3], ceil_mode=1),
            [{"x": data(n, 3, 11)} for n in (2, 6)])
# Run-time H and W: ONNX's output size (ceil_mode drops a window starting
# in the end padding) and each window's divisor computed by the run.
check_sizes("maxpool_hw", one_op("MaxPool", ["N", 3, "H", "W"], ["N", 3, "OH", "OW"],
                                 kernel_shape=[3, 2], strides=[2, 3], pads=[1, 0, 1, 1],
                                 dilations=[1, 2], ceil_mode=1),
            [{"x": data(n, 3, h, wd)} for n, h, wd in ((1, 7, 9), (2, 10, 6))])
check_sizes("averagepool_hw", one_op("AveragePool", ["N", 3, "H", "W"], ["N", 3, "OH", "OW"],
                                     kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                                     ceil_mode=1, count_include_pad=1),
            [{"x": data(n, 3, h, wd)} for n, h, wd in ((1, 8, 9), (3, 11, 6))])
check_sizes("averagepool_same", one_op("AveragePool", ["N", 3, "H", "W"], ["N", 3, "OH", "OW"],
                                       kernel_shape=[3, 2], strides=[2, 2],
                                       auto_pad="SAME_LOWER"),
            [{"x": data(n, 3, h, wd)} for n, h, wd in ((1, 7, 8), (2, 4, 5))])
check_sizes("averagepool_1d_l", one_op("AveragePool", ["N", 2, "L"], ["N", 2, "OL"],
                                       kernel_shape=[4], strides=[3], ceil_mode=1),
            [{"x": data(n, 2, l)} for n, l in ((1, 9), (2, 14))])
check_sizes("lppool_hw", one_op("LpPool", ["N", 3, "H", "W"], ["N", 3, "OH", "OW"],
                                kernel_shape=[3, 2], strides=[2, 1], pads=[1, 0, 1, 1], p=3),
            [{"x": data(n, 3, h, wd)} for n, h, wd in ((1, 6, 5), (2, 9, 4))])
check_sizes("globalaveragepool", one_op("GlobalAveragePool", ["N", "C", "H", "W"],
                                        ["N", "C", 1, 1]),
            [{"x": data(n, c, h, h + 1)} for n, c, h in ((1, 3, 4), (2, 5, 7))])
check_sizes("globalmaxpool", one_op("GlobalMaxPool", ["N", 3, "H", "W"], ["N", 3, 1, 1]),
            [{"x": data(n, 3, h, h)} for n, h in ((1, 4), (3, 6))])

scale, bias = weight("scale", 3), weight("bias", 3)
mean = weight("mean", 3)
var = numpy_helper.from_array((RNG.random(3) + 0.5).astype(np.float32), "var")
check_sizes("batchnorm", one_op("BatchNormalization", ["N", 3, "H", "W"], ["N", 3, "H", "W"],
                                [scale, bias, mean, var], [scale, bias, mean, var]),
            [{"x": data(n, 3, h, h)} for n, h in ((1, 4), (3, 7))])
check_sizes("instancenorm", one_op("InstanceNormalization", ["N", 3, "H", "W"],
                                   ["N", 3, "H", "W"], [scale, bias], [scale, bias]),
            [{"x": data(n, 3, h, h + 2) + 10} for n, h in ((1, 4), (3, 7))])
check_sizes("mvn", one_op("MeanVarianceNormalization", ["N", 3, "H", "W"], ["N", 3, "H", "W"]),
            [{"x": data(n, 3, h, h)} for n, h in ((2, 3), (1, 6))])
check_sizes("lpnorm", one_op("LpNormalization", ["N", 3, "H"], ["N", 3, "H"], axis=1, p=2),
            [{"x": data(n, 3, h)} for n, h in ((2, 3), (1, 6))])
check_sizes("lrn", one_op("LRN", ["N", "C", "H", "W"], ["N", "C", "H", "W"], size=3,
                          alpha=1e-3, beta=0.75, bias=2.0),
            [{"x": data(n, c, 4, 4)} for n, c in ((1, 3), (2, 6))])
gw, gc = weight("gw", 16, 12), weight("gc", 16)
check_sizes("gemm", one_op("Gemm", ["N", 12], ["N", 16], [gw, gc], [gw, gc], transB=1,
                           alpha=0.5, beta=2.0),
            [{"x": data(n, 12)} for n in (1, 7)])
# C an input with run-time dims: each broadcasts from 1 or matches.
gemm_c = one_op("Gemm", ["M", "K"], ["M", 16], [gw], [gw, "c"], transB=1)
gemm_c.graph.input.append(helper.make_tensor_value_info("c", TensorProto.FLOAT, ["CM", "CN"]))
compiled = check_sizes("gemm_c", gemm_c, [{"x": data(m, 12), "c": data(cm, cn)}
                                          for m, cm, cn in ((3, 1, 16), (5, 5, 1), (2, 2, 16))])
expect_error("gemm_c: 3 rows for 4", compiled, {"x": data(4, 12), "c": data(3, 16)}, "(Gemm)",
             "dim 0 of C is neither 1 nor the result's dim 0")
gamma, beta = weight("gamma", 8), weight("beta", 8)
check_sizes("layernorm", one_op("LayerNormalization", ["B", "S", 8], ["B", "S", 8],
                                [gamma, beta], [gamma, beta], axis=-1),
            [{"x": data(b, s, 8) + 5} for b, s in ((1, 1), (3, 5))])
# Normalized dims known only at run time: the scale is an input too.
row = one_op("LayerNormalization", ["B", "S", "D"], ["B", "S", "D"], extra_inputs=["g"], axis=1)
row.graph.input.append(helper.make_tensor_value_info("g", TensorProto.FLOAT, ["S", "D"]))
check_sizes("layernorm_dynamic_row", row,
            [{"x": data(b, s, d) + 3, "g": data(s, d)} for b, s, d in ((1, 2, 3), (2, 5, 4))])

# (b) A real CNN, its batch made symbolic (onnxruntime needs the
# shared models and their filled weights; skipped without them).
shared, cache = sys.argv[3], sys.argv[4]
if os.path.isdir(shared):
    import shared_models

    path = shared_models.ensure_filled_model(shared, cache, "mobilenet_v3_small")
    model = onnx.load(path)
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "batch"
    for output in model.graph.output:
        output.type.tensor_type.shape.dim[0].dim_param = "batch"
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
    name = model.graph.input[0].name
    check_sizes("mobilenet_v3_small", model, [{name: data(n, *shape)} for n in (1, 2)],
                tolerance=(1e-3, 1e-4))
else:
    print("mobilenet_v3_small: skipped (no shared models at " + shared + ")")

sys.exit(checks.exit_code())
