# The CUDA target's mapping of loops to blocks and threads, checked for its
# numerics without a GPU: every static-shape e2e op case (the scripts of
# utils/cuda_tools.E2E_SCRIPTS) and every model of ../shared/models,
# compiled with --gpu-mapping-on-cpu (the loops collapsed, tiled, guarded
# and mapped exactly as for --target=cuda, then run serially on the CPU)
# and compared with onnxruntime as the CPU target is.
#
# RUN: %python %s %t %onnxc_src %shared_models %T/shared-models-cache
import os
import sys

workdir, src, shared, cache = sys.argv[1:5]
utils = os.path.join(src, "utils")
sys.path.insert(0, utils)
import cuda_tools  # noqa: E402


def main():
    os.makedirs(workdir, exist_ok=True)
    failed = cuda_tools.run_e2e_scripts(src, workdir, "gpu-mapping-on-cpu")
    if os.path.isdir(shared):
        failed += not cuda_tools.run_e2e_script(
            src, "shared-models",
            [shared, cache, os.path.join(workdir, "shared-models"), src, "onnx-compile"],
            "gpu-mapping-on-cpu")
    print(f"{'FAILED' if failed else 'passed'}: {failed} failing scripts")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
