#!/usr/bin/env bash
# The main job on the bundled example (examples/small_cnn, a Keras CNN that TensorFlow
# saved): inspect it, run it on examples/small_cnn_input.npy, and compare the result with
# the output TensorFlow recorded (examples/small_cnn_probs.npy).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/tftrt-example}
build/tftrt inspect examples/small_cnn
build/tftrt run examples/small_cnn --input image=examples/small_cnn_input.npy --output-dir "$out"
build/tftrt compare "$out/probs.npy" examples/small_cnn_probs.npy
