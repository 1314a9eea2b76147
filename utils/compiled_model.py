"""Loads a model compiled by onnx-compile into a shared library and runs it
through the runtime's generic C API (runtime/include/onnxc/runtime.h), for
tests and the benchmark harness.

    model = CompiledModel("model.so")
    outputs = model.run({"image": array})   # list of numpy arrays, in order
"""
import ctypes

import numpy as np

DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32,
          7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32,
          13: np.uint64, 16: np.uint16}


class TensorDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class ModelDesc(ctypes.Structure):
    _fields_ = [("abi_version", ctypes.c_uint32), ("name", ctypes.c_char_p),
                ("num_inputs", ctypes.c_int32), ("num_outputs", ctypes.c_int32),
                ("inputs", ctypes.POINTER(TensorDesc)), ("outputs", ctypes.POINTER(TensorDesc)),
                ("workspace_bytes", ctypes.c_uint64), ("entry", ctypes.c_void_p)]


class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class RuntimeError_(RuntimeError):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _describe(desc):
    shape = tuple(desc.shape[i] for i in range(desc.rank))
    return desc.name.decode(), desc.dtype, shape


class CompiledModel:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)
        self.lib.onnxc_get_model.restype = ctypes.POINTER(ModelDesc)
        self.lib.onnxc_last_error.restype = ctypes.c_char_p
        self.lib.onnxc_session_create.argtypes = [ctypes.POINTER(ModelDesc), ctypes.c_void_p,
                                                  ctypes.POINTER(ctypes.c_void_p)]
        self.lib.onnxc_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(Tensor), ctypes.c_size_t,
                                       ctypes.POINTER(Tensor), ctypes.c_size_t]
        self.lib.onnxc_session_destroy.argtypes = [ctypes.c_void_p]
        self.desc = self.lib.onnxc_get_model().contents
        self.inputs = [_describe(self.desc.inputs[i]) for i in range(self.desc.num_inputs)]
        self.outputs = [_describe(self.desc.outputs[i]) for i in range(self.desc.num_outputs)]
        self.workspace_bytes = self.desc.workspace_bytes
        self.session = ctypes.c_void_p()
        self._check(self.lib.onnxc_session_create(ctypes.byref(self.desc), None,
                                                  ctypes.byref(self.session)))

    def _check(self, status):
        if status:
            raise RuntimeError_(status, self.lib.onnxc_last_error().decode())

    @staticmethod
    def _tensor(array, dtype_code):
        shape = (ctypes.c_int64 * max(array.ndim, 1))(*array.shape)
        return Tensor(array.ctypes.data, dtype_code, array.ndim, shape), shape

    def _input_code(self, index, array):
        """The element type to report for `array` as input `index`: the
        declared one when the array holds it (bfloat16 arrives as uint16 bit
        patterns), else the array's own, for the runtime to reject."""
        declared = self.inputs[index][1] if index < len(self.inputs) else None
        if declared in DTYPES and DTYPES[declared] == array.dtype.type:
            return declared
        return next(c for c, t in DTYPES.items() if t == array.dtype.type and c != 16)

    def run(self, feeds, dtype_codes=None):
        """Runs with `feeds` (name -> array, in any order, or a list in the
        model's order); `dtype_codes` overrides the element type reported
        for each input (to test the runtime's checks)."""
        if isinstance(feeds, dict):
            names = [name for name, _, _ in self.inputs]
            missing = [name for name in names if name not in feeds]
            unknown = [name for name in feeds if name not in names]
            if missing or unknown:
                raise ValueError(f"inputs: missing {missing}, unknown {unknown}; "
                                 f"the model takes {names}")
            arrays = [feeds[name] for name in names]
        else:
            arrays = list(feeds)
        arrays = [np.asarray(a, order="C") for a in arrays]  # keeps rank 0
        keep = []
        inputs = (Tensor * max(len(arrays), 1))()
        for i, a in enumerate(arrays):
            code = dtype_codes[i] if dtype_codes else self._input_code(i, a)
            inputs[i], shape = self._tensor(a, code)
            keep.append(shape)
        results = [np.empty(shape, DTYPES[code]) for _, code, shape in self.outputs]
        outputs = (Tensor * max(len(results), 1))()
        for i, (r, (_, code, _)) in enumerate(zip(results, self.outputs)):
            outputs[i], shape = self._tensor(r, code)
            keep.append(shape)
        self._check(self.lib.onnxc_run(self.session, inputs, len(arrays), outputs, len(results)))
        return results

    def __del__(self):
        if getattr(self, "session", None):
            self.lib.onnxc_session_destroy(self.session)
            self.session = None
