#!/usr/bin/env bash
# ResNet50 on the GPU machine: weights remade from a seed, the cuda engines checked against
# the cpu engines at batch 1 (FP32 with TF32 off, FP16), then FP16 at batch 128 timed with
# `tftrt bench` (device compute per run: the engine's layers between CUDA events, inputs
# already on the device) beside PyTorch eager (bench/gpu/torch_peers.py) in the same call.
#   bench/gpu/resnet50.sh TFTRT_BINARY WEIGHTLESS_RESNET50_DIR WORK_DIR
# (scripts/gpu-test.sh runs it with what scripts/gpu-pack.sh carried.)
set -euo pipefail
tftrt=$1 weightless=$2 work=$3
mkdir -p "$work"
"$tftrt" randomize-weights "$weightless" "$work/resnet50" --seed 1 --overwrite
python3 - "$work" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(0)
for batch in (1, 128):
    np.save("%s/image%d.npy" % (sys.argv[1], batch),
            rng.uniform(0, 255, (batch, 224, 224, 3)).astype(np.float32))
PY
for precision in FP32 FP16; do
  for device in cuda cpu; do
    out=$work/${precision}_$device
    "$tftrt" convert "$work/resnet50" "$out" --precision "$precision" --no-tf32 --overwrite \
      --device "$device" --require-engines --build-input "image=$work/image1.npy" > /dev/null
    "$tftrt" run "$out" --input "image=$work/image1.npy" --output-dir "$out/outputs" \
      --device "$device" --require-engines --verbose | grep '^engine'
  done
  tolerance=$([ "$precision" = FP16 ] && echo 2e-2 || echo 1e-4)
  echo "ResNet50 $precision cuda vs cpu (relative error <= $tolerance):"
  "$tftrt" compare "$work/${precision}_cuda/outputs/logits.npy" \
    "$work/${precision}_cpu/outputs/logits.npy" --tolerance "$tolerance"
done
# Batch 1, FP16: the layers replayed as one CUDA graph, then launched one by one.
for graphs in 1 0; do
  echo "ResNet50 FP16 batch 1, TFTRT_CUDA_GRAPHS=$graphs:"
  TFTRT_CUDA_GRAPHS=$graphs "$tftrt" bench "$work/FP16_cuda" --input "image=$work/image1.npy" \
    --runs 200 --warmup 20 --device cuda --require-engines
done
# Batch 128, FP16: convert + build with an empty timing cache (every convolution and matmul
# times its candidates), then again with the cache it wrote.
rm -f "$work/timing-cache"
for cache in cold warm; do
  start=$(date +%s.%N)
  "$tftrt" convert "$work/resnet50" "$work/FP16_b128" --precision FP16 --overwrite --device cuda \
    --require-engines --build-input "image=$work/image128.npy" \
    --timing-cache "$work/timing-cache" > /dev/null
  echo "ResNet50 FP16 batch 128 convert + build, $cache timing cache:" \
    "$(awk -v start="$start" -v end="$(date +%s.%N)" 'BEGIN { printf "%.1f", end - start }') s"
done
"$tftrt" bench "$work/FP16_b128" --input "image=$work/image128.npy" --runs 50 --warmup 5 \
  --device cuda --require-engines
python3 "$(dirname "$0")/torch_peers.py" --models resnet50 --precisions FP16 --batches 128 \
  --modes eager
