# The CUDA target on a machine without a GPU (CI): every e2e op case of the
# static-shape scripts (utils/cuda_tools.E2E_SCRIPTS) and every model of
# ../shared/models compiles with --target=cuda into a library with cubins:
# ptxas assembles its kernels' PTX for sm_80 and sm_90. The scripts run with
# ONNXC_E2E_TARGET=cuda (utils/e2e.py), which on a machine with a GPU runs
# and compares them instead (utils/gpu-check).
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
import shared_models  # noqa: E402


def compile_with_cubins(model, library):
    """None if `model` compiles with --target=cuda to a library with cubins
    (ptxas assembled its PTX for every arch), else the first complaint."""
    run = subprocess.run(["onnx-compile", model, "-o", library, "--target=cuda",
                          *cuda_tools.compile_flags()], capture_output=True, text=True)
    if run.returncode:
        return (run.stderr.strip().splitlines() or ["failed"])[0]
    return None


def main():
    os.makedirs(workdir, exist_ok=True)
    if not cuda_tools.ptxas():
        print("FAIL: ptxas not found (utils/setup.sh installs it)")
        return 1
    failed = cuda_tools.run_e2e_scripts(src, workdir, "cuda")
    if os.path.isdir(shared):
        for name in shared_models.NAMES:
            path = shared_models.ensure_filled_model(shared, cache, name)
            start = time.perf_counter()
            problem = compile_with_cubins(path, os.path.join(workdir, name + ".so"))
            failed += problem is not None
            print(f"{'FAIL' if problem else 'ok'} {name}: "
                  f"{problem or 'compiled with cubins for ' + ', '.join(cuda_tools.PTXAS_ARCHS)}"
                  f" ({time.perf_counter() - start:.0f} s)")
    print(f"{'FAILED' if failed else 'passed'}: {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
