#!/usr/bin/env bash
# Sets up, builds, makes the TensorFlow fixtures and runs every test:
#   1. scripts/setup.sh (packages + Release build) and the Python env with TensorFlow;
#   2. fixtures: SavedModels + TF outputs (tests/fixtures), single-op cases (tests/op_cases)
#      into .fixtures/ (regenerated only when their scripts change);
#   3. ctest on the Release build; the tests keep the models they export and convert in
#      .fixtures/{exported,converted}, and stock TensorFlow then loads and checks them
#      (tests/fixtures/check_tf_loads.py: converted models with each engine node replaced
#      by a call of its native segment);
#   4. the Python package: `pip install .` into .venv, then pytest on python/tests;
#   5. the same C++ tests built with clang, AddressSanitizer + UndefinedBehaviorSanitizer, in
#      the fuzzing build (build-fuzz: one sanitizer build serves the tests and the fuzzers);
#   6. the multi-threaded tests built with ThreadSanitizer;
#   7. every reader fuzzed for a minute (scripts/fuzz.sh 60: the targets side by side).
# Set TFTRT_SKIP_SANITIZERS=1 to skip steps 5 and 6, TFTRT_SKIP_FUZZ=1 step 7, while iterating.
# Each step's line starts with the seconds since the start, so that a slow one shows.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "test: [$(( $(date +%s) - start ))s] $*"; }

step "building (scripts/setup.sh)"
scripts/setup.sh
step "the Python environment with TensorFlow (scripts/python-env.sh)"
python=$(scripts/python-env.sh | tail -n 1)

fixtures=$PWD/.fixtures
shared=$(cd .. && pwd)/shared
realworld_args=()
if [ -d "$shared/realworld" ]; then
  realworld_args=(--realworld "$shared/realworld")
else
  echo "test: $shared/realworld not found: real-world model tests will be skipped"
fi
mkdir -p "$fixtures"
step "making fixtures with TensorFlow"
TF_CPP_MIN_LOG_LEVEL=3 "$python" tests/fixtures/make_fixtures.py --out "$fixtures/models" "${realworld_args[@]}"
# oneDNN's Conv2DBackpropInput aborts the process on the negative-size error case (Eigen's
# kernel reports it): the op cases use TF's reference kernels.
TF_ENABLE_ONEDNN_OPTS=0 TF_CPP_MIN_LOG_LEVEL=3 "$python" tests/op_cases/make_op_cases.py \
  --out "$fixtures/op_cases"

export TFTRT_FIXTURES_DIR=$fixtures/models
export TFTRT_OP_CASES_DIR=$fixtures/op_cases
export TFTRT_SHARED_DIR=$shared

step "running tests (Release)"
rm -rf "$fixtures/exported" "$fixtures/converted"
TFTRT_EXPORT_DIR=$fixtures/exported TFTRT_CONVERTED_DIR=$fixtures/converted \
  ctest --test-dir build --output-on-failure -j"$(nproc)"

step "stock TensorFlow loads the models tftrt exported and converted"
TF_CPP_MIN_LOG_LEVEL=3 "$python" tests/fixtures/check_tf_loads.py "$fixtures/exported"
# Stock TF runs the native segments in float32: the passes' rounding is all that differs.
TF_CPP_MIN_LOG_LEVEL=3 "$python" tests/fixtures/check_tf_loads.py --tolerance 1e-4 \
  "$fixtures/converted/FP32" "$fixtures/converted/FP16"

step "Python package (pip install . into .venv, pytest python/tests)"
py_start=$(date +%s)
# Without the cuda backend here: the Release pass above compiled it and ran its CPU-side
# tests, and nvcc would double the package's build time; `pip install .` elsewhere builds it
# wherever nvcc and cuDNN are found. ccache (CMakeLists.txt) gives this build the Release
# build's objects where the compile is the same: build-wheel sits beside build/ (the same
# depth) and the compiler is named as there (pip's CMake may pick g++ where it picked c++).
compiler() { sed -n "s/^CMAKE_$1_COMPILER:[A-Z]*=//p" build/CMakeCache.txt; }
CC=$(compiler C) CXX=$(compiler CXX) \
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} "$python" -m pip install -q . \
  --config-settings cmake.define.TFTRT_CUDA=OFF --config-settings build-dir=build-wheel
echo "test: Python package built and installed in $(( $(date +%s) - py_start ))s"
# From the root (not python/), so that the installed package is the one imported.
TF_CPP_MIN_LOG_LEVEL=3 "$python" -m pytest -q -p no:cacheprovider python/tests

if [ "${TFTRT_SKIP_SANITIZERS:-0}" != 1 ]; then
  step "running tests under AddressSanitizer + UndefinedBehaviorSanitizer (clang, build-fuzz)"
  # The cuda backend is compiled (and its CPU-side tests run) by the Release pass.
  scripts/fuzz.sh --build-all
  # Whole-model fixtures big enough to be slow under ASan are run by the Release pass only.
  TFTRT_SANITIZER_RUN=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-fuzz --output-on-failure -j"$(nproc)"

  step "running the multi-threaded tests under ThreadSanitizer"
  # Only the tests that run threads are built (the libraries they link and two test
  # programs), not all the tests: the TSan pass costs one library build.
  # -O1 (as ThreadSanitizer's documentation suggests) builds in two thirds of -O3's time.
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" -DTFTRT_SANITIZE_THREAD=ON -DTFTRT_CUDA=OFF \
    -DTFTRT_PYTHON=OFF >/dev/null
  cmake --build build-tsan -j"$(nproc)" --target concurrency_test cpu_engine_test
  # OpenBLAS (a system library, not instrumented) synchronizes its own worker threads in
  # ways TSan cannot see; with one OpenBLAS thread each sgemm runs on its caller's thread.
  # halt_on_error: the first race fails the test (TSan's exit code, 66).
  TFTRT_SANITIZER_RUN=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    OPENBLAS_NUM_THREADS=1 ctest --test-dir build-tsan -R '^(concurrency_test|cpu_engine_test)$' \
    --output-on-failure -j"$(nproc)"
fi
if [ "${TFTRT_SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzzing every reader (scripts/fuzz.sh 60)"
  scripts/fuzz.sh 60
fi
step "all tests passed"
