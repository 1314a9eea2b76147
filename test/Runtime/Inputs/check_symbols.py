#!/usr/bin/env python3
"""Checks what a compiled model needs and what it exports.

usage: check_symbols.py shared MODEL.so --name NAME --api runtime.h [--strict]
       check_symbols.py static MODEL.a|MODEL.o --name NAME --api runtime.h

shared:
  - `ldd MODEL.so` lists nothing beyond linux-vdso, libc, libm, libpthread,
    libdl and the loader;
  - `nm -D --defined-only MODEL.so` exports onnxc_get_model, NAME_run,
    NAME_model and every onnxc_* function runtime.h declares, and nothing
    from MLIR or LLVM (no mlir/llvm in a name, no C++ symbol); with --strict,
    nothing else at all;
  - the stack is not executable and there are no text relocations.
static:
  - the external symbols a .a/.o defines are NAME_* and the runtime's
    onnxc_* functions (those of runtime.h, and internal ones shared between
    its sources) and the allocator the generated code calls
    (onnxc_memref_alloc/_free), the latter weak (so that several
    models link into one program); nothing else, which another model could
    define too.

Prints what it found and "ok"; on a problem prints "error: ..." with the
offending libraries or symbols and exits 1.
"""
import argparse
import re
import subprocess
import sys

ALLOWED_LIBRARIES = re.compile(
    r"^(linux-vdso\.so\.\d+|linux-gate\.so\.\d+|libc\.so\.\d+|libm\.so\.\d+|"
    r"libpthread\.so\.\d+|libdl\.so\.\d+|ld-linux[-\w.]*\.so\.\d+)$")
FOREIGN = re.compile(r"mlir|llvm|^_Z", re.IGNORECASE)
# The runtime's allocation functions under the names MLIR's LLVM lowering
# calls: hidden in a .so, weak in a .a/.o.
ALLOCATOR = {"onnxc_memref_alloc", "onnxc_memref_free"}


def run(*argv):
    out = subprocess.run(argv, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"error: {' '.join(argv)} failed: {out.stderr.strip()}")
    return out.stdout


def runtime_functions(header):
    """The onnxc_* functions runtime.h declares."""
    text = re.sub(r"/\*.*?\*/", "", open(header).read(), flags=re.S)
    return set(re.findall(r"\b(onnxc_\w+)\s*\(", text)) - {"onnxc_get_model"}


def check_shared(args, api):
    errors = []
    # ldd: "name => path (addr)" or "path (addr)".
    libraries = []
    for line in run("ldd", args.model).splitlines():
        line = line.strip()
        if not line or "statically linked" in line:
            continue
        libraries.append(line.split()[0].rsplit("/", 1)[-1])
    unexpected = [lib for lib in libraries if not ALLOWED_LIBRARIES.match(lib)]
    print("needs: " + " ".join(sorted(libraries)))
    if unexpected:
        errors.append("unexpected libraries: " + " ".join(unexpected))

    exported = {}
    for line in run("nm", "-D", "--defined-only", args.model).splitlines():
        parts = line.split()
        if len(parts) >= 3:
            exported[parts[2].split("@")[0]] = parts[1]
    required = {"onnxc_get_model", args.name + "_run", args.name + "_model"} | api
    missing = sorted(required - set(exported))
    foreign = sorted(s for s in exported if FOREIGN.search(s))
    extra = sorted(set(exported) - required - set(foreign))
    print(f"exports: {len(exported)} symbols, {len(api)} runtime functions in runtime.h")
    print("model symbols: " + " ".join(sorted(s for s in exported if s in required and s not in api)))
    if missing:
        errors.append("missing exports: " + " ".join(missing))
    if foreign:
        errors.append("MLIR/LLVM/C++ symbols exported: " + " ".join(foreign))
    if extra and args.strict:
        errors.append(f"{len(extra)} exports beyond the API: " + " ".join(extra))

    headers = run("readelf", "-lW", args.model)
    stack = [line for line in headers.splitlines() if "GNU_STACK" in line]
    if not stack or "E" in stack[0].split()[-2]:
        errors.append("the stack is executable (GNU_STACK: " +
                      (stack[0].strip() if stack else "missing") + ")")
    if "TEXTREL" in run("readelf", "-dW", args.model):
        errors.append("the library has text relocations")
    return errors


def check_static(args, api):
    errors = []
    symbols = {}
    for line in run("nm", "--defined-only", "--extern-only", args.model).splitlines():
        parts = line.split()
        if len(parts) >= 3:
            symbols.setdefault(parts[2], set()).add(parts[1])
    model = sorted(s for s in symbols if s.startswith(args.name + "_"))
    runtime = sorted(s for s in symbols if s in api or
                     ((s.startswith("onnxc_") or s in ALLOCATOR) and
                      symbols[s] <= {"W", "V"}))
    other = sorted(s for s in symbols if s not in model and s not in runtime)
    print("model symbols: " + " ".join(model))
    print(f"runtime symbols: {len(set(runtime) & api)} of {len(api)}")
    missing = sorted({args.name + "_run", args.name + "_model"} - set(model))
    if missing:
        errors.append("missing: " + " ".join(missing))
    strong = sorted(s for s in runtime if symbols[s] - {"W", "V"})
    if strong:
        errors.append("runtime symbols that are not weak: " + " ".join(strong))
    if api - set(runtime):
        errors.append("runtime functions missing: " + " ".join(sorted(api - set(runtime))))
    if other:
        errors.append(f"{len(other)} global symbols without the '{args.name}_' prefix, "
                      "which another model defines too: " + " ".join(other))
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=["shared", "static"])
    ap.add_argument("model")
    ap.add_argument("--name", required=True)
    ap.add_argument("--api", required=True, help="runtime/include/onnxc/runtime.h")
    ap.add_argument("--strict", action="store_true")
    args = ap.parse_args()
    api = runtime_functions(args.api)
    errors = (check_shared if args.kind == "shared" else check_static)(args, api)
    for error in errors:
        print("error: " + error)
    if errors:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
