"""Runs a model through onnx-compile --emit=linalg and MLIR's upstream
bufferization, LLVM lowering and mlir-runner, for tests that check the
linalg lowerings numerically before the CPU backend exists.

run(model_path, inputs, llvm_lib_dir) -> list of np.float64 arrays (flat)
Raises RuntimeError with the failing step's message.
"""
import re
import subprocess

import numpy as np

MLIR_TYPE = {np.float32: "f32", np.int64: "i64"}
LOWERING = ["--one-shot-bufferize=bufferize-function-boundaries", "--convert-linalg-to-loops",
            "--convert-scf-to-cf", "--expand-strided-metadata", "--lower-affine",
            "--convert-math-to-libm", "--convert-to-llvm", "--reconcile-unrealized-casts"]
NUMBER = re.compile(r"-?(?:inf|nan|[0-9.]+(?:e[-+]?[0-9]+)?)")


def _tensor_type(shape, elem):
    return "tensor<" + "".join(f"{d}x" for d in shape) + elem + ">"


def wrap(linalg, inputs, result_types):
    """Appends @main: the inputs as constants, a call, and one
    printMemrefF32 per (f32) result."""
    lines = ["  func.func private @printMemrefF32(memref<*xf32>)", "  func.func @main() {"]
    args, arg_types = [], []
    for i, value in enumerate(inputs.values()):
        t = _tensor_type(value.shape, MLIR_TYPE[value.dtype.type])
        lines.append(f'    %in{i} = arith.constant dense<"0x{value.tobytes().hex().upper()}"> : {t}')
        args.append(f"%in{i}")
        arg_types.append(t)
    results = ", ".join(f"%r{i}" for i in range(len(result_types)))
    lines.append(f"    {results} = call @main_graph({', '.join(args)}) : "
                 f"({', '.join(arg_types)}) -> ({', '.join(result_types)})")
    for i, t in enumerate(result_types):
        memref = t.replace("tensor<", "memref<")
        lines.append(f"    %m{i} = bufferization.to_buffer %r{i} : {t} to {memref}")
        lines.append(f"    %u{i} = memref.cast %m{i} : {memref} to memref<*xf32>")
        lines.append(f"    call @printMemrefF32(%u{i}) : (memref<*xf32>) -> ()")
    lines += ["    return", "  }"]
    end = linalg.index("{-#") if "{-#" in linalg else len(linalg)
    close = linalg.rindex("}", 0, end)
    return linalg[:close] + "\n".join(lines) + "\n" + linalg[close:]


def run(model_path, inputs, llvm_lib_dir):
    out = subprocess.run(["onnx-compile", model_path, "--emit=linalg", "--print-weights"],
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr.strip())
    signature = next(l for l in out.stdout.splitlines() if "func.func @main_graph" in l)
    result_types = re.findall(r"(tensor<[^>]*>) \{onnx.name", signature.split("->", 1)[1])
    lowered = subprocess.run(["mlir-opt"] + LOWERING, input=wrap(out.stdout, inputs, result_types),
                             capture_output=True, text=True)
    if lowered.returncode:
        raise RuntimeError("mlir-opt: " + lowered.stderr[:1500])
    libs = f"{llvm_lib_dir}/libmlir_c_runner_utils.so,{llvm_lib_dir}/libmlir_runner_utils.so"
    ran = subprocess.run(["mlir-runner", "-e", "main", "-entry-point-result=void", "-O2",
                          f"-shared-libs={libs}"], input=lowered.stdout, capture_output=True, text=True)
    if ran.returncode:
        raise RuntimeError("mlir-runner: " + ran.stderr[:1500])
    return [np.array([float(v) for v in NUMBER.findall(block.split("data =", 1)[1])])
            for block in ran.stdout.split("Unranked Memref")[1:]]
