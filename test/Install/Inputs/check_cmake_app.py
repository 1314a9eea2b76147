#!/usr/bin/env python3
"""The installed package as a user meets it (ctest: install-cmake-app).

Installs the build into a temporary prefix and moves the prefix (the
package must be relocatable), then, with nothing but -DCMAKE_PREFIX_PATH
pointing at it:
  1. builds the installed examples/cmake-app, runs it and checks its top
     class and score against onnxruntime on the same image; a second build
     does nothing, a newer model or compiler recompiles the model;
  2. links two models into one program (Inputs/two-models), one with
     OPTIONS -O 2 --weights external (flags and values as separate items);
  3. a broken MODEL fails the build with onnx-compile's message naming it;
  4. wrong calls of onnx_compile_model() stop the configure with a message
     (Inputs/misuse), a NAME used twice among them;
  5. OPTIONS in each form onnx-compile takes set ONNX_COMPILE_WEIGHTS and
     the runtime dependency alike (Inputs/options, configured only);
  6. where the aarch64 cross tools and qemu-aarch64 are, the example built
     for aarch64 (OPTIONS --triple aarch64-linux-gnu) prints the same as on
     the host, and a newer cross runtime recompiles its model;
  7. the relative links of the installed docs resolve (README.md and
     docs/ keep the source tree's layout), and those of the source tree
     (utils/check_doc_links.py).

usage: check_cmake_app.py --build BUILD --source SRC --cmake CMAKE
           --generator GEN --inputs DIR --sample-model make_sample_model.py
           --toolchains DIR [--doc-links check_doc_links.py]
           [--model CLASSIFIER.onnx] [--keep]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort

# Leaks from the caller's environment that could find another package.
SCRUBBED_ENV = ["CMAKE_PREFIX_PATH", "OnnxCompile_DIR", "OnnxCompile_ROOT",
                "CMAKE_GENERATOR", "CC", "CFLAGS", "LDFLAGS"]


class CheckFailed(Exception):
    pass


def run(cmd, expect_ok=True, **kwargs):
    """Runs `cmd`; returns its stdout+stderr. A result other than the
    expected one raises CheckFailed with the output."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    proc = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env, **kwargs)
    if (proc.returncode == 0) != expect_ok:
        raise CheckFailed(f"{' '.join(map(str, cmd))} exited with {proc.returncode}"
                          f" (expected {'success' if expect_ok else 'failure'}):\n"
                          f"{proc.stdout}")
    return proc.stdout


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print(f"ok: {message}")


def test_card(channels, height, width):
    """examples/cmake-app/classify.c's fill_test_card, as a [1,C,H,W] array."""
    c, y, x = np.meshgrid(np.arange(channels), np.arange(height),
                          np.arange(width), indexing="ij")
    dx, dy = 2 * x + 1 - width, 2 * y + 1 - height
    value = np.where(9 * (dx * dx + dy * dy) < 4 * height * width,
                     (64 + 64 * c) % 256, 255 * (x + y) // (width + height - 2))
    return (value.astype(np.float32) / np.float32(255))[None]


def run_ort(model, image):
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: image})[0].reshape(-1)


def mentions(text, path):
    return re.search(re.escape(path) + r"(?![\w.+-])", text) is not None


def install(args, tmp):
    """Installs into tmp/stage, moves it to tmp/prefix; returns the prefix."""
    stage, prefix = os.path.join(tmp, "stage"), os.path.join(tmp, "prefix")
    run([args.cmake, "--install", args.build, "--prefix", stage])
    os.rename(stage, prefix)
    for f in ["bin/onnx-compile", "bin/onnx-run", "lib/libonnxc_runtime.a",
              "include/onnxc/runtime.h",
              "lib/cmake/OnnxCompile/OnnxCompileConfig.cmake",
              "lib/cmake/OnnxCompile/OnnxCompileConfigVersion.cmake",
              "lib/cmake/OnnxCompile/OnnxCompileModel.cmake",
              "share/doc/onnx-compile/README.md",
              "share/doc/onnx-compile/docs/cmake.md",
              "share/doc/onnx-compile/examples/cmake-app/CMakeLists.txt"]:
        if not os.path.exists(os.path.join(prefix, f)):
            raise CheckFailed(f"the install has no {f}")
    print("ok: installed the tools, the runtime, its header, the package and the docs")
    cmake_dir = os.path.join(prefix, "lib/cmake/OnnxCompile")
    for name in os.listdir(cmake_dir):
        text = open(os.path.join(cmake_dir, name)).read()
        for path in (stage, args.build, args.source):
            if mentions(text, path):
                raise CheckFailed(f"{name} holds the absolute path {path}")
    print("ok: the package's files hold no absolute path (relocatable)")
    dynamic = run(["readelf", "-d", os.path.join(prefix, "bin/onnx-compile")])
    runpath = re.findall(r"R(?:UN)?PATH\)\s+Library r(?:un)?path: \[(.*)\]", dynamic)
    check(not any(mentions(p, args.build) or mentions(p, args.source) for p in runpath),
          f"installed onnx-compile's RUNPATH {runpath} is outside the build tree")
    return prefix


