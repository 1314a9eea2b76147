"""The interface the tests and utils/bench have used since before the onnxc
package: a model compiled by onnx-compile into a shared library, run
through the runtime's generic C API. A thin layer over the onnxc package
(python/onnxc), imported from this checkout so that nothing needs
installing.

    model = CompiledModel("model.so")
    outputs = model.run({"image": array})   # list of numpy arrays, in order

Differences from onnxc.Model kept for its callers: inputs and outputs are
(name, element type code, shape) tuples, run() returns a list and takes
`dtype_codes`, runtime errors are RuntimeError_ (a RuntimeError), and
lib / session / _tensor / _input_code / _check are what utils/bench's
preallocated runs call (static models only: a model with dims known only
at run time, None in its shapes, runs through run(), whose outputs have the
run's shapes).
"""
import os
import sys

_PYTHON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python")
if os.path.normpath(_PYTHON) not in map(os.path.normpath, sys.path):
    sys.path.insert(0, _PYTHON)

import onnxc  # noqa: E402
from onnxc import _capi  # noqa: E402

DTYPES = {code: dtype.type for code, dtype in _capi.DTYPES.items()}
TensorDesc, ModelDesc, Tensor = _capi.TensorDesc, _capi.ModelDesc, _capi.Tensor


class RuntimeError_(RuntimeError):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class CompiledModel:
    def __init__(self, path):
        try:
            self.model = onnxc.load(path)
        except onnxc.StatusError as e:
            raise RuntimeError_(e.status, str(e)) from None
        self.lib = self.model._lib
        self.desc = self.model._desc
        self.session = self.model._session
        self.inputs = [(t.name, t.elem_type, t.shape) for t in self.model.inputs]
        self.outputs = [(t.name, t.elem_type, t.shape) for t in self.model.outputs]
        self.workspace_bytes = self.model.workspace_bytes

    def _check(self, status):
        if status:
            raise RuntimeError_(status, self.lib.onnxc_last_error().decode())

    _tensor = staticmethod(_capi.tensor)

    def _input_code(self, index, array):
        """The element type to report for `array` as input `index`: the
        declared one when the array holds it (bfloat16 arrives as uint16 bit
        patterns), else the array's own, for the runtime to reject."""
        try:
            return self.model._input_code(index, array)
        except onnxc.StatusError as e:
            raise RuntimeError_(e.status, str(e)) from None

    def run(self, feeds, dtype_codes=None):
        """Runs with `feeds` (name -> array, in any order, or a list in the
        model's order); `dtype_codes` overrides the element type reported
        for each input (to test the runtime's checks). Returns the outputs
        in order."""
        try:
            arrays = self.model._arrays(feeds)
            codes = dtype_codes or [self.model._input_code(i, a) for i, a in enumerate(arrays)]
            return self.model._run(arrays, codes)
        except onnxc.StatusError as e:
            raise RuntimeError_(e.status, str(e)) from None
