"""Where the CUDA tools the --target=cuda tests use are: ptxas (to check
the PTX onnx-compile writes) and the toolkit folder holding
nvvm/libdevice/libdevice.10.bc (onnx-compile's --cuda-path). A CUDA
toolkit is used when installed; otherwise NVIDIA's nvidia-cuda-nvcc-cu12
wheel from utils/requirements.txt."""
import ctypes
import os
import shutil
import subprocess

# The architectures every kernel's PTX is assembled for.
PTXAS_ARCHS = ("sm_80", "sm_90")

# The e2e scripts (test/e2e/NAME.py) whose models have static shapes, the
# CUDA target's for now: test/e2e/cuda-ptx.py assembles their PTX,
# utils/gpu-check runs them on a GPU.
E2E_SCRIPTS = ["op-numerics", "compute-ops", "element-types", "indexing-ops", "pooling", "pad",
               "recurrent", "normalization-precision", "layernorm-outputs", "large-initializers",
               "constant-folding", "zero-sized"]


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
