"""onnxc: compile ONNX models with onnx-compile and run them from Python.

    import numpy as np, onnxc
    onnxc.compile("model.onnx", "model.so", cpu="x86-64-v3")
    with onnxc.load("model.so") as m:
        print(m.inputs, m.outputs, m.workspace_bytes)
        outputs = m.run({"image": np.zeros((1, 3, 224, 224), np.float32)})

compile() runs the onnx-compile CLI; load() opens the shared library it
writes through the generic C API of runtime/include/onnxc/runtime.h
(ctypes), and Model.run() takes and returns numpy arrays. See
docs/python.md.
"""
from .compiler import compile, find_compiler
from .errors import (ABIMismatchError, CompileError, CompilerNotFoundError, Error,
                     InvalidArgumentError, LoadError, OutOfMemoryError, ShapeMismatchError,
                     StatusError, TypeMismatchError, WeightsError, DeviceError)
from .model import Model, TensorInfo, load, set_num_threads

__version__ = "0.1.0"

__all__ = ["compile", "find_compiler", "load", "set_num_threads", "Model", "TensorInfo",
           "Error", "CompileError", "CompilerNotFoundError", "LoadError", "StatusError",
           "InvalidArgumentError", "ShapeMismatchError", "TypeMismatchError",
           "OutOfMemoryError", "ABIMismatchError", "WeightsError", "DeviceError"]
