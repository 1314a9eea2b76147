"""ctypes declarations of the generic C API of a compiled model
(runtime/include/onnxc/runtime.h) and the element-type tables between the
runtime's codes (ONNX's TensorProto.DataType numbers) and numpy."""
import ctypes

import numpy as np

# Descriptor layouts this package reads. Version 2 appends a weights pointer
# after `entry`; the prefix declared in ModelDesc is the same in both.
# Version 3 appends dim_params to each tensor descriptor (so its arrays have
# another stride) and flags to the model's.
# Version 4 appends the workspace query, the device (CPU or CUDA) and the
# device weights.
SUPPORTED_ABI_VERSIONS = (1, 2, 3, 4)

# onnxc_model_desc.device (ABI 4).
DEVICE_CPU = 0
DEVICE_CUDA = 1

# onnxc_model_desc.flags (ABI 3): some input or output has a -1 dim.
MODEL_DYNAMIC = 1

BFLOAT16 = 16

# Element type code -> the numpy dtype of its arrays. numpy has no
# bfloat16: its tensors are uint16 bit patterns.
DTYPES = {
    1: np.dtype(np.float32),
    2: np.dtype(np.uint8),
    3: np.dtype(np.int8),
    4: np.dtype(np.uint16),
    5: np.dtype(np.int16),
    6: np.dtype(np.int32),
    7: np.dtype(np.int64),
    9: np.dtype(np.bool_),
    10: np.dtype(np.float16),
    11: np.dtype(np.float64),
    12: np.dtype(np.uint32),
    13: np.dtype(np.uint64),
    BFLOAT16: np.dtype(np.uint16),
}

# (numpy kind, itemsize) -> element type code, for the arrays a caller
# passes (bfloat16 is recognized by name, see code_of()).
_CODES = {(dtype.kind, dtype.itemsize): code for code, dtype in DTYPES.items()
          if code != BFLOAT16}


def code_of(dtype, declared):
    """The element type code of arrays of numpy `dtype` given for a tensor
    declared as `declared`, or None when ONNX has no such type. uint16
    arrays are bfloat16 bit patterns where bfloat16 is declared, and so is
    any 2-byte dtype named bfloat16 (ml_dtypes')."""
    if dtype.name == "bfloat16" and dtype.itemsize == 2:
        return BFLOAT16
    code = _CODES.get((dtype.kind, dtype.itemsize))
    if code == 4 and declared == BFLOAT16:
        return BFLOAT16
    return code


class TensorDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class TensorDescV3(ctypes.Structure):
    """ABI 3: a shape dim of -1 is known only at run time; dim_params is
    NULL or holds the ONNX dim_param of each such dim (NULL or "" when
    unnamed)."""
    _fields_ = TensorDesc._fields_ + [("dim_params", ctypes.POINTER(ctypes.c_char_p))]


class ModelDesc(ctypes.Structure):
    _fields_ = [("abi_version", ctypes.c_uint32), ("name", ctypes.c_char_p),
                ("num_inputs", ctypes.c_int32), ("num_outputs", ctypes.c_int32),
                ("inputs", ctypes.POINTER(TensorDesc)), ("outputs", ctypes.POINTER(TensorDesc)),
                ("workspace_bytes", ctypes.c_uint64), ("entry", ctypes.c_void_p)]


class WeightsDesc(ctypes.Structure):
    _fields_ = [("file_name", ctypes.c_char_p), ("bytes", ctypes.c_uint64),
                ("checksum", ctypes.c_uint64), ("base", ctypes.c_void_p)]


class ModelDescV2(ctypes.Structure):
    """ABI 2: version 1's fields, then the weights (NULL: embedded)."""
    _fields_ = ModelDesc._fields_ + [("weights", ctypes.POINTER(WeightsDesc))]


class ModelDescV3(ctypes.Structure):
    """ABI 3: version 2's fields with TensorDescV3 arrays, then flags."""
    _fields_ = [(name, ctypes.POINTER(TensorDescV3) if name in ("inputs", "outputs") else kind)
                for name, kind in ModelDescV2._fields_] + [("flags", ctypes.c_uint32)]


class ModelDescV4(ctypes.Structure):
    """ABI 4: version 3's fields, the dynamic workspace query, then where
    the kernels run and the weights a CUDA session copies to its device."""
    _fields_ = ModelDescV3._fields_ + [("dynamic_workspace_bytes", ctypes.c_void_p),
                                       ("device", ctypes.c_uint32),
                                       ("device_weights", ctypes.c_void_p),
                                       ("device_weights_bytes", ctypes.c_uint64),
                                       ("device_kernels", ctypes.c_void_p)]


# The descriptor layout of each ABI version.
MODEL_DESCS = {1: ModelDesc, 2: ModelDescV2, 3: ModelDescV3, 4: ModelDescV4}


class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


# The functions a model library exports, with their signatures: all of
# them but those of OPTIONAL_FUNCTIONS (from ABI 2 or 3 on) are required.
OPTIONAL_FUNCTIONS = {"onnxc_weights_load", "onnxc_weights_release", "onnxc_run_alloc",
                      "onnxc_free"}
FUNCTIONS = {
    "onnxc_run_alloc": (ctypes.c_int, [ctypes.c_void_p, ctypes.POINTER(Tensor), ctypes.c_size_t,
                                       ctypes.POINTER(Tensor), ctypes.c_size_t]),
    "onnxc_free": (None, [ctypes.c_void_p]),
    "onnxc_weights_load": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p]),
    "onnxc_weights_release": (None, [ctypes.c_void_p]),
    "onnxc_get_model": (ctypes.c_void_p, []),
    "onnxc_session_create": (ctypes.c_int,
                             [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    "onnxc_session_destroy": (None, [ctypes.c_void_p]),
    "onnxc_run": (ctypes.c_int, [ctypes.c_void_p, ctypes.POINTER(Tensor), ctypes.c_size_t,
                                 ctypes.POINTER(Tensor), ctypes.c_size_t]),
    "onnxc_last_error": (ctypes.c_char_p, []),
    "onnxc_dtype_name": (ctypes.c_char_p, [ctypes.c_int32]),
    "onnxc_set_num_threads": (None, [ctypes.c_int]),
    "onnxc_get_num_threads": (ctypes.c_int, []),
}


def bind(lib):
    """Sets the signatures of `lib`'s runtime functions; returns the names
    of the required ones it lacks."""
    missing = []
    for name, (restype, argtypes) in FUNCTIONS.items():
        function = getattr(lib, name, None)
        if function is None:
            if name not in OPTIONAL_FUNCTIONS:
                missing.append(name)
            continue
        function.restype = restype
        function.argtypes = argtypes
    return missing


def tensor(array, code):
    """An onnxc_tensor over `array`'s buffer (C-contiguous, kept alive by
    the caller) and the shape array it points to (keep it alive too)."""
    shape = (ctypes.c_int64 * max(array.ndim, 1))(*array.shape)
    return Tensor(array.ctypes.data, code, array.ndim, shape), shape
