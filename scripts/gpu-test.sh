#!/usr/bin/env bash
# The GPU test command, for the GPU machine (library entry `device`) in one call of under
# 10 minutes. Prepare here with scripts/gpu-pack.sh, then:
#   device run: scripts/gpu-test.sh        (carry: .debs third_party .gpu)
# It builds tftrt with the cuda backend for the GPU it runs on, then runs:
#   1. the GPU unit tests: tftrt's own kernels (its convolution kernels apart, with their
#      MobileNetV2 and ResNet50 times against cuDNN), the cuDNN and cuBLASLt runners, the fused attention,
#      channel padding, the Hopper GELU matmul, the CUTLASS 1x1 convolutions;
#   2. the engine conformance harness: every converter op case as a one-layer engine on
#      the cpu and cuda backends at FP32, TF32 and FP16, against TF's outputs and the cpu
#      backend (it prints the op x backend x precision table);
#   3. every carried fixture converted at FP32 (TF32 off), TF32 and FP16 with engines built
#      and run on the cuda backend in strict mode, against TF's outputs;
#   4. INT8 on the digits_cnn fixture, the cuda engine against the cpu backend's INT8 one;
#   5. ResNet50 with weights remade from a seed (tftrt randomize-weights), when the
#      benchmark's weightless models were carried: the cuda engine against the cpu engine.
# Logs go to $OUT (or /tmp/gpu-test); a summary table is printed last. Exit status: 0 when
# every step passed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/gpu-test}
build=${TFTRT_GPU_BUILD_DIR:-/tmp/tftrt-build}
fixtures=/tmp/tftrt-gpu-fixtures
mkdir -p "$out" "$fixtures"
summary=()
step() {  # step NAME COMMAND...: runs it, logs to $out/NAME.log, records the result
  local name=$1 start=$SECONDS
  shift
  "$@" > "$out/$name.log" 2>&1
  local rc=$?
  summary+=("$(printf '%-14s %-6s %4ds  %s' "$name" "$([ $rc = 0 ] && echo ok || echo FAIL)" \
    $((SECONDS - start)) "$(grep -E '^\[  (PASSED|FAILED)  \] [0-9]+ test|failing cell' \
    "$out/$name.log" | tr '\n' ' ')")")
  return $rc
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d .)
targets=(tftrt_cli cuda_kernels_test kernel_convolution_test convolution_runner_test matmul_runner_test
         attention_test cuda_engine_test channel_padding_test gelu_matmul_test
         pointwise_convolution_test
         engine_conformance_test converted_fixtures_test int8_conversion_test)
step build env TFTRT_BUILD_ONLY=1 TFTRT_CMAKE_TARGETS="${targets[*]}" \
  TFTRT_CUDA_ARCHITECTURES="${arch}-real" scripts/device-build.sh "$build" ||
  { tail -40 "$out/build.log"; exit 1; }
tar xzf .gpu/op_cases.tgz -C "$fixtures" && tar xzf .gpu/models.tgz -C "$fixtures"
export TFTRT_OP_CASES_DIR=$fixtures/op_cases TFTRT_FIXTURES_DIR=$fixtures/models

status=0
step kernels "$build/cuda_kernels_test" || status=1
# TFTRT_GPU_TEST_QUICK=1 skips the long sweeps when device time is short: the convolution
# kernels' shape sweep (their epilogue, model-shape and validation tests still run) and the
# cuDNN / cuBLASLt runner sweeps (about 35 s).
quick=${TFTRT_GPU_TEST_QUICK:-0}
step convolution-kernels "$build/kernel_convolution_test" \
  $([ "$quick" = 1 ] && echo "--gtest_filter=-Shapes/KernelConvolutionGpuTest.*") || status=1
grep -hE '^\[          \] (mobilenetv2|resnet50)' "$out/convolution-kernels.log"
if [ "$quick" != 1 ]; then
  step convolution "$build/convolution_runner_test" || status=1
  step matmul "$build/matmul_runner_test" || status=1
fi
step attention "$build/attention_test" || status=1
step engine "$build/cuda_engine_test" || status=1
step padding "$build/channel_padding_test" || status=1
step gelu-matmul "$build/gelu_matmul_test" || status=1
step pointwise "$build/pointwise_convolution_test" || status=1
grep -hE '^\[          \] (mobilenetv2|resnet50)' "$out/pointwise.log"
step conformance "$build/engine_conformance_test" || status=1
step fixtures env TFTRT_DEVICE=cuda "$build/converted_fixtures_test" || status=1
step int8 "$build/int8_conversion_test" || status=1
if [ -f .gpu/bench_models.tgz ]; then
  tar xzf .gpu/bench_models.tgz -C "$fixtures"
  step resnet50 bench/gpu/resnet50.sh "$build/tftrt" "$fixtures/bench_models/resnet50" \
    /tmp/tftrt-resnet50 || status=1
fi
sed -n '/^engine conformance/,/failing cell/p' "$out/conformance.log"
grep -h '^\[engine\]' "$out/fixtures.log" | sort -u | head -60
[ -f "$out/resnet50.log" ] && grep -v '^tftrt: built' "$out/resnet50.log"
printf '\n%s\n' "${summary[@]}"
exit $status
