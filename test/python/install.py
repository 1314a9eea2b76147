# The onnxc package installs with pip offline (no index, no build
# isolation, no dependencies) and works from where it was installed: a
# subprocess that sees only the install target imports onnxc from there,
# with every module of python/onnxc, and compiles, loads and runs a model.
# The source is copied first so that the build leaves nothing in the tree.
#
# UNSUPPORTED where pip cannot build a wheel offline (pip, setuptools, and
# wheel for setuptools before 70.1: utils/setup.sh installs wheel); lit.cfg.py
# prints a note saying so.
#
# REQUIRES: pip-install
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s %t %onnxc_src onnx-compile | FileCheck %s
# CHECK: installed: onnxc 0.1.0
# CHECK: modules: ok
# CHECK: run: Relu [0.0, 2.0] from target
import os
import shutil
import subprocess
import sys

import onnx
from onnx import TensorProto, helper

workdir, src, compiler = sys.argv[1:4]
source = os.path.join(workdir, "src")
target = os.path.join(workdir, "site")
shutil.copytree(os.path.join(src, "python"), source,
                ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--no-index", "--no-build-isolation", "--no-deps", "--target", target, source],
               env=dict(os.environ, PIP_ROOT_USER_ACTION="ignore"), check=True)

graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.save(model, os.path.join(workdir, "relu.onnx"))

check = f"""
import os, sys
import numpy as np
import onnxc
here = os.path.dirname(onnxc.__file__)
assert os.path.dirname(here) == {target!r}, onnxc.__file__
print("installed: onnxc", onnxc.__version__)
installed = sorted(f for f in os.listdir(here) if f.endswith(".py"))
wanted = sorted(f for f in os.listdir({os.path.join(source, "onnxc")!r}) if f.endswith(".py"))
print("modules:", "ok" if installed == wanted else f"{{installed}} != {{wanted}}")
library = onnxc.compile("relu.onnx", "relu.so", compiler={compiler!r})
with onnxc.load(library) as m:
    y = m.run({{"x": np.array([-1, 2], np.float32)}})["y"]
print("run: Relu", y.tolist(), "from target")
"""
# Neither the repository's python/ nor this script's folder is on the path.
env = dict(os.environ, PYTHONPATH=target)
subprocess.run([sys.executable, "-c", check], cwd=workdir, env=env, check=True)
