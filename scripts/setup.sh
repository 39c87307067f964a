#!/usr/bin/env bash
# Sets up a Debian 12 machine for tftrt and builds it: system packages (compiler, CMake,
# protobuf, snappy, zlib, OpenBLAS, GoogleTest; libjpeg-turbo, libpng, FFTW3, RE2 and ICU for
# the ops that TF runs on them; clang and its libFuzzer runtime for scripts/fuzz.sh), the
# cudnn-frontend headers where CUDA is found, then build/tftrt and the
# tests.
# Safe to re-run: installed packages and an up-to-date build are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build libprotobuf-dev protobuf-compiler libsnappy-dev
          zlib1g-dev libopenblas-dev libgtest-dev python3 python3-venv python3-pip
          python3-dev clang libclang-rt-14-dev libre2-dev libicu-dev libjpeg62-turbo-dev
          libpng-dev libfftw3-dev ccache)
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

# cudnn-frontend's and CUTLASS's headers for the cuda backend (scripts/fetch_headers.py:
# pinned, hash-checked wheels from PyPI; into third_party/, gitignored, never committed):
# only when the CUDA build is wanted (nvcc found, TFTRT_CUDA not turned off).
cuda_wanted() {
  case " ${TFTRT_CMAKE_ARGS:-} " in *TFTRT_CUDA=OFF*|*TFTRT_CUDA=0*) return 1 ;; esac
  command -v nvcc >/dev/null 2>&1 || [ -x "${CUDACXX:-/usr/local/cuda/bin/nvcc}" ]
}
if cuda_wanted; then
  python3 scripts/fetch_headers.py cudnn-frontend third_party/cudnn-frontend
  python3 scripts/fetch_headers.py cutlass third_party/cutlass
fi

build_dir=${TFTRT_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${TFTRT_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: built $build_dir/tftrt"