def configure(args, source, binary, prefix, *defines, expect_ok=True):
    return run([args.cmake, "-S", source, "-B", binary, "-G", args.generator,
                f"-DCMAKE_PREFIX_PATH={prefix}",
                f"-DPython3_EXECUTABLE={sys.executable}", *defines],
               expect_ok=expect_ok)


def build(args, binary, expect_ok=True):
    return run([args.cmake, "--build", binary], expect_ok=expect_ok)


def check_example(args, tmp, prefix):
    example = os.path.join(prefix, "share/doc/onnx-compile/examples/cmake-app")
    app = os.path.join(tmp, "app")
    defines = [f"-DCLASSIFIER_MODEL={args.model}"] if args.model else []
    configure(args, example, app, prefix, *defines)
    build(args, app)
    for name in os.listdir(app):
        if name in ("CMakeCache.txt", "build.ninja", "Makefile"):
            text = open(os.path.join(app, name)).read()
            for path in (args.build, args.source):
                if mentions(text, path):
                    raise CheckFailed(f"the example's {name} refers to {path}")
    print("ok: the example configured and built from the prefix alone")

    out = run([os.path.join(app, "classify")])
    native_output = out
    print(out.rstrip())
    match = re.search(r"top class: (\d+) \(score (\S+)\)", out)
    if not match:
        raise CheckFailed(f"classify printed no top class:\n{out}")
    top, score = int(match.group(1)), float(match.group(2))
    model = args.model or os.path.join(app, "tiny_cnn.onnx")
    size = re.search(r"image (\d+)x(\d+)x(\d+)", out)
    want = run_ort(model, test_card(*map(int, size.groups())))
    tolerance = 1e-4 * float(np.abs(want).max())
    best = int(want.argmax())
    second = float(np.sort(want)[-2])
    print(f"onnxruntime: top class {best} (score {want[best]:.6g}), "
          f"next best score {second:.6g}")
    # A class within the tolerance of the best is as good an answer.
    check(want[top] >= want[best] - tolerance and abs(score - want[top]) <= tolerance,
          f"classify's top class {top} (score {score:.6g}) matches onnxruntime "
          f"within {tolerance:g}")

    obj = os.path.join(app, "onnx_compile_model/classifier/classifier.o")
    for changed in (model, os.path.join(prefix, "bin/onnx-compile"),
                    os.path.join(prefix, "lib/libonnxc_runtime.a")):
        stamp = os.stat(obj).st_mtime_ns
        out = build(args, app)
        check("Compiling ONNX model" not in out and os.stat(obj).st_mtime_ns == stamp,
              "a build with nothing changed leaves the compiled model alone")
        # Newer than the object for one build, then back, so that the next
        # round starts from an up-to-date build.
        before = os.stat(changed)
        later = os.stat(obj).st_mtime + 10
        os.utime(changed, (later, later))
        out = build(args, app)
        os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))
        check("Compiling ONNX model" in out and os.stat(obj).st_mtime_ns != stamp,
              f"a newer {os.path.basename(changed)} recompiles the model")
    return native_output


def check_cross(args, tmp, prefix, native_output):
    """The example cross-compiled for aarch64 (toolchain file, --triple,
    the installed lib/aarch64-linux-gnu runtime) gives, under qemu, the
    class and score of the host's build."""
    triple = "aarch64-linux-gnu"
    toolchain = os.path.join(args.toolchains, f"{triple}.cmake")
    missing = [what for what, there in [
        (f"{triple}-gcc", shutil.which(f"{triple}-gcc")),
        ("qemu-aarch64", shutil.which("qemu-aarch64")),
        (f"lib/{triple}/libonnxc_runtime.a in the install",
         os.path.exists(os.path.join(prefix, "lib", triple, "libonnxc_runtime.a"))),
        (toolchain, os.path.exists(toolchain))] if not there]
    if missing:
        print(f"skipped: the example for {triple} (no {', '.join(missing)})")
        return
    binary = os.path.join(tmp, "app-" + triple)
    # The toolchain file confines find_package() to the target's root, so
    # the package is named by its folder.
    run([args.cmake, "-S", os.path.join(prefix, "share/doc/onnx-compile/examples/cmake-app"),
         "-B", binary, "-G", args.generator, f"-DCMAKE_TOOLCHAIN_FILE={toolchain}",
         f"-DOnnxCompile_DIR={prefix}/lib/cmake/OnnxCompile",
         f"-DPython3_EXECUTABLE={sys.executable}", "-DCLASSIFIER_CPU=generic",
         f"-DCLASSIFIER_OPTIONS=--triple;{triple}"])
    build(args, binary)
    # `--triple T` as two items is read as --triple=T: the model depends on
    # lib/T's runtime.
    runtime = os.path.join(prefix, "lib", triple, "libonnxc_runtime.a")
    obj = os.path.join(binary, "onnx_compile_model/classifier/classifier.o")
    stamp, before = os.stat(obj).st_mtime_ns, os.stat(runtime)
    later = os.stat(obj).st_mtime + 10
    os.utime(runtime, (later, later))
    try:
        out = build(args, binary)
    finally:
        os.utime(runtime, ns=(before.st_atime_ns, before.st_mtime_ns))
    check("Compiling ONNX model" in out and os.stat(obj).st_mtime_ns != stamp,
          f"OPTIONS --triple {triple} (two items): a newer lib/{triple} runtime "
          "recompiles the model")
    out = run(["qemu-aarch64", "-L", f"/usr/{triple}", os.path.join(binary, "classify")])
    print(out.rstrip())
    pattern = r"top class: (\d+) \(score (\S+)\)"
    got, want = re.search(pattern, out), re.search(pattern, native_output)
    check(got and got.group(1) == want.group(1) and
          abs(float(got.group(2)) - float(want.group(2))) <= 1e-4 * abs(float(want.group(2))),
          f"the example built for {triple} gives the same class and score under qemu-aarch64")


