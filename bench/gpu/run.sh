#!/usr/bin/env bash
# The side-by-side GPU benchmark (issue 9): tftrt against PyTorch (eager, CUDA-graph replay,
# torch.compile) and JAX/XLA on ResNet50, MobileNetV2 and BERT-base, made by TensorFlow
# (bench/gpu/make_models.py) and carried without their weights. Prints one table and writes
# it, with every raw figure, to $OUT.
#   bench/gpu/run.sh TFTRT_BINARY MODELS      MODELS: .gpu/bench_models.tgz or its unpacked dir
# In one device call (carry: .debs third_party .gpu; prepared by scripts/gpu-pack.sh):
#   export BENCH_DEADLINE=$(($(date +%s) + 540)); [ -x build-gpu/tftrt ] ||
#   TFTRT_BUILD_ONLY=1 TFTRT_CMAKE_TARGETS=tftrt_cli TFTRT_CUDA_ARCHITECTURES=90-real
#   scripts/device-build.sh build-gpu > "$OUT/build.log" 2>&1 || tail -30 "$OUT/build.log";
#   bench/gpu/run.sh build-gpu/tftrt .gpu/bench_models.tgz
# (build-gpu/ is ignored, so a warm machine keeps it for the next call.)
# Environment:
#   BENCH_DEADLINE  no measurement starts after this time (seconds since the epoch); or
#   BENCH_BUDGET_S  seconds from now (default 480). Each phase runs under `timeout` to the
#                   deadline (+30 s for the figure in flight), so the table always comes out.
#   BENCH_MODELS    comma-separated subset (default: resnet50,mobilenet_v2,bert_base)
#   BENCH_BATCHES   comma-separated batch sizes (default: each model's own; tftrt's check
#                   runs at batch 1, so keep 1 in the list)
#   BENCH_PRECISIONS comma-separated subset of each model's precisions (FP16, TF32)
#   BENCH_PHASES    the phases to run (default: tftrt torch jax torch-compile)
#   OUT             where results.jsonl, bench.md and the phases' logs go (default /tmp/bench)
# Phases, most important first; each gets a share of the time left when it starts and
# skips, with a recorded reason, what no longer fits:
#   1. tftrt (bench/gpu/tftrt_bench.py): weights, convert + build, check, `tftrt bench`
#   2. PyTorch (torch_peers.py): matmul peak, FLOPs per item, eager and CUDA-graph replay
#   3. JAX/XLA (jax_peers.py)
#   4. torch.compile (torch_peers.py --modes compile), the slowest to prepare
# When the budget ran out (the table lists what was skipped and why), a second call on the
# warm machine (the build is kept in build-gpu/) can run BENCH_PHASES="jax torch-compile";
# report.py merges the two calls' results.jsonl here: report.py A.jsonl B.jsonl.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# = 2 ] || { sed -n 2,6p "$0"; exit 2; }
tftrt=$(realpath "$1") models=$2
out=${OUT:-/tmp/bench} work=${BENCH_WORK:-/tmp/tftrt-bench}
deadline=${BENCH_DEADLINE:-$(($(date +%s) + ${BENCH_BUDGET_S:-480}))}
model_list=${BENCH_MODELS:-resnet50,mobilenet_v2,bert_base}
results=$out/results.jsonl
mkdir -p "$out" "$work"
: > "$results"
# OpenBLAS mis-detects the GPU machine's CPU (bench/RESULTS.md); tftrt's cpu reference uses it.
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
if [[ $models == *.tgz ]]; then
  tar xzf "$models" -C "$work" && models=$work/bench_models
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"

phases=" ${BENCH_PHASES:-tftrt torch jax torch-compile} "
phase() {  # phase NAME SHARE COMMAND...: runs COMMAND with --budget-s SHARE x the time left
  local name=$1 share=$2 started=$SECONDS
  shift 2
  [[ $phases == *" $name "* ]] || return 0
  local left=$((deadline - $(date +%s)))
  if [ "$left" -le 0 ]; then echo "$name: skipped, no time left"; return; fi
  local budget
  budget=$(python3 -c "print(int($left * $share))")
  timeout $((left + 30)) "$@" --deadline "$deadline" --budget-s "$budget" \
    --models "$model_list" ${BENCH_BATCHES:+--batches "$BENCH_BATCHES"} \
    ${BENCH_PRECISIONS:+--precisions "$BENCH_PRECISIONS"} >> "$results" \
    2> "$out/$name.log"
  echo "$name: exit $? in $((SECONDS - started)) s (budget $budget s; log $out/$name.log)"
}

phase tftrt 0.4 python3 "$here/tftrt_bench.py" --tftrt "$tftrt" --weightless "$models" \
  --work "$work"
phase torch 0.5 python3 "$here/torch_peers.py" --matmul-peak --flops --modes eager,cudagraph
phase jax 0.6 python3 "$here/jax_peers.py"
phase torch-compile 1.0 python3 "$here/torch_peers.py" --modes compile
echo
python3 "$here/report.py" "$results" --markdown "$out/bench.md"
