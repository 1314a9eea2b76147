# The onnxc Python package (python/onnxc) on small models generated here:
# compile() options reach the CLI (a stand-in compiler records its argv;
# the real one proves name= and input_shapes=), compiler lookup order,
# metadata, runs with a dict and a list over several element types,
# non-contiguous inputs, fresh outputs, dims known only at run time (None
# in the metadata, any size, outputs of the run's shape, same-name dims and
# run-time checks), threads, close(), and every error a
# user can hit: wrong shape / dtype / names / count, unknown option,
# a missing external weights file (weights="external" runs like embedded),
# compile failure, missing compiler, files that are not models.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %s %t %onnxc_src onnx-compile | FileCheck %s
import os
import shutil
import stat
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

workdir, src, compiler = sys.argv[1:4]
sys.path.insert(0, os.path.join(src, "python"))
sys.path.insert(0, os.path.join(src, "utils"))
import onnxc  # noqa: E402
from e2e import bfloat16, bfloat16_to_float  # noqa: E402


def save(name, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    return path


def expect(exception, function, *args, **kwargs):
    """Calls function; prints and returns the `exception` it must raise."""
    try:
        function(*args, **kwargs)
    except exception as e:
        print(f"{type(e).__name__}: {e}")
        return e
    raise AssertionError(f"{function.__name__} raised no {exception.__name__}")


def info(t):
    return f"{t.name} {t.type_name} {t.dtype} {t.shape}"


# --- compile() builds the command line ---------------------------------------

fake = os.path.join(workdir, "fake-compile")
with open(fake, "w") as f:
    f.write('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/argv.txt"\n')
os.chmod(fake, os.stat(fake).st_mode | stat.S_IXUSR)
pair = save("pair", [helper.make_node("Add", ["a", "b"], ["sum"]),
                     helper.make_node("Mul", ["a", "b"], ["product"])],
            [helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3]),
             helper.make_tensor_value_info("b", TensorProto.FLOAT, [2, 3])],
            [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2, 3]),
             helper.make_tensor_value_info("product", TensorProto.FLOAT, [2, 3])])


def argv():
    with open(os.path.join(workdir, "argv.txt")) as f:
        return " ".join(f.read().split("\n")[1:]).strip()


assert onnxc.compile(pair, "out.so", compiler=fake, cpu="x86-64-v3", name="net",
                     input_shapes={"a": (2, 3), "b": "2x3"}, weights="external",
                     triple="x86_64-linux-gnu", opt_level=2, emit="shared",
                     disable_passes=["onnxc-a", "onnxc-b"], runtime_lib="rt.a",
                     extra_args=["--stats"]) == "out.so"
print("argv:", argv())
# CHECK: argv: -o out.so --cpu=x86-64-v3 --name=net --weights=external --triple=x86_64-linux-gnu --emit=shared --runtime-lib=rt.a --input-shape=a=2x3 --input-shape=b=2x3 -O2 --disable-pass=onnxc-a,onnxc-b --stats
expect(TypeError, onnxc.compile, pair, "out.so", compiler=fake, threads=2)
# CHECK: TypeError: {{.*}}unexpected keyword argument 'threads'
expect(TypeError, onnxc.compile, pair, "out.so", compiler=fake, extra_args="--stats")
# CHECK: TypeError: onnxc.compile(): extra_args must be a list of arguments, not a string: extra_args=['--stats']
expect(ValueError, onnxc.compile, pair, "out.so", compiler=fake, input_shapes={"a": (2, -1)})
# CHECK: ValueError: onnxc.compile(): input_shapes['a'] must hold non-negative integers, got (2, -1)
expect(ValueError, onnxc.compile, pair, "out.so", compiler=fake, opt_level=4)
# CHECK: ValueError: onnxc.compile(): opt_level must be 0, 1, 2 or 3, got 4
expect(FileNotFoundError, onnxc.compile, os.path.join(workdir, "none.onnx"), "out.so",
       compiler=fake)
# CHECK: FileNotFoundError: [Errno 2] ONNX model not found: '{{.*}}none.onnx'

