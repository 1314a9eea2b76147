# The `_expanded` node tests of the pinned onnx whose constants come in
# every attribute form (value_int, scalar floats, shape chains through
# Cast/Sub/Mul): onnx-compile used to segfault in the shape-inference
# folders on the window functions and CenterCropPad. Each must import and
# go through shape inference and folding (--emit=mlir), with no crash.
#
# RUN: %python %s
import glob
import os
import subprocess
import sys

import onnx

NODE_TESTS = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
PATTERNS = ["test_*window*_expanded", "test_center_crop_pad*_expanded"]

models = sorted(m for p in PATTERNS
                for m in glob.glob(os.path.join(NODE_TESTS, p, "model.onnx")))
if len(models) < 12:
    sys.exit(f"expected the 12 window and CenterCropPad _expanded tests under {NODE_TESTS}, "
             f"found {len(models)}")
failed = []
for model in models:
    name = os.path.basename(os.path.dirname(model))
    out = subprocess.run(["onnx-compile", model, "--emit=mlir", "-o", os.devnull],
                         capture_output=True, text=True)
    if out.returncode != 0:
        failed.append(f"{name}: exit {out.returncode}: {out.stderr.strip().splitlines()[:1]}")
for line in failed:
    print(line)
sys.exit(1 if failed else 0)
