"""The real model architectures of ../shared/models, with weights refilled
once into a cache folder by their fill_weights.py (for the tests)."""
import json
import os
import subprocess
import sys

NAMES = ["resnet18", "mobilenet_v3_small", "densenet121", "regnet_y_400mf",
         "convnext_tiny", "distilbert_small", "t5_encoder_small", "lstm_tagger"]


def ensure_filled(src, cache):
    """Returns the paths of all models in `cache`, filling them if needed."""
    os.makedirs(cache, exist_ok=True)
    paths = [os.path.join(cache, n + ".onnx") for n in NAMES]
    if not all(os.path.exists(p) for p in paths):
        subprocess.run([sys.executable, os.path.join(src, "fill_weights.py"), src,
                        os.path.join(src, "weights_stats.json"), cache],
                       check=True, stdout=subprocess.DEVNULL)
    return dict(zip(NAMES, paths))


def ensure_filled_model(src, cache, name):
    """Returns the path of model `name` in `cache`, filling only that one if
    needed (a test of one model need not write all eight). The file appears
    whole or not at all: filled under a temporary name, then renamed."""
    path = os.path.join(cache, name + ".onnx")
    if os.path.exists(path):
        return path
    os.makedirs(cache, exist_ok=True)
    sys.path.insert(0, src)
    try:
        import fill_weights
    finally:
        sys.path.remove(src)
    with open(os.path.join(src, "weights_stats.json")) as f:
        stats = json.load(f)[name]
    partial = f"{path}.{os.getpid()}.partial"
    fill_weights.fill(os.path.join(src, name + ".onnx"), stats, partial)
    os.replace(partial, path)
    return path
