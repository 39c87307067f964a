#!/usr/bin/env bash
# Sets up a Debian 12 machine for tftrt and builds it: system packages (compiler, CMake,
# protobuf, snappy, zlib, OpenBLAS, GoogleTest), then build/tftrt and the tests.
# Safe to re-run: installed packages and an up-to-date build are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build libprotobuf-dev protobuf-compiler libsnappy-dev
          zlib1g-dev libopenblas-dev libgtest-dev python3 python3-venv python3-pip
          python3-dev)
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

build_dir=${TFTRT_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${TFTRT_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: built $build_dir/tftrt"
