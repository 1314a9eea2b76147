# A BERT-style encoder with symbolic batch and sequence dims, built as
# PyTorch exports one with dynamic axes (utils/make_dynamic_encoder.py:
# head-split reshapes from Shape -> Gather -> Concat, positions from Range,
# an Unsqueezed attention mask), compiles once and matches onnxruntime at
# batch 1, 3 and 8 and sequence 1, 7, 64 and 512 (a quarter of each
# sequence masked out). onnxc_workspace_bytes() gives the bytes a run of
# given input shapes plans for its intermediates, growing with the shapes,
# and refuses inputs whose named dims disagree.
#
# RUN: %python %s %t %onnxc_src/utils
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, sys.argv[2])
import e2e  # noqa: E402
from compiled_model import CompiledModel  # noqa: E402

workdir = sys.argv[1]
os.makedirs(workdir, exist_ok=True)
path = os.path.join(workdir, "encoder.onnx")
library = os.path.join(workdir, "encoder.so")
subprocess.run([sys.executable, os.path.join(sys.argv[2], "make_dynamic_encoder.py"), path,
                "--layers", "2", "--hidden", "128", "--heads", "4", "--ffn", "512"],
               check=True, stdout=subprocess.DEVNULL)
import onnx  # noqa: E402
model = onnx.load(path)
try:
    e2e.compile_model(path, library)
except e2e.CompiledOnly:
    print("ok: compiled for the GPU (none here to run it)")
    sys.exit(0)
compiled = CompiledModel(library)
rng = np.random.default_rng(0)
failures = 0
for batch in (1, 3, 8):
    for seq in (1, 7, 64, 512):
        ids = rng.integers(0, 1000, (batch, seq))
        mask = np.ones((batch, seq), np.int64)
        mask[:, max(1, seq * 3 // 4):] = 0
        feeds = {"input_ids": ids, "attention_mask": mask}
        want = e2e.run_onnxruntime(model, feeds)[0]
        got = compiled.run(feeds)[0]
        problem = e2e.compare(got, want, tolerance=(1e-4, 1e-5))
        if problem:
            failures += 1
            print(f"FAIL batch {batch} seq {seq}: {problem}")
        else:
            err = float(np.abs(got - want).max() / np.abs(want).max())
            print(f"ok batch {batch} seq {seq}: {got.shape}, max rel err {err:.1e}")
# The workspace query of the runtime ABI, through ctypes.
import ctypes  # noqa: E402
lib = ctypes.CDLL(library)
lib.onnxc_get_model.restype = ctypes.c_void_p
lib.onnxc_workspace_bytes.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                      ctypes.POINTER(ctypes.c_uint64)]
lib.onnxc_last_error.restype = ctypes.c_char_p


def workspace(ids_shape, mask_shape):
    shapes = [(ctypes.c_int64 * 2)(*ids_shape), (ctypes.c_int64 * 2)(*mask_shape)]
    array = (ctypes.c_void_p * 2)(*[ctypes.cast(x, ctypes.c_void_p) for x in shapes])
    result = ctypes.c_uint64()
    status = lib.onnxc_workspace_bytes(lib.onnxc_get_model(), array, ctypes.byref(result))
    return status, result.value, lib.onnxc_last_error().decode()


sizes = [workspace((b, s), (b, s))[1] for b, s in ((1, 1), (1, 64), (8, 512))]
if not (0 < sizes[0] < sizes[1] < sizes[2]):
    failures += 1
    print(f"FAIL workspace bytes at 1x1, 1x64, 8x512: {sizes}")
else:
    print(f"ok workspace bytes at 1x1, 1x64, 8x512: {sizes}")
status, _, message = workspace((2, 3), (2, 4))
if status != 2 or "('sequence') is 4" not in message:
    failures += 1
    print(f"FAIL workspace query with disagreeing dims: status {status}, {message!r}")
print(f"{'FAILED' if failures else 'passed'}: {failures} failures")
sys.exit(1 if failures else 0)
