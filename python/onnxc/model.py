"""onnxc.load() and Model: a shared library compiled by onnx-compile, run
through the generic C API of its runtime."""
import ctypes
import numbers
import os
import re
import threading
import weakref

import numpy as np

from . import _capi, _elf
from .errors import LoadError, TypeMismatchError, WeightsError, status_error

# Models alive, for onnxc.set_num_threads(); and the count it last set,
# applied to the models loaded after it (None: the runtime's default).
_live_models = weakref.WeakSet()
_default_threads = None

# The runtime maps a library's weights once per process and shares the
# mapping between its sessions, ignoring the path of a later load: the
# path mapped per model descriptor (its address), with the count of open
# sessions of this package that hold it.
_weights_lock = threading.Lock()
_mapped_weights = {}

# The runtime's advice when a weights file cannot be opened, written for C
# callers ("... or call onnxc_weights_load() with its path").
_RUNTIME_WEIGHTS_HINT = re.compile(r"\s*\(the model was compiled with --weights=external: .*\)$")


class TensorInfo:
    """An input or output of a model, as compiled.

    name       its name in the ONNX graph
    dtype      the numpy dtype of its arrays (uint16 for bfloat16: numpy has
               no bfloat16, so bfloat16 tensors are uint16 bit patterns)
    type_name  the runtime's name of its element type ("float32",
               "bfloat16", ...)
    elem_type  its ONNX element type (TensorProto.DataType number)
    shape      tuple of dims: an int, or None for a dim known only at run
               time (any size for an input; an output's comes with each run)
    dim_params tuple of the same length: the ONNX model's name of each None
               dim (dim_param), else None; inputs' dims of one name must be
               equal in a run
    dynamic    whether some dim is None
    """

    __slots__ = ("name", "dtype", "type_name", "elem_type", "shape", "dim_params")

    def __init__(self, name, dtype, type_name, elem_type, shape, dim_params=None):
        self.name, self.dtype, self.type_name = name, dtype, type_name
        self.elem_type, self.shape = elem_type, shape
        self.dim_params = dim_params if dim_params is not None else (None,) * len(shape)

    @property
    def dynamic(self):
        return None in self.shape

    @property
    def size(self):
        """Number of elements (1 for a scalar); None when a dim is known
        only at run time."""
        if self.dynamic:
            return None
        return int(np.prod(self.shape, dtype=np.int64))

    def dims_text(self):
        """"1,3,224,224", a run-time dim as its name or "?"."""
        return ",".join(str(d) if d is not None else (p or "?")
                        for d, p in zip(self.shape, self.dim_params))

    def __repr__(self):
        params = f", dim_params={self.dim_params}" if self.dynamic else ""
        return f"TensorInfo(name={self.name!r}, dtype={self.type_name}, shape={self.shape}{params})"

    def __eq__(self, other):
        return isinstance(other, TensorInfo) and all(
            getattr(self, f) == getattr(other, f) for f in self.__slots__)

    __hash__ = None


def _tensor_infos(path, lib, descs, count):
    infos = []
    for i in range(count):
        d = descs[i]
        if d.dtype not in _capi.DTYPES:
            raise LoadError(f"'{path}': tensor '{d.name.decode()}' has element type code "
                            f"{d.dtype}, which this onnxc package does not know")
        dims = [d.shape[j] for j in range(d.rank)]
        # ABI 3: -1 is a dim known only at run time, maybe named.
        names = getattr(d, "dim_params", None)
        params = tuple((names[j].decode() or None) if names and dims[j] < 0 and names[j] else None
                       for j in range(d.rank))
        infos.append(TensorInfo(d.name.decode(), _capi.DTYPES[d.dtype],
                                lib.onnxc_dtype_name(d.dtype).decode(), d.dtype,
                                tuple(None if n < 0 else n for n in dims), params))
    return infos


def load(path, weights=None):
    """Loads the shared library `path` compiled by onnx-compile (-o x.so)
    and creates a session on it: a Model. A model compiled with
    --weights=external maps NAME.weights from beside the library, or the
    file `weights` names (Model.weights_path tells which). Raises LoadError
    when the file cannot be loaded (not a shared library, or one of another
    architecture), is not an onnx-compile model, or was built by an
    incompatible onnx-compile; WeightsError when the weights file is
    missing or wrong; ValueError for weights= with embedded weights, or
    with another file than the one an open Model of the same library
    mapped; another StatusError when the runtime cannot create the
    session."""
    return Model(path, weights)


