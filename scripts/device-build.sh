#!/usr/bin/env bash
# Builds tftrt and runs its tests on the GPU machine (library entry `device`: Ubuntu 24.04,
# g++ 13, CMake 4, protobuf 3.21, no snappy and no network). Snappy comes from Debian's
# packages, fetched here beforehand and carried:
#   mkdir -p .debs && (cd .debs && apt-get download libsnappy-dev libsnappy1v5)
#   device run: scripts/device-build.sh [BUILD_DIR]   (carry: .debs third_party)
# TFTRT_BUILD_ONLY=1 builds without running the tests (scripts/gpu-test.sh runs its own);
# TFTRT_CMAKE_TARGETS builds only those targets; TFTRT_CUDA_ARCHITECTURES (e.g. 90-real)
# builds device code for that GPU only.
# and is linked statically. third_party must be carried too: it holds the cudnn-frontend
# headers that scripts/setup.sh fetched here (the cuda backend needs them; that machine cannot
# download them). Tests that need the TensorFlow-made fixtures fail their
# "fixtures were generated" check there: the fixtures are not made on that machine.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-/tmp/tftrt-build}
snappy=/tmp/tftrt-snappy
mkdir -p "$snappy"
for deb in .debs/libsnappy*.deb; do dpkg -x "$deb" "$snappy"; done
cuda_args=(-DTFTRT_CUDA=ON)  # the GPU machine: fail loudly rather than build without it
if [ -f third_party/cudnn-frontend/include/cudnn_frontend.h ]; then
  cuda_args+=(-DTFTRT_CUDNN_FRONTEND_INCLUDE_DIR="$PWD/third_party/cudnn-frontend/include")
fi
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
[ -x "$nvcc" ] && cuda_args+=(-DCMAKE_CUDA_COMPILER="$nvcc")
[ -n "${TFTRT_CUDA_ARCHITECTURES:-}" ] &&
  cuda_args+=(-DCMAKE_CUDA_ARCHITECTURES="$TFTRT_CUDA_ARCHITECTURES")
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSNAPPY_INCLUDE_DIR="$snappy/usr/include" \
  -DSNAPPY_LIBRARY="$snappy/usr/lib/x86_64-linux-gnu/libsnappy.a" "${cuda_args[@]}"
read -r -a targets <<< "${TFTRT_CMAKE_TARGETS:-}"
cmake --build "$build_dir" -j"$(nproc)" ${targets[@]+--target "${targets[@]}"}
[ "${TFTRT_BUILD_ONLY:-0}" = 1 ] && exit 0
ctest --test-dir "$build_dir" -j"$(nproc)" --output-on-failure
