#!/usr/bin/env python3
"""Times one SavedModel signature in TensorFlow and in `tftrt bench`, in the same run on
the same machine, and prints the latency ratios. With --convert, it also times `tftrt
convert` (FP32 and FP16, engines pre-built for the input) and benches the converted models,
so the engines on the cpu backend are compared with the native runtime and with TF.

Usage (after scripts/test.sh made the fixtures):
  .venv/bin/python bench/cpu_vs_tensorflow.py .fixtures/models/resnet50 [--case DIR] [--runs N]
      [--convert]
The inputs are the fixture's recorded inputs (<fixture>/cases/<signature>/0/inputs/*.npy).
"""
import argparse
import glob
import os
import re
import statistics
import subprocess
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def time_tensorflow(model_dir, signature, inputs, runs, warmup):
    start = time.perf_counter()
    fn = tf.saved_model.load(model_dir).signatures[signature]
    load_ms = (time.perf_counter() - start) * 1e3
    feed = {k: tf.constant(v) for k, v in inputs.items()}
    for _ in range(warmup):
        fn(**feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(**feed)
        times.append((time.perf_counter() - start) * 1e3)
    return load_ms, statistics.median(times)


def time_tftrt(tftrt, model_dir, signature, input_files, runs, warmup):
    args = [tftrt, "bench", model_dir, "--signature", signature, "--runs", str(runs),
            "--warmup", str(warmup)]
    for name, path in input_files.items():
        args += ["--input", "%s=%s" % (name, path)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    match = re.search(r"load ([\d.]+) ms; \d+ runs: median ([\d.]+) ms", out)
    return float(match.group(1)), float(match.group(2))


def convert(tftrt, model_dir, signature, input_files, precision, out_dir):
    """Runs `tftrt convert` with engines built for the inputs; returns its wall time (ms)."""
    args = [tftrt, "convert", model_dir, out_dir, "--overwrite", "--precision", precision,
            "--signature", signature]
    for name, path in input_files.items():
        args += ["--build-input", "%s=%s" % (name, path)]
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, text=True)
    return (time.perf_counter() - start) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixture", help="fixture directory (with model/ and cases/)")
    parser.add_argument("--signature", default="serving_default")
    parser.add_argument("--case", default="0")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--tftrt", default="build/tftrt")
    parser.add_argument("--convert", action="store_true",
                        help="also convert (FP32, FP16) and bench the converted models")
    parser.add_argument("--converted-dir", default="/tmp/tftrt-bench-converted")
    args = parser.parse_args()
    model_dir = os.path.join(args.fixture, "model")
    case_dir = os.path.join(args.fixture, "cases", args.signature, args.case, "inputs")
    input_files = {os.path.basename(p)[:-4]: p for p in glob.glob(case_dir + "/*.npy")}
    inputs = {k: np.load(p) for k, p in input_files.items()}
    shapes = ", ".join("%s%s" % (k, list(v.shape)) for k, v in inputs.items())

    tf_load, tf_ms = time_tensorflow(model_dir, args.signature, inputs, args.runs, args.warmup)
    rt_load, rt_ms = time_tftrt(args.tftrt, model_dir, args.signature, input_files, args.runs,
                                args.warmup)
    print("model %s, inputs %s, %d runs after %d warm-up, %d CPU cores"
          % (args.fixture, shapes, args.runs, args.warmup, os.cpu_count()))
    print("TensorFlow %s: load %.0f ms, median run %.2f ms" % (tf.__version__, tf_load, tf_ms))
    print("tftrt:            load %.0f ms, median run %.2f ms" % (rt_load, rt_ms))
    print("tftrt / TensorFlow run time: %.2fx (lower is better)" % (rt_ms / tf_ms))
    if not args.convert:
        return
    for precision in ("FP32", "FP16"):
        out_dir = os.path.join(args.converted_dir, precision)
        convert_ms = convert(args.tftrt, model_dir, args.signature, input_files, precision,
                             out_dir)
        load, run = time_tftrt(args.tftrt, out_dir, args.signature, input_files, args.runs,
                               args.warmup)
        print("tftrt %s engines: convert+build %.0f ms, load %.0f ms, median run %.2f ms "
              "(%.2fx native tftrt, %.2fx TensorFlow)"
              % (precision, convert_ms, load, run, run / rt_ms, run / tf_ms))


if __name__ == "__main__":
    main()