class Model:
    """A compiled model with one session (its workspace). Runs of one
    Model are serialized (a lock); use a Model per thread to run
    concurrently. close(), `with` or garbage collection destroys the
    session.

    Attributes: path, name (the model's --name), abi_version, device, inputs and
    outputs (lists of TensorInfo in the model's order), dynamic (whether a
    dim of an input or output is known only at run time), workspace_bytes,
    external_weights (the weights file name compiled into a
    --weights=external model, NAME.weights, which the runtime looks for
    beside the library; None when the weights are embedded), weights_path
    (the absolute path of the weights file mapped for this Model: the one
    beside the library, or the one given with weights=; None when the
    weights are embedded).
    """

    def __init__(self, path, weights=None):
        self._session = None
        self._weights_key = None
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise LoadError(f"cannot load '{self.path}': no such file")
        # dlopen's own message for a library of another architecture is "No
        # such file or directory"; the header says what the file holds.
        problem = _elf.check_loadable(self.path)
        if problem:
            raise LoadError(problem)
        try:
            # An absolute path: dlopen looks a bare file name up on the
            # library path, not in the current directory.
            lib = ctypes.CDLL(os.path.abspath(self.path), mode=ctypes.RTLD_LOCAL)
        except OSError as e:
            raise LoadError(f"cannot load '{self.path}' as a shared library: {e} "
                            "(onnxc.load takes a .so written by onnx-compile -o NAME.so)") from None
        missing = _capi.bind(lib)
        if "onnxc_get_model" in missing:
            raise LoadError(f"'{self.path}' is not a model compiled by onnx-compile: "
                            "it exports no onnxc_get_model")
        desc = lib.onnxc_get_model()
        if not desc:
            raise LoadError(f"'{self.path}': onnxc_get_model() returned NULL")
        # The version comes first in every layout; read it before the rest.
        version = ctypes.cast(desc, ctypes.POINTER(ctypes.c_uint32)).contents.value
        if version not in _capi.SUPPORTED_ABI_VERSIONS:
            raise LoadError(
                f"'{self.path}' was built by an incompatible onnx-compile: its model descriptor "
                f"has ABI version {version}, this onnxc package reads versions "
                f"{', '.join(map(str, _capi.SUPPORTED_ABI_VERSIONS))}; use the onnxc package "
                "of the onnx-compile that built it, or recompile the model")
        if missing:
            raise LoadError(f"'{self.path}' exports onnxc_get_model but not "
                            f"{', '.join(missing)}: not a library written by onnx-compile")
        self._lib = lib
        self._desc = ctypes.cast(desc, ctypes.POINTER(_capi.MODEL_DESCS[version])).contents
        self.abi_version = version
        self.external_weights = None
        self.weights_path = None
        if version >= 2 and self._desc.weights:
            self.external_weights = self._desc.weights.contents.file_name.decode()
        self.name = self._desc.name.decode() if self._desc.name else ""
        self.inputs = _tensor_infos(self.path, lib, self._desc.inputs, self._desc.num_inputs)
        self.outputs = _tensor_infos(self.path, lib, self._desc.outputs, self._desc.num_outputs)
        self.workspace_bytes = self._desc.workspace_bytes
        # "cpu", or "cuda" for a model compiled with --target=cuda (its
        # session runs on CUDA device 0; arrays stay numpy arrays, copied
        # to the device and back by each run).
        self.device = ("cuda" if getattr(self._desc, "device", _capi.DEVICE_CPU)
                       == _capi.DEVICE_CUDA else "cpu")
        # As the runtime decides it: the flag, or the shapes.
        self.dynamic = bool(getattr(self._desc, "flags", 0) & _capi.MODEL_DYNAMIC) or any(
            t.dynamic for t in self.inputs + self.outputs)
        if self.dynamic and not hasattr(lib, "onnxc_run_alloc"):
            raise LoadError(f"'{self.path}' has dims known only at run time but does not "
                            "export onnxc_run_alloc: not a library written by onnx-compile")
        self._input_index = {t.name: i for i, t in enumerate(self.inputs)}
        self._lock = threading.Lock()
        session = ctypes.c_void_p()
        if weights is not None and self.external_weights is None:
            raise ValueError(f"'{self.path}' has its weights embedded; weights= is for a model "
                             "compiled with --weights=external")
        with _weights_lock:
            key = ctypes.addressof(self._desc)
            mapped = _mapped_weights.get(key)
            if weights is None:
                self._check_weights(lib.onnxc_session_create(ctypes.byref(self._desc), None,
                                                             ctypes.byref(session)), None)
            else:
                given = os.path.abspath(os.fspath(weights))
                if mapped and not _same_file(mapped[0], given):
                    raise ValueError(
                        f"'{self.path}' already has its weights mapped from '{mapped[0]}' by "
                        "another open Model (a process maps them once for all the library's "
                        f"sessions); weights='{given}' cannot replace them: pass that file, or "
                        "close the other Models of this library first")
                self._check_weights(lib.onnxc_weights_load(ctypes.byref(self._desc),
                                                           os.fsencode(given)), given)
                # The session takes its own reference to the mapping.
                try:
                    self._check(lib.onnxc_session_create(ctypes.byref(self._desc), None,
                                                         ctypes.byref(session)))
                finally:
                    lib.onnxc_weights_release(ctypes.byref(self._desc))
            if self.external_weights is not None:
                if mapped:
                    mapped[1] += 1
                else:
                    # Where the runtime looked: beside the library as dlopen
                    # named it (the absolute path given to it), or the path.
                    mapped = _mapped_weights[key] = [
                        given if weights is not None else os.path.join(
                            os.path.dirname(os.path.abspath(self.path)), self.external_weights),
                        1]
                self.weights_path = mapped[0]
                self._weights_key = key
        self._session = session
        if _default_threads is not None:
            self.set_num_threads(_default_threads)
        _live_models.add(self)

    def _check_weights(self, status, given):
        """_check() for the calls that map the weights: the runtime's advice
        on a missing file is for C callers, so a WeightsError says instead
        what to do from Python, and that the file came from weights= when
        `given` is its path."""
        if not status:
            return
        error = status_error(status, self._lib.onnxc_last_error().decode(errors="replace"))
        if not isinstance(error, WeightsError):
            raise error
        reason = _RUNTIME_WEIGHTS_HINT.sub("", str(error))
        if given is None:
            advice = (f" (the model was compiled with --weights=external: keep "
                      f"{self.external_weights} beside the library, or give its path with "
                      "onnxc.load(..., weights=PATH))")
        else:
            advice = (f"; weights file given with weights=: pass the {self.external_weights} "
                      "that onnx-compile wrote with this library, or leave weights= out to map "
                      "the one beside the library")
        raise status_error(status, reason + advice) from None

    # --- running ------------------------------------------------------------

    def run(self, inputs):
        """Runs the model on `inputs`: a dict input name -> array, or a
        list of arrays in the order of `inputs`. Arrays are numpy arrays (or
        anything np.asarray takes) of each input's dtype and shape (any
        size at a dim that is None, the same for the dims of one name);
        non-contiguous ones are copied to C order, and none is cast to
        another element type. Returns a dict output name -> a new array,
        in the order of `outputs`, each of the shape this run gave it.

        Raises ValueError for a missing or unknown input name or a wrong
        count; ShapeMismatchError / TypeMismatchError (the runtime's
        message, naming the input) for a wrong shape or element type, and
        ShapeMismatchError for a run-time check of the model that failed."""
        arrays = self._arrays(inputs)
        results = self._run(arrays, [self._input_code(i, a) for i, a in enumerate(arrays)])
        return {t.name: r for t, r in zip(self.outputs, results)}

    def _arrays(self, inputs):
        """The input arrays in the model's order, C-contiguous, native byte
        order, element types untouched."""
        names = [t.name for t in self.inputs]
        if isinstance(inputs, dict):
            missing = [n for n in names if n not in inputs]
            unknown = [n for n in inputs if n not in self._input_index]
            if missing or unknown:
                problems = ([f"missing {missing}"] if missing else []) + \
                    ([f"unknown {unknown}"] if unknown else [])
                raise ValueError(f"model '{self.name}': inputs {', '.join(problems)}; "
                                 f"it takes {self._signature(self.inputs)}")
            inputs = [inputs[n] for n in names]
        elif isinstance(inputs, (list, tuple)):
            if len(inputs) != len(names):
                raise ValueError(f"model '{self.name}': {len(inputs)} input"
                                 f"{'' if len(inputs) == 1 else 's'} given, it takes "
                                 f"{len(names)}: {self._signature(self.inputs)}")
        else:
            raise TypeError(f"model '{self.name}': run() takes a dict of input name -> array "
                            f"or a list of arrays, not {type(inputs).__name__}")
        arrays = []
        for a in inputs:
            a = np.asarray(a, order="C")  # keeps rank 0, unlike ascontiguousarray
            if not a.dtype.isnative:
                a = a.astype(a.dtype.newbyteorder("="))
            arrays.append(a)
        return arrays

    def _input_code(self, index, array):
        """The element type code to report for `array` as input `index`
        (the runtime compares it with the declared one)."""
        declared = self.inputs[index].elem_type if index < len(self.inputs) else None
        code = _capi.code_of(array.dtype, declared)
        if code is None:
            name = self.inputs[index].name if declared is not None else str(index)
            want = self.inputs[index].type_name if declared is not None else "?"
            raise TypeMismatchError(3, f"input '{name}': expected element type {want}, "
                                       f"got numpy {array.dtype}, which has no ONNX element type")
        return code

    def _run(self, arrays, codes):
        """Runs on C-contiguous `arrays` reported with element type
        `codes`; returns the outputs as new arrays, in order."""
        keep = []
        inputs = (_capi.Tensor * max(len(arrays), 1))()
        for i, (a, code) in enumerate(zip(arrays, codes)):
            inputs[i], shape = _capi.tensor(a, code)
            keep.append(shape)
        if self.dynamic:
            return self._run_alloc(inputs, len(arrays))
        results = [np.empty(t.shape, t.dtype) for t in self.outputs]
        outputs = (_capi.Tensor * max(len(results), 1))()
        for i, (r, t) in enumerate(zip(results, self.outputs)):
            outputs[i], shape = _capi.tensor(r, t.elem_type)
            keep.append(shape)
        with self._lock:
            session = self._open_session()
            self._check(self._lib.onnxc_run(session, inputs, len(arrays), outputs, len(results)))
        return results

    def _run_alloc(self, inputs, count):
        """onnxc_run_alloc: the runtime allocates the outputs with the
        shapes of the run; each is copied into a new array and freed."""
        n = len(self.outputs)
        outputs = (_capi.Tensor * max(n, 1))()
        with self._lock:
            session = self._open_session()
            self._check(self._lib.onnxc_run_alloc(session, inputs, count, outputs, n))
            # The shapes live in the session until its next run: read them
            # under the lock.
            results = []
            try:
                for t, info in zip(outputs[:n], self.outputs):
                    r = np.empty(tuple(t.shape[k] for k in range(t.rank)), info.dtype)
                    if r.nbytes:
                        ctypes.memmove(r.ctypes.data, t.data, r.nbytes)
                    results.append(r)
            finally:
                for t in outputs[:n]:
                    self._lib.onnxc_free(t.data)
        return results

    def _open_session(self):
        if not self._session:
            raise ValueError(f"model '{self.name}' ({self.path}) is closed")
        return self._session

    def _check(self, status):
        if status:
            raise status_error(status, self._lib.onnxc_last_error().decode(errors="replace"))

    # --- threads ------------------------------------------------------------

    def set_num_threads(self, n):
        """Threads that each run uses (the calling thread included): n >= 1,
        or 0 for the runtime's default ($ONNXC_NUM_THREADS, else the online
        CPUs). Every .so has its own copy of the runtime, so this applies to
        this library (and any other Model of the same file), not to other
        models."""
        self._lib.onnxc_set_num_threads(_thread_count(n))

    @property
    def num_threads(self):
        """Threads that each run of this library uses."""
        return self._lib.onnxc_get_num_threads()

    # --- lifetime -----------------------------------------------------------

    def close(self):
        """Destroys the session (and frees the workspace); later runs raise
        ValueError. Closing twice is harmless."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ failed before the session existed
            return
        with lock:
            if self._session:
                self._lib.onnxc_session_destroy(self._session)
                self._session = None
                if self._weights_key is not None:
                    with _weights_lock:
                        mapped = _mapped_weights.get(self._weights_key)
                        if mapped:
                            mapped[1] -= 1
                            if mapped[1] == 0:
                                del _mapped_weights[self._weights_key]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown may have torn ctypes down
            pass

    @staticmethod
    def _signature(tensors):
        return ", ".join(f"{t.name}: {t.type_name}[{t.dims_text()}]" for t in tensors)

    def __repr__(self):
        state = "" if self._session else ", closed"
        return (f"<onnxc.Model '{self.name}' from {self.path}: ({self._signature(self.inputs)}) -> "
                f"({self._signature(self.outputs)}){state}>")


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a == b


def _thread_count(n):
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 0:
        raise ValueError(f"thread count must be an integer >= 0 (0: the default), got {n!r}")
    return int(n)


def set_num_threads(n):
    """set_num_threads(n) on every Model alive and every Model loaded
    later (each .so has its own copy of the runtime and its thread count).
    n >= 1, or 0 for the runtime's default ($ONNXC_NUM_THREADS, else the
    online CPUs)."""
    global _default_threads
    _default_threads = _thread_count(n)
    for model in list(_live_models):
        model.set_num_threads(n)
