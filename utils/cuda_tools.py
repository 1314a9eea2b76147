"""Where the CUDA tools the --target=cuda tests use are: ptxas (to check
the PTX onnx-compile writes) and the toolkit folder holding
nvvm/libdevice/libdevice.10.bc (onnx-compile's --cuda-path). A CUDA
toolkit is used when installed; otherwise NVIDIA's nvidia-cuda-nvcc-cu12
wheel from utils/requirements.txt."""
import ctypes
import os
import shutil
import subprocess
import sys
import time

# The architectures every kernel's PTX is assembled for.
PTXAS_ARCHS = ("sm_80", "sm_90")

# The e2e scripts (test/e2e/NAME.py) the CUDA target is checked with: all
# but dynamic-cnn (the shared CNNs again, with symbolic dims) and
# shared-models (run apart). test/e2e/cuda-ptx.py compiles them
# with cubins, test/e2e/gpu-mapping-on-cpu.py runs their loop mapping on the
# CPU, utils/gpu-check runs them on a GPU.
E2E_SCRIPTS = ["op-numerics", "compute-ops", "element-types", "indexing-ops", "pooling", "pad",
               "recurrent", "normalization-precision", "layernorm-outputs", "large-initializers",
               "constant-folding", "zero-sized", "dynamic-shapes", "dynamic-ops",
               "data-dependent", "dynamic-encoder", "quantization", "sampling",
               "spectral-ops", "rearrange-ops"]


def _toolkit_roots():
    roots = [os.environ.get(v) for v in ("CUDA_HOME", "CUDA_PATH")]
    roots.append("/usr/local/cuda")
    try:
        import nvidia.cuda_nvcc
        roots.extend(nvidia.cuda_nvcc.__path__)
    except ImportError:
        pass
    return [r for r in roots if r]


def cuda_path():
    """A folder with nvvm/libdevice/libdevice.10.bc, or None."""
    for root in _toolkit_roots():
        if os.path.exists(os.path.join(root, "nvvm", "libdevice", "libdevice.10.bc")):
            return root
    return None


def ptxas():
    """The ptxas executable: $PTXAS, on PATH, or in a toolkit; None."""
    if os.environ.get("PTXAS"):
        return os.environ["PTXAS"]
    found = shutil.which("ptxas")
    if found:
        return found
    for root in _toolkit_roots():
        path = os.path.join(root, "bin", "ptxas")
        if os.access(path, os.X_OK):
            return path
    return None


def compile_flags():
    """onnx-compile's flags for --target=cuda here: libdevice's folder,
    ptxas (so that a library holds cubins: ptxas must accept the PTX) and
    the architectures of PTXAS_ARCHS. RuntimeError without ptxas."""
    tool = ptxas()
    if not tool:
        raise RuntimeError("ptxas not found (install the CUDA toolkit or utils/requirements.txt)")
    flags = ["--ptxas=" + tool, "--gpu-arch=" + ",".join(PTXAS_ARCHS)]
    if cuda_path():
        flags.append("--cuda-path=" + cuda_path())
    return flags


def check_ptx(path, archs=PTXAS_ARCHS):
    """None if ptxas assembles the PTX file for every arch, else its first
    complaint."""
    if os.path.getsize(path) == 0:
        return None  # a model without kernels
    tool = ptxas()
    if not tool:
        return "ptxas not found (install the CUDA toolkit or utils/requirements.txt)"
    for arch in archs:
        out = subprocess.run([tool, f"-arch={arch}", path, "-o", os.devnull],
                             capture_output=True, text=True)
        if out.returncode:
            lines = (out.stderr or out.stdout).strip().splitlines()
            return f"ptxas -arch={arch}: " + (lines[0] if lines else f"exit {out.returncode}")
    return None


def gpu_count():
    """The CUDA devices the driver sees (0 without a driver)."""
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return 0
    count = ctypes.c_int(0)
    if cuda.cuInit(0) != 0 or cuda.cuDeviceGetCount(ctypes.byref(count)) != 0:
        return 0
    return count.value


def run_e2e_script(src, script, args, target):
    """Runs test/e2e/SCRIPT.py with ARGS and ONNXC_E2E_TARGET=target,
    printing its failures and summary line; returns whether it passed."""
    start = time.perf_counter()
    env = dict(os.environ, ONNXC_E2E_TARGET=target)
    out = subprocess.run([sys.executable, os.path.join(src, "test", "e2e", script + ".py"), *args],
                         capture_output=True, text=True, env=env)
    lines = out.stdout.strip().splitlines()
    for line in lines:
        if line.startswith("FAIL"):
            print(f"{script}: {line}")
    summary = lines[-1] if lines else out.stderr.strip()[-300:]
    print(f"{'ok' if out.returncode == 0 else 'FAIL'} {script}: {summary} "
          f"({time.perf_counter() - start:.0f} s)", flush=True)
    return out.returncode == 0


def run_e2e_scripts(src, workdir, target):
    """Every script of E2E_SCRIPTS in `target` mode, each in its folder of
    `workdir`; the number that failed."""
    utils = os.path.join(src, "utils")
    return sum(not run_e2e_script(src, script, [os.path.join(workdir, script), utils], target)
               for script in E2E_SCRIPTS)
