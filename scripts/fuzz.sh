#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/: one per reader) with clang, ASan and UBSan, makes
# their seed corpora from the files the tests read, and runs every target for a while:
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60; a long campaign: 36000)
#   scripts/fuzz.sh --build-all               builds the fuzz targets and every test in
#                                             build-fuzz, runs nothing (scripts/test.sh
#                                             runs the tests there as its ASan pass)
#
# The targets run side by side, as many at once as there are cores, each for its seconds.
#
# Seeds: examples/, the TensorFlow fixtures (TFTRT_FIXTURES_DIR, TFTRT_OP_CASES_DIR, default
# .fixtures/models and .fixtures/op_cases, made by scripts/test.sh), the converted models the
# tests leave in .fixtures/converted, engines this script builds from examples/small_cnn,
# and the inputs of past findings kept in fuzz/corpus/<target>/. What a run finds new is
# kept in $TFTRT_FUZZ_BUILD_DIR/fuzz-out/corpus/<target>/ for the next run.
#
# Fails on any finding (crash, UB, leak, timeout over 10 s, more than 2 GiB of memory); the
# input that caused it is saved in fuzz-out/findings/<target>/ and listed. Reproduce with
# `build-fuzz/fuzz/<target>_fuzzer FILE`.
#
# Environment: TFTRT_FUZZ_TARGETS="npy npz" runs only those targets; TFTRT_FUZZ_RUNS=N runs
# N inputs per target (no time limit) instead; TFTRT_FUZZ_BUILD_DIR (default build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
build_all=0
if [ "${1:-}" = --build-all ]; then
  build_all=1
  shift
fi
seconds=${1:-60}
jobs=$(nproc)
build=${TFTRT_FUZZ_BUILD_DIR:-build-fuzz}
out=$build/fuzz-out
targets=(${TFTRT_FUZZ_TARGETS:-saved_model checkpoint engine_blob engine_cache_file npy npz})
max_len=$((1 << 20))

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found: run scripts/setup.sh" >&2; exit 1; }
done
# Line tables only (as OSS-Fuzz builds): reports name files and lines, and the build (the
# tests included) takes less time than with full debug information.
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" -DTFTRT_FUZZ=ON \
  -DTFTRT_CUDA=OFF >/dev/null
if [ "$build_all" = 1 ]; then
  echo "fuzz: building the fuzz targets and the tests in $build"
  cmake --build "$build" -j"${CMAKE_BUILD_PARALLEL_LEVEL:-$jobs}"
  exit 0
fi
echo "fuzz: building the fuzz targets in $build"
cmake --build "$build" -j"${CMAKE_BUILD_PARALLEL_LEVEL:-$jobs}" --target fuzzers tftrt_cli

echo "fuzz: making seed corpora"
rm -rf "$out/seeds" "$out/engines" "$out/logs" "$out/findings"
mkdir -p "$out/logs"
# Engine asset files (FP32 and FP16) of the bundled example, built by this tree's tftrt.
for precision in FP32 FP16; do
  ASAN_OPTIONS=detect_leaks=0 "$build/tftrt" convert examples/small_cnn "$out/engines/$precision" \
    --precision "$precision" --build-input image=examples/small_cnn_input.npy --device cpu \
    >"$out/logs/convert_$precision.log" 2>&1 ||
    { echo "fuzz: tftrt convert failed (see $out/logs/convert_$precision.log)" >&2; exit 1; }
done
python3 fuzz/make_seeds.py --out "$out/seeds" --max-bytes "$max_len" examples "$out/engines" \
  "${TFTRT_FIXTURES_DIR:-.fixtures/models}" "${TFTRT_OP_CASES_DIR:-.fixtures/op_cases}" \
  .fixtures/converted

if [ -n "${TFTRT_FUZZ_RUNS:-}" ]; then
  budget=(-runs="$TFTRT_FUZZ_RUNS")
else
  budget=(-max_total_time="$seconds")
fi
# One target's run; its exit status goes to $out/logs/<target>.status.
run_target() {
  local target=$1
  local corpus=$out/corpus/$target findings=$out/findings/$target log=$out/logs/$target.log
  mkdir -p "$corpus" "$findings" "$out/seeds/$target" "fuzz/corpus/$target"
  # The first directory receives the new inputs; the seeds are only read.
  local status=0
  "$build/fuzz/${target}_fuzzer" "$corpus" "$out/seeds/$target" "fuzz/corpus/$target" \
    "${budget[@]}" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"$log" 2>&1 || status=$?
  echo "$status" >"$out/logs/$target.status"
}
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_target "$target" &
  running=$((running + 1))
done
wait

failed=()
for target in "${targets[@]}"; do
  log=$out/logs/$target.log
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  echo "fuzz: $target: ${executions:-?} executions, corpus $(ls "$out/corpus/$target" | wc -l) inputs (log $log)"
  if [ "$(cat "$out/logs/$target.status")" != 0 ]; then
    failed+=("$target")
    grep -m 3 -E "ERROR|runtime error|SUMMARY" "$log" | sed 's/^/fuzz:   /' || true
  fi
done

found=$(find "$out/findings" -type f | sort)
if [ ${#failed[@]} -gt 0 ] || [ -n "$found" ]; then
  echo "fuzz: FAILED: ${failed[*]:-}; inputs that caused findings:"
  echo "$found" | sed 's/^/  /'
  exit 1
fi
echo "fuzz: no findings"
