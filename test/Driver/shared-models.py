# The real architectures of ../shared/models: each imports, every tensor in
# the printed IR has a static shape, and the graph outputs match the model's
# declared output shapes. Skipped (UNSUPPORTED) when ../shared is absent.
#
# REQUIRES: shared-models
# RUN: %python %s %shared_models %T/shared-models-cache %onnxc_src/utils
import re
import subprocess
import sys
import time

import onnx

sys.path.insert(0, sys.argv[3])
import shared_models  # noqa: E402


def main():
    src, cache = sys.argv[1], sys.argv[2]
    models = shared_models.ensure_filled(src, cache)
    failures = 0
    for name, path in models.items():
        start = time.time()
        out = subprocess.run(["onnx-compile", path, "--emit=mlir"],
                             capture_output=True, text=True)
        seconds = time.time() - start
        problems = []
        if out.returncode != 0:
            problems.append(out.stderr.strip())
        else:
            dynamic = [t for t in re.findall(r"tensor<([^>]*)>", out.stdout)
                       if "?" in t or "*" in t]
            if dynamic:
                problems.append(f"{len(dynamic)} non-static types, e.g. tensor<{dynamic[0]}>")
            signature = next(l for l in out.stdout.splitlines() if "func.func" in l)
            results = re.findall(r"tensor<([^>]*)> \{onnx.name = \"([^\"]*)\"\}",
                                 signature.split("->", 1)[1])
            model = onnx.load(path, load_external_data=False)
            for o in model.graph.output:
                dims = [d.dim_value for d in o.type.tensor_type.shape.dim]
                want = "x".join(map(str, dims))
                got = [t for t, n in results if n == o.name]
                if not got or not got[0].startswith(want + "x"):
                    problems.append(f"output {o.name}: expected {want}, got {got}")
        status = "ok" if not problems else "FAIL"
        failures += bool(problems)
        print(f"{status:4} {name:20} {seconds:5.2f}s", *problems)
    print(f"{len(models) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
