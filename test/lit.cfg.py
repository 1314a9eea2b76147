# lit configuration shared by test/ and dialects/onnx/test/.
import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "onnx-compile"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs"]

config.environment["FILECHECK_OPTS"] = "--enable-var-scope"
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.onnxc_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

utils = os.path.join(config.onnxc_src_root, "utils")
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(
    ("%onnx-txt2model", config.python_executable + " " + os.path.join(utils, "onnx_txt2model.py")))
config.substitutions.append(
    ("%make-bad-model", config.python_executable + " " + os.path.join(utils, "make_bad_model.py")))
config.substitutions.append(("%shared_models", config.shared_models_dir))
config.substitutions.append(("%onnxc_src", config.onnxc_src_root))
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
llvm_config.add_tool_substitutions(["onnx-opt", "onnx-compile"], [config.onnxc_tools_dir])

if os.path.isdir(config.shared_models_dir):
    config.available_features.add("shared-models")

# test/python/install.py builds the onnxc package with pip offline: pip and
# setuptools, and wheel where setuptools predates its own bdist_wheel (70.1).
_can_build_wheel = """
import importlib.util as u, re, sys
from importlib.metadata import version
have = lambda m: u.find_spec(m) is not None
if not (have("pip") and have("setuptools")):
    sys.exit(1)
setuptools = tuple(map(int, re.findall("[0-9]+", version("setuptools"))[:2]))
sys.exit(not (setuptools >= (70, 1) or have("wheel")))
"""
if subprocess.run([config.python_executable, "-c", _can_build_wheel]).returncode == 0:
    config.available_features.add("pip-install")
else:
    lit_config.note(f"{config.python_executable} cannot build a wheel offline (pip, setuptools "
                    "and, before setuptools 70.1, wheel are needed; utils/setup.sh installs "
                    "them): python/install.py is UNSUPPORTED")

# aarch64 cross compiles, run under qemu-aarch64 (test/Runtime/aarch64-*):
# the cross compiler with the target's libc, the emulator, and the runtime
# archive the build made with them (cmake/CrossRuntimes.cmake).
_onnxc_lib_dir = os.path.normpath(os.path.join(config.onnxc_tools_dir, os.pardir, "lib"))
_aarch64_cc = shutil.which("aarch64-linux-gnu-gcc")
_aarch64_libc = _aarch64_cc and subprocess.run(
    [_aarch64_cc, "-print-file-name=libc.so.6"], capture_output=True, text=True).stdout.strip()
_qemu_aarch64 = shutil.which("qemu-aarch64")
_aarch64_missing = [what for what, found in [
    ("aarch64-linux-gnu-gcc (package gcc-aarch64-linux-gnu)", _aarch64_cc),
    ("aarch64 libc (package libc6-dev-arm64-cross)",
     not _aarch64_cc or os.path.isabs(_aarch64_libc)),
    ("qemu-aarch64 (package qemu-user)", _qemu_aarch64),
    (f"{_onnxc_lib_dir}/aarch64-linux-gnu/libonnxc_runtime.a (the build makes it when it finds "
     "aarch64-linux-gnu-gcc; ONNXC_CROSS_RUNTIMES)",
     os.path.exists(os.path.join(_onnxc_lib_dir, "aarch64-linux-gnu", "libonnxc_runtime.a")))]
    if not found]
if not _aarch64_missing:
    config.available_features.add("aarch64-cross")
    # -L: where the emulated dynamic loader finds the target's libc
    # (/usr/aarch64-linux-gnu on Debian).
    _sysroot = os.path.dirname(os.path.dirname(os.path.realpath(_aarch64_libc)))
    config.substitutions.append(("%qemu-aarch64", f"{_qemu_aarch64} -L {_sysroot}"))
    config.substitutions.append(("%aarch64-cc", _aarch64_cc))
else:
    lit_config.note("the aarch64 cross tests are UNSUPPORTED, missing: "
                    + "; ".join(_aarch64_missing) + " (utils/setup.sh installs the packages)")

# --target=cuda: the toolkit folder with libdevice for onnx-compile
# (utils/cuda_tools.py: a CUDA toolkit, or NVIDIA's wheel from
# utils/requirements.txt), and whether a CUDA driver is installed (the
# no-driver test needs none; the others bring a stand-in).
import sys  # noqa: E402
sys.path.insert(0, utils)
import cuda_tools  # noqa: E402
_cuda_path = cuda_tools.cuda_path()
config.substitutions.append(("%cuda_flags", f"--cuda-path={_cuda_path}" if _cuda_path else ""))
# ptxas for the tests that check cubins ("ptxas" on PATH when none is found,
# which then fails such a test with onnx-compile's "not an executable").
config.substitutions.append(("%ptxas", cuda_tools.ptxas() or "ptxas"))
try:
    import ctypes
    ctypes.CDLL("libcuda.so.1")
except OSError:
    config.available_features.add("no-cuda-driver")
