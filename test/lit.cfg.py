# lit configuration shared by test/ and dialects/onnx/test/.
import os

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
