#!/usr/bin/env python3
"""Example 1 of TF's tf.experimental.tensorrt.Converter page (FP32/FP16), with tftrt, on
the bundled example model. No engines are built: they are built at the first run.

Usage: example1_fp16.py [OUTPUT_DIR]   (default /tmp/tftrt-python-example/example1)

main() is the page's code on any model (python/tests/test_examples.py runs it on a
two-input one)."""

import sys
from pathlib import Path

import numpy as np

import tftrt


def main(my_dir, output_saved_model_dir):
  """Converts `my_dir` to FP16 and saves it; returns the converted model, loaded."""
  params = tftrt.ConversionParams(
      precision_mode='FP16')
  converter = tftrt.Converter(
      input_saved_model_dir=my_dir, conversion_params=params)
  converter.convert()
  converter.save(output_saved_model_dir, overwrite=True)

  # Use the converted model: tf.saved_model.load -> tftrt.saved_model.load.
  return tftrt.saved_model.load(output_saved_model_dir, tags=["serve"])


if __name__ == "__main__":
  here = Path(__file__).resolve().parent.parent
  output_saved_model_dir = (sys.argv[1] if len(sys.argv) > 1
                            else "/tmp/tftrt-python-example/example1")
  saved_model_loaded = main(str(here / "small_cnn"), output_saved_model_dir)
  image = np.load(here / "small_cnn_input.npy")
  graph_func = saved_model_loaded.signatures["serving_default"]
  probs = graph_func(image=image)["probs"]
  error = np.abs(probs - np.load(here / "small_cnn_probs.npy")).max()
  print(f"example 1: probs {probs.shape}, max |tftrt - TensorFlow| = {error:.2e}")
  assert error < 2e-2
