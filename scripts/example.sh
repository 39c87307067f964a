#!/usr/bin/env bash
# The main job on the bundled example (examples/small_cnn, a Keras CNN that TensorFlow
# saved): convert it as TF-TRT would (FP16 engines, pre-built for the example input's
# shape), print the conversion summary, run the converted model on
# examples/small_cnn_input.npy, and compare the result with the output TensorFlow
# recorded (examples/small_cnn_probs.npy) within FP16's tolerance.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/tftrt-example}
build/tftrt inspect examples/small_cnn
build/tftrt convert examples/small_cnn "$out/small_cnn_trt" --overwrite --precision FP16 \
  --build-input image=examples/small_cnn_input.npy
build/tftrt summary "$out/small_cnn_trt"
build/tftrt run "$out/small_cnn_trt" --input image=examples/small_cnn_input.npy \
  --output-dir "$out/outputs"
build/tftrt compare "$out/outputs/probs.npy" examples/small_cnn_probs.npy --tolerance 2e-2