def check_two_models(args, tmp, prefix):
    first, second = os.path.join(tmp, "sample.onnx"), os.path.join(tmp, "sample_dyn.onnx")
    run([sys.executable, args.sample_model, first])
    run([sys.executable, args.sample_model, second, "--batch", "dynamic"])
    binary = os.path.join(tmp, "two-models")
    configure(args, os.path.join(args.inputs, "two-models"), binary, prefix,
              f"-DFIRST_MODEL={first}", f"-DSECOND_MODEL={second}")
    build(args, binary)
    out = run([os.path.join(binary, "two_models")])
    print(out.rstrip())
    got = np.array(re.search(r"first:(.*)", out).group(1).split(), np.float32)
    want = run_ort(first, test_card(3, 32, 32))
    check(np.abs(got - want).max() <= 1e-4,
          "two models link into one program; first matches onnxruntime")
    rows = [float(d) for d in re.findall(r"row \d: max \|difference\| to first (\S+)", out)]
    check(len(rows) == 2 and max(rows) <= 1e-5,
          "second_model (INPUT_SHAPES batch 2, default NAME) gives first's scores")
    weights = os.path.join(binary, "first.weights")
    os.remove(weights)
    out = run([os.path.join(binary, "two_models")], expect_ok=False)
    check(weights in out, "first (OPTIONS -O 2 --weights external) reads first.weights, "
          "copied beside the program from its ONNX_COMPILE_WEIGHTS")


def check_broken_model(args, tmp, prefix):
    broken = os.path.join(tmp, "broken.onnx")
    with open(broken, "wb") as f:
        f.write(b"not an ONNX model\n")
    binary = os.path.join(tmp, "broken-app")
    configure(args, os.path.join(prefix, "share/doc/onnx-compile/examples/cmake-app"),
              binary, prefix, f"-DCLASSIFIER_MODEL={broken}")
    out = build(args, binary, expect_ok=False)
    check("Compiling ONNX model broken.onnx" in out and
          f"{broken}: error: not a valid ONNX model" in out,
          "a broken MODEL fails the build, naming the model file")


def check_misuse(args, tmp, prefix):
    binary = os.path.join(tmp, "misuse")
    model = os.path.join(tmp, "sample.onnx")
    cases = {
        "no-model": "onnx_compile_model(net): MODEL <file.onnx> is required",
        "unknown-keyword": "onnx_compile_model(net): unexpected argument(s) "
                           "'SHAPES image=1x3x32x32'",
        "missing-file": "onnx_compile_model(net): MODEL '",
        "bad-name": "onnx_compile_model(net): NAME '3d-net' is not a C identifier",
        "bad-shape": "onnx_compile_model(net): INPUT_SHAPES entry 'image:1x3x32x32'",
        "output-option": "onnx_compile_model(net): OPTIONS may not set '-o'",
        "name-option": "onnx_compile_model(net): OPTIONS may not set '--name'",
        "empty-value": "onnx_compile_model(net): CPU given without a value",
        "option-without-value": "onnx_compile_model(net): OPTIONS flag '--triple' needs "
                                "a value",
        "duplicate-name": "onnx_compile_model(net-fast): NAME 'net' is already the NAME of "
                          "target 'net' (onnx_compile_model(net))",
    }
    for case, message in cases.items():
        out = configure(args, os.path.join(args.inputs, "misuse"), binary, prefix,
                        f"-DMODEL={model}", f"-DMISUSE={case}", expect_ok=False)
        # CMake wraps long messages; compare with the line breaks undone.
        text = re.sub(r"\s*\n\s*", " ", out)
        if message not in text:
            raise CheckFailed(f"misuse '{case}': no '{message}' in:\n{out}")
    print(f"ok: {len(cases)} wrong calls of onnx_compile_model() stop the configure "
          "with a message naming the target")