# Lookup: compiler= first, then $ONNXC_COMPILE, then PATH.
fake_dir = os.path.join(workdir, "bin")
os.makedirs(fake_dir)
os.symlink(fake, os.path.join(fake_dir, "onnx-compile"))
saved_path = os.environ["PATH"]
os.environ["PATH"] = fake_dir + os.pathsep + saved_path
os.environ.pop("ONNXC_COMPILE", None)
assert onnxc.find_compiler() == os.path.join(fake_dir, "onnx-compile")
os.environ["ONNXC_COMPILE"] = compiler
assert onnxc.find_compiler() == compiler
assert onnxc.find_compiler(fake) == fake
os.environ["ONNXC_COMPILE"] = os.path.join(workdir, "nothing")
expect(onnxc.CompilerNotFoundError, onnxc.compile, pair, "out.so")
# CHECK: CompilerNotFoundError: onnx-compile given by $ONNXC_COMPILE ('{{.*}}nothing') is not an executable file
del os.environ["ONNXC_COMPILE"]
os.environ["PATH"] = workdir
e = expect(onnxc.CompilerNotFoundError, onnxc.compile, pair, "out.so")
# CHECK: CompilerNotFoundError: onnx-compile not found on PATH; pass compiler='/path/to/onnx-compile' to onnxc.compile(), set ONNXC_COMPILE=/path/to/onnx-compile, or add its folder to PATH
assert isinstance(e, FileNotFoundError) and isinstance(e, onnxc.Error)
os.environ["PATH"] = saved_path

# --- a real compile, metadata, runs -------------------------------------------

os.environ["ONNXC_COMPILE"] = compiler
library = onnxc.compile(pair, os.path.join(workdir, "pair.so"), name="net", cpu="x86-64-v2")
with onnxc.load(library) as m:
    print("model:", m.name, m.abi_version == 4, m.dynamic, [info(t) for t in m.inputs],
          [info(t) for t in m.outputs])
    # CHECK: model: net True False ['a float32 float32 (2, 3)', 'b float32 float32 (2, 3)'] ['sum float32 float32 (2, 3)', 'product float32 float32 (2, 3)']
    print(repr(m))
    # CHECK: <onnxc.Model 'net' from {{.*}}pair.so: (a: float32[2,3], b: float32[2,3]) -> (sum: float32[2,3], product: float32[2,3])>
    assert m.workspace_bytes >= 0
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(6, dtype=np.float32)[::-1].reshape(3, 2).T  # not contiguous
    assert not b.flags.c_contiguous
    out = m.run({"b": b, "a": a})
    assert list(out) == ["sum", "product"]
    assert np.array_equal(out["sum"], a + b) and np.array_equal(out["product"], a * b)
    again = m.run([a, b])
    assert np.array_equal(again["sum"], a + b)
    assert not np.shares_memory(again["sum"], out["sum"]), "outputs must be fresh arrays"
    big_endian = a.astype(">f4")
    assert np.array_equal(m.run([big_endian, b])["sum"], a + b)

    # Errors: the runtime's messages name the input.
    e = expect(onnxc.ShapeMismatchError, m.run, {"a": a.T, "b": b})
    # CHECK: ShapeMismatchError: input 'a': expected shape [2,3] (float32), got [3,2]
    assert e.status == 2 and e.status_name == "ONNXC_ERROR_SHAPE_MISMATCH"
    assert isinstance(e, ValueError)
    e = expect(onnxc.TypeMismatchError, m.run, {"a": a, "b": b.astype(np.float64)})
    # CHECK: TypeMismatchError: input 'b': expected element type float32, got float64
    assert e.status == 3 and isinstance(e, TypeError)
    expect(onnxc.TypeMismatchError, m.run, {"a": a, "b": b.astype(np.complex64)})
    # CHECK: TypeMismatchError: input 'b': expected element type float32, got numpy complex64, which has no ONNX element type
    expect(ValueError, m.run, {"a": a})
    # CHECK: ValueError: model 'net': inputs missing ['b']; it takes a: float32[2,3], b: float32[2,3]
    expect(ValueError, m.run, {"a": a, "b": b, "c": a})
    # CHECK: ValueError: model 'net': inputs unknown ['c']; it takes a: float32[2,3], b: float32[2,3]
    expect(ValueError, m.run, [a])
    # CHECK: ValueError: model 'net': 1 input given, it takes 2: a: float32[2,3], b: float32[2,3]
    expect(TypeError, m.run, a)
    # CHECK: TypeError: model 'net': run() takes a dict of input name -> array or a list of arrays, not ndarray

    # Threads: each library has its own runtime; onnxc.set_num_threads
    # reaches every model alive and those loaded later.
    m.set_num_threads(1)
    assert m.num_threads == 1
    onnxc.set_num_threads(2)
    assert m.num_threads == 2
    expect(ValueError, m.set_num_threads, -1)
    # CHECK: ValueError: thread count must be an integer >= 0 (0: the default), got -1
