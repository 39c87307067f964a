#!/usr/bin/env python3
"""Example 2 of TF's tf.experimental.tensorrt.Converter page (FP16 with pre-built
engines), with tftrt, on the bundled example model (one input: `image`).

Usage: example2_fp16_prebuilt.py [OUTPUT_DIR]   (default /tmp/tftrt-python-example/example2)"""

import sys
from pathlib import Path

import numpy as np

import tftrt

here = Path(__file__).resolve().parent.parent
my_dir = str(here / "small_cnn")
output_saved_model_dir = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tftrt-python-example/example2"
num_runs = 4

params = tftrt.ConversionParams(
    precision_mode='FP16',
    # Set this to a large enough number so it can cache all the engines.
    maximum_cached_engines=16)
converter = tftrt.Converter(
    input_saved_model_dir=my_dir, conversion_params=params)
converter.convert()

# Define a generator function that yields input data, and use it to execute
# the graph to build TRT engines.
def my_input_fn():
  for _ in range(num_runs):
    inp1 = np.load(here / "small_cnn_input.npy")
    yield (inp1,)

converter.build(input_fn=my_input_fn)  # Generate corresponding TRT engines
converter.save(output_saved_model_dir, overwrite=True)  # Generated engines will be saved.
converter.summary()

image = np.load(here / "small_cnn_input.npy")
graph_func = tftrt.saved_model.load(output_saved_model_dir).signatures["serving_default"]
probs = graph_func(image=image)["probs"]
error = np.abs(probs - np.load(here / "small_cnn_probs.npy")).max()
print(f"example 2: probs {probs.shape}, max |tftrt - TensorFlow| = {error:.2e}")
assert error < 2e-2
