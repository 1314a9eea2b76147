# Initializers of every element type and of any size compile and read back
# what onnxruntime reads, with the weights embedded and with
# --weights=external. Initializers above the importer's inline limit (256
# bytes) are resource blobs; a bool one used to fail in the LLVM lowering
# ("no known conversion for innermost element type": LLVM has no packed
# constant arrays of i1) and the message called the initializer a node.
#
# Each initializer W is [1, 1, 64, 64] (4096 elements, 4 KiB and more) and
# is concatenated to a graph input, so the model reads every element of the
# global at run time. The causal mask of the issue (a bool [1,1,64,64]
# feeding Where) is checked too.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import sys

import numpy as np
sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

RNG = np.random.default_rng(5)
SHAPE = (1, 1, 64, 64)
TYPES = {"bool": np.bool_, "f16": np.float16, "bf16": None, "f32": np.float32,
         "f64": np.float64, "i8": np.int8, "u8": np.uint8, "i16": np.int16, "u16": np.uint16,
         "i32": np.int32, "u32": np.uint32, "i64": np.int64, "u64": np.uint64}


def values(name, shape):
    dtype = TYPES[name]
    if name == "bool":
        return RNG.random(shape) < 0.5
    if name == "bf16":
        return e2e.bfloat16(RNG.uniform(-4, 4, shape))
    if np.issubdtype(dtype, np.floating):
        return RNG.uniform(-4, 4, shape).astype(dtype)
    info = np.iinfo(dtype)
    return RNG.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def initializer(name, array):
    if isinstance(array, e2e.BFloat16Bits):
        return helper.make_tensor(name, TensorProto.BFLOAT16, array.shape,
                                  np.asarray(array).tobytes(), raw=True)
    return numpy_helper.from_array(array, name)


CASES = []
for type_name in TYPES:
    w = values(type_name, SHAPE)
    x = values(type_name, (1, 1, 1, 64))
    model = e2e.make_model(f"concat-{type_name}",
                           [helper.make_node("Concat", ["x", "w"], ["y"], axis=2)],
                           {"x": x}, ["y"], [initializer("w", w)])
    CASES.append((f"concat-{type_name}", model, {"x": x}))

# The model: a causal mask initializer feeding Where.
mask = np.tril(np.ones(SHAPE, np.bool_))
scores = RNG.standard_normal(SHAPE).astype(np.float32)
CASES.append(("causal-mask", e2e.make_model(
    "causal-mask", [helper.make_node("Where", ["mask", "scores", "neg"], ["y"])],
    {"scores": scores}, ["y"],
    [numpy_helper.from_array(mask, "mask"),
     numpy_helper.from_array(np.array(-1e9, np.float32), "neg")]), {"scores": scores}))


def main():
    cases = list(CASES)
    if e2e.TARGET != "cpu":
        # --weights=external is the CPU's: a CUDA session copies the
        # weights to the device from the library.
        return e2e.run_cases(sys.argv[1], cases)
    cases += [(name + "-external", model, inputs, {"extra_flags": ["--weights=external"]})
              for name, model, inputs in CASES]
    status = e2e.run_cases(sys.argv[1], cases)
    # The bool mask goes to the weights file like any other large constant.
    weights = os.path.join(sys.argv[1], "causal-mask-external.weights")
    if not os.path.exists(weights) or os.path.getsize(weights) < mask.size:
        print(f"FAIL causal-mask-external: {weights} does not hold the mask")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