expect(ValueError, m.run, [a, b])
# CHECK: ValueError: model 'net' ({{.*}}pair.so) is closed
m.close()

# --- element types, a scalar, a dynamic dim fixed by input_shapes ----------

types = [("f64", TensorProto.DOUBLE, "Neg"), ("f16", TensorProto.FLOAT16, "Neg"),
         ("bf16", TensorProto.BFLOAT16, "Neg"), ("i64", TensorProto.INT64, "Neg"),
         ("i32", TensorProto.INT32, "Neg"), ("i8", TensorProto.INT8, "Neg"),
         ("u8", TensorProto.UINT8, "Identity"), ("flag", TensorProto.BOOL, "Not")]
typed = save("typed",
             [helper.make_node(op, [n], [n + "_out"]) for n, _, op in types] +
             [helper.make_node("Mul", ["scale", "dyn"], ["scaled"])],
             [helper.make_tensor_value_info(n, t, [2]) for n, t, _ in types] +
             [helper.make_tensor_value_info("scale", TensorProto.FLOAT, []),
              helper.make_tensor_value_info("dyn", TensorProto.FLOAT, ["N", 2])],
             [helper.make_tensor_value_info(n + "_out", t, [2]) for n, t, _ in types] +
             [helper.make_tensor_value_info("scaled", TensorProto.FLOAT, ["N", 2])])
onnxc.set_num_threads(0)
m = onnxc.load(onnxc.compile(typed, os.path.join(workdir, "typed.so"),
                             input_shapes={"dyn": (3, 2)}))
print("typed:", [info(t) for t in m.inputs[-3:]], [info(t) for t in m.outputs[-2:]])
# CHECK: typed: ['flag bool bool (2,)', 'scale float32 float32 ()', 'dyn float32 float32 (3, 2)'] ['flag_out bool bool (2,)', 'scaled float32 float32 (3, 2)']
print("bf16:", info(m.inputs[2]))
# CHECK: bf16: bf16 bfloat16 uint16 (2,)
feeds = {"f64": np.array([1.5, -2], np.float64), "f16": np.array([0.5, 3], np.float16),
         "bf16": bfloat16([1.25, -8]), "i64": np.array([2**40, -3], np.int64),
         "i32": np.array([7, -9], np.int32), "i8": np.array([-128 + 1, 100], np.int8),
         "u8": np.array([0, 255], np.uint8), "flag": np.array([True, False]),
         "scale": np.float32(2), "dyn": np.ones((3, 2), np.float32)}
out = m.run(feeds)
for name, _, op in types:
    got, given = out[name + "_out"], feeds[name]
    assert got.dtype == m.outputs[[t.name for t in m.outputs].index(name + "_out")].dtype
    if name == "bf16":
        assert np.array_equal(bfloat16_to_float(got), -bfloat16_to_float(given)), got
    else:
        want = {"Neg": lambda v: -v, "Identity": lambda v: v, "Not": np.logical_not}[op](given)
        assert np.array_equal(got, want) and got.dtype == given.dtype, (name, got)
