#!/usr/bin/env bash
# Installs everything onnx-compile needs on Debian bookworm: LLVM/MLIR 22,
# protobuf and the ONNX schema, GoogleTest, Ninja, ccache and the aarch64
# cross compiler and emulator from Debian's packages; the pinned Python
# packages of utils/requirements.txt from PyPI.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
packages=(
  cmake ninja-build ccache gcc g++
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libprotobuf-dev protobuf-compiler libonnx-dev
  libgtest-dev
  python3 python3-pip
  # Cross compiles for aarch64: the runtime's compiler and libc, and the
  # emulator the aarch64 tests run under.
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

python="${PYTHON:-python3}"
if ! "$python" - "$here/requirements.txt" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, want = line.split("==")
        if version(name) != want:
            sys.exit(1)
PY
then
  echo "setup: installing Python packages from utils/requirements.txt"
  "$python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt" \
    || "$python" -m pip install -q --disable-pip-version-check --break-system-packages \
         -r "$here/requirements.txt"
fi
echo "setup: all dependencies present"
