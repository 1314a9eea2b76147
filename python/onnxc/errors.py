"""The exceptions of the onnxc package.

    Error                                   every error of this package
    ├── CompilerNotFoundError (FileNotFoundError)   no onnx-compile to run
    ├── CompileError                        onnx-compile failed; .stderr
    ├── LoadError (OSError)                 not a loadable onnx-compile model
    └── StatusError                         a runtime call failed; .status
        ├── InvalidArgumentError (ValueError)
        ├── ShapeMismatchError (ValueError)
        ├── TypeMismatchError (TypeError)
        ├── OutOfMemoryError (MemoryError)
        ├── ABIMismatchError
        └── WeightsError                    external weights file missing or wrong

Each also derives from the builtin in parentheses, so that code which
catches, say, TypeError around a run sees a wrong element type.
"""


class Error(Exception):
    """Base class of the errors raised by onnxc."""


class CompilerNotFoundError(Error, FileNotFoundError):
    """No onnx-compile executable was found (or the one named is not one)."""


class CompileError(Error):
    """onnx-compile failed. The message is its diagnostics, which name the
    model, the node and the op; `stderr`, `returncode` and `command` (the
    argument list run) are kept as attributes."""

    def __init__(self, message, stderr="", returncode=None, command=()):
        super().__init__(message)
        self.stderr = stderr
        self.returncode = returncode
        self.command = list(command)


class LoadError(Error, OSError):
    """A file that is not a shared library (an archive, an object, not ELF),
    a library of another architecture than this process's (compiled with
    --triple), one that cannot be loaded, is not a model compiled by
    onnx-compile, or was built by an incompatible onnx-compile."""


class StatusError(Error):
    """A call into the model's runtime returned an error status. `status`
    is the onnxc_status code, `status_name` its name; the message is the
    runtime's own (onnxc_last_error()), which names the tensor at fault."""

    STATUS_NAMES = {1: "ONNXC_ERROR_INVALID_ARGUMENT", 2: "ONNXC_ERROR_SHAPE_MISMATCH",
                    3: "ONNXC_ERROR_TYPE_MISMATCH", 4: "ONNXC_ERROR_OUT_OF_MEMORY",
                    5: "ONNXC_ERROR_ABI_MISMATCH", 6: "ONNXC_ERROR_WEIGHTS",
                    7: "ONNXC_ERROR_DEVICE"}

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.status_name = self.STATUS_NAMES.get(status, f"status {status}")


class InvalidArgumentError(StatusError, ValueError):
    """ONNXC_ERROR_INVALID_ARGUMENT: a null pointer, a wrong count."""


class ShapeMismatchError(StatusError, ValueError):
    """ONNXC_ERROR_SHAPE_MISMATCH: a tensor of the wrong rank or dims."""


class TypeMismatchError(StatusError, TypeError):
    """ONNXC_ERROR_TYPE_MISMATCH: a tensor of the wrong element type."""


class OutOfMemoryError(StatusError, MemoryError):
    """ONNXC_ERROR_OUT_OF_MEMORY: the session's workspace or the weights
    could not be allocated."""


class ABIMismatchError(StatusError):
    """ONNXC_ERROR_ABI_MISMATCH: the descriptor and the runtime disagree."""


class WeightsError(StatusError):
    """ONNXC_ERROR_WEIGHTS: the weights file of a model compiled with
    --weights=external is missing, unreadable, truncated or not the one
    the model was compiled with (raised when the session is created)."""


class DeviceError(StatusError):
    """ONNXC_ERROR_DEVICE: a model compiled with --target=cuda found no
    usable CUDA driver or device (raised when the session is created: no
    libcuda.so.1, a driver too old for its PTX, a GPU older than its
    --gpu-arch), ran out of device memory, or the driver failed a run."""


_BY_STATUS = {1: InvalidArgumentError, 2: ShapeMismatchError, 3: TypeMismatchError,
              4: OutOfMemoryError, 5: ABIMismatchError, 6: WeightsError, 7: DeviceError}


def status_error(status, message):
    """The exception for runtime `status` with `message`."""
    return _BY_STATUS.get(status, StatusError)(status, message)
