"""onnxc.compile(): runs the onnx-compile CLI."""
import errno
import numbers
import os
import shutil
import subprocess
import sys

from .errors import CompileError, CompilerNotFoundError

COMPILER_ENV = "ONNXC_COMPILE"


def find_compiler(compiler=None):
    """The onnx-compile to run: `compiler` if given, else $ONNXC_COMPILE,
    else onnx-compile on PATH. Raises CompilerNotFoundError saying how to
    name one when there is none, or when the one named is not an
    executable file."""
    if compiler is None:
        compiler, origin = os.environ.get(COMPILER_ENV) or None, f"${COMPILER_ENV}"
    else:
        origin = "compiler="
    if compiler is None:
        found = shutil.which("onnx-compile")
        if found:
            return found
        raise CompilerNotFoundError(
            "onnx-compile not found on PATH; pass compiler='/path/to/onnx-compile' to "
            f"onnxc.compile(), set {COMPILER_ENV}=/path/to/onnx-compile, or add its folder to "
            "PATH (a build tree has it in build/bin, an install in PREFIX/bin)")
    compiler = os.fspath(compiler)
    # A bare name is looked up on PATH, as a shell would.
    found = shutil.which(compiler) if os.sep not in compiler else (
        compiler if os.path.isfile(compiler) and os.access(compiler, os.X_OK) else None)
    if not found:
        raise CompilerNotFoundError(
            f"onnx-compile given by {origin} ('{compiler}') is not an executable file; "
            "point it at build/bin/onnx-compile of a build tree or PREFIX/bin/onnx-compile "
            "of an install")
    return found


def _flag_value(option, value):
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"onnxc.compile(): {option} must be a string, got {type(value).__name__}")
    return os.fspath(value)


def _shape_flags(input_shapes):
    if not hasattr(input_shapes, "items"):
        raise TypeError("onnxc.compile(): input_shapes must be a dict of input name -> shape, "
                        f"got {type(input_shapes).__name__}")
    flags = []
    for name, shape in input_shapes.items():
        if isinstance(shape, str):
            dims = shape
        else:
            try:
                shape = tuple(shape)
            except TypeError:
                raise TypeError(f"onnxc.compile(): input_shapes['{name}'] must be a sequence of "
                                f"dims, got {type(shape).__name__}") from None
            if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 0
                       for d in shape):
                raise ValueError(f"onnxc.compile(): input_shapes['{name}'] must hold "
                                 f"non-negative integers, got {shape}")
            dims = "x".join(str(int(d)) for d in shape)
        flags.append(f"--input-shape={name}={dims}")
    return flags


def compile(model, output, *, compiler=None, cpu=None, name=None, input_shapes=None,
            weights=None, triple=None, opt_level=None, emit=None, disable_passes=None,
            runtime_lib=None, extra_args=()):
    """Compiles the ONNX file `model` into `output` with onnx-compile and
    returns `output`. The artifact follows `output`'s extension: `.so` (what
    onnxc.load() takes), `.a` or `.o` (with a C header beside it), `.mlir`,
    `.ll`, ...

    Options (each maps to one flag; see docs/user-guide.md):
      cpu="x86-64-v3"                  --cpu=x86-64-v3 (default: the host's)
      name="net"                       --name=net (symbol prefix)
      input_shapes={"x": (1, 3, 224, 224)}   --input-shape=x=1x3x224x224 per input
      weights="external"               --weights=external
      triple="aarch64-linux-gnu"       --triple=aarch64-linux-gnu
      opt_level=2                      -O2
      emit="lib"                       --emit=lib
      disable_passes=["onnxc-x", ...]  --disable-pass=onnxc-x,...
      runtime_lib="libonnxc_runtime.a" --runtime-lib=...
      extra_args=["--flag", ...]       appended as they are
    The thread count is not a compile option: see Model.set_num_threads().

    `compiler` names the onnx-compile to run; by default $ONNXC_COMPILE,
    else onnx-compile on PATH (CompilerNotFoundError when none).

    Raises CompileError, with onnx-compile's diagnostics as the message and
    in `.stderr`, when it fails; FileNotFoundError when `model` does not
    exist; TypeError or ValueError for an ill-typed option. The compiler's
    warnings, if any, go to sys.stderr.
    """
    model, output = os.fspath(model), os.fspath(output)
    if not os.path.isfile(model):
        raise FileNotFoundError(errno.ENOENT, "ONNX model not found", model)
    command = [find_compiler(compiler), model, "-o", output]
    for option, flag, value in (("cpu", "--cpu", cpu), ("name", "--name", name),
                                ("weights", "--weights", weights),
                                ("triple", "--triple", triple), ("emit", "--emit", emit),
                                ("runtime_lib", "--runtime-lib", runtime_lib)):
        if value is not None:
            command.append(f"{flag}={_flag_value(option, value)}")
    if input_shapes is not None:
        command += _shape_flags(input_shapes)
    if opt_level is not None:
        if not isinstance(opt_level, numbers.Integral) or isinstance(opt_level, bool) \
                or not 0 <= opt_level <= 3:
            raise ValueError(f"onnxc.compile(): opt_level must be 0, 1, 2 or 3, got {opt_level!r}")
        command.append(f"-O{int(opt_level)}")
    if disable_passes is not None:
        passes = [disable_passes] if isinstance(disable_passes, str) else list(disable_passes)
        command.append("--disable-pass=" + ",".join(_flag_value("disable_passes", p)
                                                    for p in passes))
    if isinstance(extra_args, (str, bytes)):
        raise TypeError("onnxc.compile(): extra_args must be a list of arguments, "
                        f"not a string: extra_args=[{extra_args!r}]")
    command += [_flag_value("extra_args", a) for a in extra_args]

    done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if done.returncode:
        stderr = done.stderr.strip()
        if done.returncode < 0:
            message = (f"onnx-compile was killed by signal {-done.returncode} compiling {model}"
                       + (f":\n{stderr}" if stderr else ""))
        else:
            message = stderr or f"onnx-compile exited with status {done.returncode} " \
                                f"compiling {model}, and printed nothing"
        raise CompileError(message, done.stderr, done.returncode, command)
    if done.stderr:
        sys.stderr.write(done.stderr)
    return output
