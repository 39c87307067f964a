#!/usr/bin/env python3
"""Example 3 of TF's tf.experimental.tensorrt.Converter page (INT8 with calibration), with
tftrt, on the bundled example model (one input: `image`). INT8 engines run on the CPU
with integer arithmetic (on GPUs their native segments run, for now).

Usage: example3_int8.py [OUTPUT_DIR]   (default /tmp/tftrt-python-example/example3)

main() is the page's code on any model (python/tests/test_examples.py runs it on a
two-input one)."""

import sys
from pathlib import Path

import numpy as np

import tftrt


def main(my_dir, output_saved_model_dir, runs):
  """Converts `my_dir` to INT8, calibrated on `runs` (tuples of input arrays, in the
  signature's order, all of the same shapes), builds an engine for each and saves it;
  returns the converted model, loaded."""
  num_runs = len(runs)

  params = tftrt.ConversionParams(
      precision_mode='INT8',
      # Currently only one INT8 engine is supported in this mode.
      maximum_cached_engines=1,
      use_calibration=True)
  converter = tftrt.Converter(
      input_saved_model_dir=my_dir, conversion_params=params)

  # Define a generator function that yields input data, and run INT8
  # calibration with the data. All input data should have the same shape.
  # At the end of convert(), the calibration stats (e.g. range information)
  # will be saved and can be used to generate more TRT engines with different
  # shapes. Also, one TRT engine will be generated (with the same shape as
  # the calibration data) for save later.
  def my_calibration_input_fn():
    for i in range(num_runs):
      yield runs[i]
  converter.convert(calibration_input_fn=my_calibration_input_fn)

  # (Optional) Generate more TRT engines offline (same as the previous
  # option), to avoid the cost of generating them during inference.
  def my_input_fn():
    for i in range(num_runs):
      yield runs[i]
  converter.build(input_fn=my_input_fn)

  # Save the TRT engine and the engines.
  converter.save(output_saved_model_dir, overwrite=True)
  return tftrt.saved_model.load(output_saved_model_dir)


if __name__ == "__main__":
  here = Path(__file__).resolve().parent.parent
  output_saved_model_dir = (sys.argv[1] if len(sys.argv) > 1
                            else "/tmp/tftrt-python-example/example3")
  image = np.load(here / "small_cnn_input.npy")
  loaded = main(str(here / "small_cnn"), output_saved_model_dir, [(image,)] * 4)
  probs = loaded.signatures["serving_default"](image=image)["probs"]
  error = np.abs(probs - np.load(here / "small_cnn_probs.npy")).max()
  print(f"example 3: INT8 probs {probs.shape}, max |tftrt - TensorFlow| = {error:.2e}")
  assert error < 5e-2