assert np.array_equal(out["scaled"], np.full((3, 2), 2, np.float32))
expect(onnxc.TypeMismatchError, m.run, {**feeds, "scale": 2.0})
# CHECK: TypeMismatchError: input 'scale': expected element type float32, got float64
expect(onnxc.TypeMismatchError, m.run, {**feeds, "bf16": np.float32([1, 2])})
# CHECK: TypeMismatchError: input 'bf16': expected element type bfloat16, got float32
expect(onnxc.ShapeMismatchError, m.run, {**feeds, "dyn": np.ones((4, 2), np.float32)})
# CHECK: ShapeMismatchError: input 'dyn': expected shape [3,2] (float32), got [4,2]
del m  # the session goes with the last reference

# --- dims known only at run time ----------------------------------------------

# masked = float(ids) * mask over [batch, seq]; total = masked + bias over
# [seq] broadcast, checked at run time against bias: [width].
symbolic = save("symbolic",
                [helper.make_node("Cast", ["ids"], ["f"], to=TensorProto.FLOAT),
                 helper.make_node("Mul", ["f", "mask"], ["masked"]),
                 helper.make_node("Add", ["masked", "bias"], ["biased"])],
                [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "seq"]),
                 helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "seq"]),
                 helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["width"])],
                [helper.make_tensor_value_info("masked", TensorProto.FLOAT, ["batch", "seq"]),
                 helper.make_tensor_value_info("biased", TensorProto.FLOAT, ["batch", "seq"])])
with onnxc.load(onnxc.compile(symbolic, os.path.join(workdir, "symbolic.so"))) as m:
    print("symbolic:", m.dynamic, m.inputs[0], m.inputs[0].size, m.outputs[1].dim_params)
    # CHECK: symbolic: True TensorInfo(name='ids', dtype=int64, shape=(None, None), dim_params=('batch', 'seq')) None ('batch', 'seq')
    print(repr(m))
    # CHECK: <onnxc.Model 'symbolic' from {{.*}}symbolic.so: (ids: int64[batch,seq], mask: float32[batch,seq], bias: float32[width]) -> (masked: float32[batch,seq], biased: float32[batch,seq])>
    for batch, seq in ((1, 7), (3, 2), (0, 4)):
        ids = np.arange(batch * seq, dtype=np.int64).reshape(batch, seq)
        mask = (ids % 2).astype(np.float32)
        bias = np.arange(seq, dtype=np.float32)
        out = m.run({"ids": ids, "mask": mask, "bias": bias})
        assert out["masked"].shape == (batch, seq) and out["masked"].dtype == np.float32
        assert np.array_equal(out["masked"], ids * mask), out
        assert np.array_equal(out["biased"], ids * mask + bias), out
    ids, mask = np.ones((2, 3), np.int64), np.ones((2, 3), np.float32)
    expect(onnxc.ShapeMismatchError, m.run, [ids, np.ones((2, 4), np.float32), np.ones(3, np.float32)])
    # CHECK: ShapeMismatchError: input 'mask' dim 1 ('seq') is 4 but input 'ids' dim 1 ('seq') is 3
    expect(onnxc.ShapeMismatchError, m.run, [ids, mask, np.ones((1, 3), np.float32)])
    # CHECK: ShapeMismatchError: input 'bias': expected shape [width] (float32), got [1,3]
    # width and seq differ: the compiled code's check fails, the run
    # returns its message, and the Model runs again.
    e = expect(onnxc.ShapeMismatchError, m.run, [ids, mask, np.ones(5, np.float32)])
    # CHECK: ShapeMismatchError: node '{{.*}}' (Add): {{.*}}
    assert e.status == 2
    assert np.array_equal(m.run([ids, mask, np.zeros(3, np.float32)])["biased"], mask)

# --- weights="external" -----------------------------------------------------

w = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
weighted = save("weighted", [helper.make_node("MatMul", ["x", "w"], ["y"])],
                [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
                [onnx.numpy_helper.from_array(w, "w")])
x = np.arange(6, dtype=np.float32).reshape(2, 3)
for weights in ("embedded", "external"):
    with onnxc.load(onnxc.compile(weighted, os.path.join(workdir, f"{weights}.so"),
                                  weights=weights)) as m:
        assert np.allclose(m.run([x])["y"], x @ w), weights
        print(weights, "weights:", m.external_weights, m.weights_path)
        # CHECK: embedded weights: None None
        # CHECK: external weights: external.weights [[WORKDIR:/.*]]/external.weights
expect(ValueError, onnxc.load, os.path.join(workdir, "embedded.so"), weights="x.weights")
# CHECK: ValueError: '{{.*}}embedded.so' has its weights embedded; weights= is for a model compiled with --weights=external
moved = onnxc.compile(weighted, os.path.join(workdir, "moved.so"), weights="external")
elsewhere = os.path.join(workdir, "elsewhere.weights")
os.rename(os.path.join(workdir, "moved.weights"), elsewhere)
# Not found beside the library: the advice is Python's, not the C API's.
e = expect(onnxc.WeightsError, onnxc.load, moved)
# CHECK: WeightsError: model 'moved': cannot open its weights file '[[WORKDIR]]/moved.weights': No such file or directory (the model was compiled with --weights=external: keep moved.weights beside the library, or give its path with onnxc.load(..., weights=PATH))
assert e.status == 6
# weights= gives the file: weights_path is the one mapped, not the
# compiled-in name.
os.chdir(workdir)
with onnxc.load(moved, weights="elsewhere.weights") as m:
    assert np.allclose(m.run([x])["y"], x @ w)
    print("moved:", m.external_weights, m.weights_path)
    # CHECK: moved: moved.weights [[WORKDIR]]/elsewhere.weights
    # One mapping per library in a process: another Model of it shares
    # the file mapped, and cannot name another.
    with onnxc.load(moved) as second:
        print("second:", second.weights_path)
        # CHECK: second: [[WORKDIR]]/elsewhere.weights
    expect(ValueError, onnxc.load, moved, weights=pair)
    # CHECK: ValueError: '{{.*}}moved.so' already has its weights mapped from '[[WORKDIR]]/elsewhere.weights' by another open Model {{.*}}; weights='{{.*}}pair.onnx' cannot replace them: pass that file, or close the other Models of this library first
# With no Model open the mapping is gone and weights= is read again: a
# missing or wrong file given is the runtime's reason, with the advice
# saying it came from weights=.
e = expect(onnxc.WeightsError, onnxc.load, moved, weights="nope.weights")
# CHECK: WeightsError: model 'moved': cannot open its weights file '[[WORKDIR]]/nope.weights': No such file or directory; weights file given with weights=: pass the moved.weights that onnx-compile wrote with this library, or leave weights= out to map the one beside the library
assert e.status == 6 and "onnxc_weights_load" not in str(e)
expect(onnxc.WeightsError, onnxc.load, moved, weights=pair)
# CHECK: WeightsError: model 'moved': weights file '{{.*}}pair.onnx' has {{[0-9]+}} bytes, the model expects {{[0-9]+}} ({{.*}}); weights file given with weights=: {{.*}}
shutil.copy(elsewhere, "copy.weights")
with onnxc.load(moved, weights="copy.weights") as m:
    print("copy:", m.weights_path)
    # CHECK: copy: [[WORKDIR]]/copy.weights

# --- compile failures name the node -------------------------------------------

bad = save("bad", [helper.make_node("MatMul", ["x", "w"], ["y"], name="project")],
           [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
            helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 5])],
           [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
e = expect(onnxc.CompileError, onnxc.compile, bad, os.path.join(workdir, "bad.so"))
# CHECK: CompileError: {{.*}}bad.onnx: error: node 'project' (MatMul): {{.*}}
assert e.returncode == 1 and "node 'project'" in e.stderr and e.command[0] == compiler
expect(onnxc.CompileError, onnxc.compile, pair, os.path.join(workdir, "x.so"), cpu="nosuchcpu")
# CHECK: CompileError: {{.*}}pair.onnx: error: unknown CPU 'nosuchcpu'

# --- files that are not models ------------------------------------------------

expect(onnxc.LoadError, onnxc.load, os.path.join(workdir, "absent.so"))
# CHECK: LoadError: cannot load '{{.*}}absent.so': no such file
expect(onnxc.LoadError, onnxc.load, pair)
# CHECK: LoadError: cannot load '{{.*}}pair.onnx': it is not a shared library (not an ELF file; onnxc.load takes a .so written by onnx-compile -o NAME.so)
expect(onnxc.LoadError, onnxc.load, workdir)
# CHECK: LoadError: cannot load '{{.*}}': it is a directory, not a shared library (onnxc.load takes a .so written by onnx-compile -o NAME.so)
archive = onnxc.compile(pair, os.path.join(workdir, "pair.a"))
expect(onnxc.LoadError, onnxc.load, archive)
# CHECK: LoadError: cannot load '{{.*}}pair.a': it is a static archive (.a), not a shared library; link it into a C program, or compile the model with -o NAME.so
expect(onnxc.LoadError, onnxc.load, onnxc.compile(pair, os.path.join(workdir, "pair.o")))
# CHECK: LoadError: cannot load '{{.*}}pair.o': it is a relocatable object (.o), not a shared library (onnxc.load takes a .so written by onnx-compile -o NAME.so)


def shared_library(name, code):
    c, so = os.path.join(workdir, name + ".c"), os.path.join(workdir, name + ".so")
    with open(c, "w") as f:
        f.write(code)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", so, c], check=True)
    return so


plain = shared_library("plain", "int answer(void) { return 42; }\n")
e = expect(onnxc.LoadError, onnxc.load, plain)
# CHECK: LoadError: '{{.*}}plain.so' is not a model compiled by onnx-compile: it exports no onnxc_get_model
assert isinstance(e, OSError)


def foreign(name, bits, little_endian, machine):
    """plain.so with the ELF header of another architecture: dlopen would
    say 'No such file or directory'; the header is read first."""
    with open(plain, "rb") as f:
        data = bytearray(f.read())
    data[4], data[5] = (1 if bits == 32 else 2), (1 if little_endian else 2)
    data[18:20] = machine.to_bytes(2, "little" if little_endian else "big")
    path = os.path.join(workdir, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


expect(onnxc.LoadError, onnxc.load, foreign("a64.so", 64, True, 183))
# CHECK: LoadError: '{{.*}}a64.so' holds aarch64 code; this process runs x86-64 (a model compiled with --triple for another machine runs there; compile it without --triple to load it here)
expect(onnxc.LoadError, onnxc.load, foreign("rv.so", 64, True, 243))
# CHECK: LoadError: '{{.*}}rv.so' holds riscv64 code; this process runs x86-64
expect(onnxc.LoadError, onnxc.load, foreign("be.so", 64, False, 62))
# CHECK: LoadError: '{{.*}}be.so' holds x86-64 (64-bit, big-endian) code; this process runs x86-64 (64-bit, little-endian)
expect(onnxc.LoadError, onnxc.load, foreign("odd.so", 64, True, 4242))
# CHECK: LoadError: '{{.*}}odd.so' holds ELF machine 4242 code; this process runs x86-64
future = shared_library("future", """#include <stdint.h>
static const struct { uint32_t abi_version; const char *name; } desc = {99, "future"};
const void *onnxc_get_model(void) { return &desc; }
""")
expect(onnxc.LoadError, onnxc.load, future)
# CHECK: LoadError: '{{.*}}future.so' was built by an incompatible onnx-compile: its model descriptor has ABI version 99, this onnxc package reads versions 1, 2, 3, 4; use the onnxc package of the onnx-compile that built it, or recompile the model
partial = shared_library("partial", """#include <stdint.h>
static const struct { uint32_t abi_version; const char *name; } desc = {1, "partial"};
const void *onnxc_get_model(void) { return &desc; }
""")
expect(onnxc.LoadError, onnxc.load, partial)
# CHECK: LoadError: '{{.*}}partial.so' exports onnxc_get_model but not onnxc_session_create, {{.*}}: not a library written by onnx-compile
print("done")
# CHECK: done
