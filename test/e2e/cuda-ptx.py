# The CUDA target on a machine without a GPU (CI): every e2e op case of the
# static-shape scripts below and every model of ../shared/models compiles
# with --target=cuda into a library, and ptxas assembles its kernels' PTX
# for sm_80 and sm_90 (utils/cuda_tools.py). The scripts run with
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

def compile_and_assemble(model, out):
    """None if `model` compiles with --target=cuda to a library and to PTX
    that ptxas assembles, else the first complaint."""
    flags = ["--target=cuda"]
    if cuda_tools.cuda_path():
        flags.append("--cuda-path=" + cuda_tools.cuda_path())
    for output in (out + ".so", out + ".ptx"):
        run = subprocess.run(["onnx-compile", model, "-o", output, *flags],
                             capture_output=True, text=True)
        if run.returncode:
            return (run.stderr.strip().splitlines() or ["failed"])[0]
    return cuda_tools.check_ptx(out + ".ptx")


def main():
    os.makedirs(workdir, exist_ok=True)
    if not cuda_tools.ptxas():
        print("FAIL: ptxas not found (utils/setup.sh installs it)")
        return 1
    failed = 0
    env = dict(os.environ, ONNXC_E2E_TARGET="cuda")
    for script in cuda_tools.E2E_SCRIPTS:
        start = time.perf_counter()
        run = subprocess.run([sys.executable, os.path.join(src, "test", "e2e", script + ".py"),
                              os.path.join(workdir, script), utils],
                             capture_output=True, text=True, env=env)
        lines = run.stdout.strip().splitlines()
        for line in lines:
            if line.startswith("FAIL"):
                print(f"{script}: {line}")
        summary = lines[-1] if lines else run.stderr.strip()[-300:]
        status = "ok" if run.returncode == 0 else "FAIL"
        failed += run.returncode != 0
        print(f"{status} {script}: {summary} ({time.perf_counter() - start:.0f} s)")
    if os.path.isdir(shared):
        for name in shared_models.NAMES:
            path = shared_models.ensure_filled_model(shared, cache, name)
            start = time.perf_counter()
            problem = compile_and_assemble(path, os.path.join(workdir, name))
            failed += problem is not None
            print(f"{'FAIL' if problem else 'ok'} {name}: "
                  f"{problem or 'compiled, PTX assembled for ' + ', '.join(cuda_tools.PTXAS_ARCHS)}"
                  f" ({time.perf_counter() - start:.0f} s)")
    print(f"{'FAILED' if failed else 'passed'}: {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
