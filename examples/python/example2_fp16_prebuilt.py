#!/usr/bin/env python3
"""Example 2 of TF's tf.experimental.tensorrt.Converter page (FP16 with pre-built
engines), with tftrt, on the bundled example model (one input: `image`).

Usage: example2_fp16_prebuilt.py [OUTPUT_DIR]   (default /tmp/tftrt-python-example/example2)

main() is the page's code on any model (python/tests/test_examples.py runs it on a
two-input one)."""

import sys
from pathlib import Path

import numpy as np

import tftrt


def main(my_dir, output_saved_model_dir, runs):
  """Converts `my_dir` to FP16, builds an engine for each input set of `runs` (tuples of
  input arrays, in the signature's order) and saves it; returns the converted model,
  loaded."""
  num_runs = len(runs)

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
    for i in range(num_runs):
      yield runs[i]

  converter.build(input_fn=my_input_fn)  # Generate corresponding TRT engines
  converter.save(output_saved_model_dir, overwrite=True)  # Generated engines will be saved.
  converter.summary()
  return tftrt.saved_model.load(output_saved_model_dir)


if __name__ == "__main__":
  here = Path(__file__).resolve().parent.parent
  output_saved_model_dir = (sys.argv[1] if len(sys.argv) > 1
                            else "/tmp/tftrt-python-example/example2")
  image = np.load(here / "small_cnn_input.npy")
  loaded = main(str(here / "small_cnn"), output_saved_model_dir, [(image,)] * 4)
  graph_func = loaded.signatures["serving_default"]
  probs = graph_func(image=image)["probs"]
  error = np.abs(probs - np.load(here / "small_cnn_probs.npy")).max()
  print(f"example 2: probs {probs.shape}, max |tftrt - TensorFlow| = {error:.2e}")
  assert error < 2e-2
