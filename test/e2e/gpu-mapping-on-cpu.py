# The CUDA target's mapping of loops to blocks and threads, checked for its
# numerics without a GPU: every static-shape e2e op case (the scripts of
# utils/cuda_tools.E2E_SCRIPTS) and every model of ../shared/models,
# compiled with --gpu-mapping-on-cpu (the loops collapsed, tiled, guarded
# and mapped exactly as for --target=cuda, then run serially on the CPU)
# and compared with onnxruntime as the CPU target is.
#
# RUN: %python %s %t %onnxc_src %shared_models %T/shared-models-cache
import os
import subprocess
import sys
import time

workdir, src, shared, cache = sys.argv[1:5]
utils = os.path.join(src, "utils")
sys.path.insert(0, utils)
import cuda_tools  # noqa: E402


def run(script, args):
    """Runs test/e2e/SCRIPT.py with ARGS in the mode; its exit code."""
    start = time.perf_counter()
    env = dict(os.environ, ONNXC_E2E_TARGET="gpu-mapping-on-cpu")
    out = subprocess.run([sys.executable, os.path.join(src, "test", "e2e", script + ".py"), *args],
                         capture_output=True, text=True, env=env)
    lines = out.stdout.strip().splitlines()
    for line in lines:
        if line.startswith("FAIL"):
            print(f"{script}: {line}")
    summary = lines[-1] if lines else out.stderr.strip()[-300:]
    print(f"{'ok' if out.returncode == 0 else 'FAIL'} {script}: {summary} "
          f"({time.perf_counter() - start:.0f} s)")
    return out.returncode


def main():
    os.makedirs(workdir, exist_ok=True)
    failed = sum(run(script, [os.path.join(workdir, script), utils]) != 0
                 for script in cuda_tools.E2E_SCRIPTS)
    if os.path.isdir(shared):
        failed += run("shared-models", [shared, cache, os.path.join(workdir, "shared-models"),
                                        src, "onnx-compile"]) != 0
    print(f"{'FAILED' if failed else 'passed'}: {failed} failing scripts")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
