#!/usr/bin/env bash
# Sets up a Debian 12 machine for tftrt and builds it: system packages (compiler, CMake,
# protobuf, snappy, zlib, OpenBLAS, GoogleTest; clang and its libFuzzer runtime for
# scripts/fuzz.sh), the cudnn-frontend headers where CUDA is found, then build/tftrt and the
# tests.
# Safe to re-run: installed packages and an up-to-date build are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build libprotobuf-dev protobuf-compiler libsnappy-dev
          zlib1g-dev libopenblas-dev libgtest-dev python3 python3-venv python3-pip
          python3-dev clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# cudnn-frontend (NVIDIA's header-only C++ API over cuDNN's graph API) for the cuda backend:
# only when the CUDA build is wanted (nvcc found, TFTRT_CUDA not turned off). Its headers sit
# at the root `include/` of the PyPI wheel; one pinned wheel (CPython 3.11, manylinux 2.28
# x86_64: the headers are the same in every wheel of a release) is fetched with pip, checked
# against its hash, and only `include/` is kept in third_party/ (gitignored, never committed).
cudnn_frontend_version=1.32.0
cudnn_frontend_wheel=nvidia_cudnn_frontend-${cudnn_frontend_version}-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
cudnn_frontend_sha256=c6006556017a4d1c914c52a556c71b1267f2d6a0500f742e7b4edef539878df0
cudnn_frontend_dir=third_party/cudnn-frontend
cuda_wanted() {
  case " ${TFTRT_CMAKE_ARGS:-} " in *TFTRT_CUDA=OFF*|*TFTRT_CUDA=0*) return 1 ;; esac
  command -v nvcc >/dev/null 2>&1 || [ -x "${CUDACXX:-/usr/local/cuda/bin/nvcc}" ]
}
if cuda_wanted; then
  stamp="$cudnn_frontend_dir/VERSION"
  if [ -f "$cudnn_frontend_dir/include/cudnn_frontend.h" ] && [ -f "$stamp" ] &&
     [ "$(cat "$stamp")" = "$cudnn_frontend_version" ]; then
    :  # already there
  else
    echo "setup: fetching cudnn-frontend $cudnn_frontend_version headers into $cudnn_frontend_dir"
    wheel_dir=$(mktemp -d)
    trap 'rm -rf "$wheel_dir"' EXIT
    python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_28_x86_64 \
      --python-version 3.11 --implementation cp --abi cp311 -d "$wheel_dir" \
      "nvidia-cudnn-frontend==$cudnn_frontend_version"
    echo "$cudnn_frontend_sha256  $wheel_dir/$cudnn_frontend_wheel" | sha256sum --check --quiet
    rm -rf "$cudnn_frontend_dir"
    mkdir -p "$cudnn_frontend_dir"
    python3 - "$wheel_dir/$cudnn_frontend_wheel" "$cudnn_frontend_dir" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    members = [m for m in wheel.namelist() if m.startswith("include/")]
    if not any(m == "include/cudnn_frontend.h" for m in members):
        sys.exit("setup: the cudnn-frontend wheel has no include/cudnn_frontend.h")
    wheel.extractall(sys.argv[2], members)
PY
    echo "$cudnn_frontend_version" >"$stamp"
    rm -rf "$wheel_dir"
    trap - EXIT
  fi
fi

build_dir=${TFTRT_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${TFTRT_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: built $build_dir/tftrt"