def check_options(args, tmp, prefix):
    """OPTIONS written --flag=value, --flag value, -flag and -O 2 alike:
    each target's ONNX_COMPILE_WEIGHTS, and (with Ninja) the runtime
    archive its compile depends on. Uses check_two_models' sample.onnx."""
    model = os.path.join(tmp, "sample.onnx")
    binary = os.path.join(tmp, "options")
    out = configure(args, os.path.join(args.inputs, "options"), binary, prefix,
                    f"-DMODEL={model}")
    weights = dict(re.findall(r"options (\S+): weights '(.*)'", out))
    cross = os.path.join(prefix, "lib/aarch64-linux-gnu/libonnxc_runtime.a")
    host = os.path.join(prefix, "lib/libonnxc_runtime.a")
    # target -> (its NAME, external weights?, the runtime it must depend on)
    cases = {"joined": ("joined", True, cross), "spaced": ("spaced", True, cross),
             "single-dash": ("single_dash", True, cross), "vendor": ("vendor", False, cross),
             "last-wins": ("last_wins", False, host), "host": ("host", False, host)}
    for target, (name, external, _) in cases.items():
        want = (os.path.join(binary, "onnx_compile_model", target, name + ".weights")
                if external else "")
        if weights.get(target) != want:
            raise CheckFailed(f"options: {target}'s ONNX_COMPILE_WEIGHTS is "
                              f"'{weights.get(target)}', expected '{want}':\n{out}")
    print(f"ok: ONNX_COMPILE_WEIGHTS follows --weights in each form ({len(cases)} targets)")
    if args.generator != "Ninja" or not shutil.which("ninja"):
        print("skipped: the runtime dependencies of Inputs/options (read with ninja -t query)")
        return
    for target, (name, _, runtime) in cases.items():
        if not os.path.exists(runtime):
            continue  # no cross runtime installed: nothing to depend on
        edge = run(["ninja", "-C", binary, "-t", "query",
                    f"onnx_compile_model/{target}/{name}.o"])
        inputs = edge.split("outputs:")[0]
        if not mentions(inputs, runtime):
            raise CheckFailed(f"options: {target}'s compile does not depend on {runtime}:\n"
                              f"{edge}")
    print("ok: the model's compile depends on the runtime of its --triple in each form")


def check_doc_links(args, prefix):
    docs = os.path.join(prefix, "share/doc/onnx-compile")
    for root, what in ((docs, "installed"), (args.source, "source tree's")):
        try:
            out = run([sys.executable, args.doc_links, root])
        except CheckFailed as e:
            raise CheckFailed(f"broken links in the {what} docs ({root}): {e}") from None
        print(f"ok: the {what} docs' links resolve ({out.strip().splitlines()[-1]})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="the onnx-compile build tree")
    ap.add_argument("--source", required=True, help="the onnx-compile source tree")
    ap.add_argument("--cmake", default="cmake")
    ap.add_argument("--generator", default="Ninja")
    ap.add_argument("--inputs", required=True, help="test/Install/Inputs")
    ap.add_argument("--sample-model", required=True, help="utils/make_sample_model.py")
    ap.add_argument("--toolchains", required=True, help="cmake/toolchains")
    ap.add_argument("--doc-links",
                    help="utils/check_doc_links.py (default: the one of --source)")
    ap.add_argument("--model", help="CLASSIFIER_MODEL for the example")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    args.build, args.source, args.toolchains = map(
        os.path.realpath, (args.build, args.source, args.toolchains))
    if args.model:
        args.model = os.path.realpath(args.model)
    args.doc_links = args.doc_links or os.path.join(args.source, "utils", "check_doc_links.py")

    tmp = os.path.realpath(tempfile.mkdtemp(prefix="onnxc-install-"))
    if mentions(tmp, args.build) or tmp.startswith(args.build + os.sep):
        sys.exit(f"error: the temporary folder {tmp} is inside the build tree")
    try:
        prefix = install(args, tmp)
        native_output = check_example(args, tmp, prefix)
        if not args.model:
            check_cross(args, tmp, prefix, native_output)
        check_two_models(args, tmp, prefix)
        check_broken_model(args, tmp, prefix)
        check_misuse(args, tmp, prefix)
        check_options(args, tmp, prefix)
        check_doc_links(args, prefix)
    except CheckFailed as e:
        print(f"FAIL: {e}\n(files kept in {tmp})")
        return 1
    if args.keep:
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
