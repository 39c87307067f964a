#!/usr/bin/env python3
"""Times one SavedModel signature in TensorFlow and in `tftrt bench`, in the same run on
the same machine, and prints the latency ratio.

Usage (after scripts/test.sh made the fixtures):
  .venv/bin/python bench/cpu_vs_tensorflow.py .fixtures/models/resnet50 [--case DIR] [--runs N]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixture", help="fixture directory (with model/ and cases/)")
    parser.add_argument("--signature", default="serving_default")
    parser.add_argument("--case", default="0")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--tftrt", default="build/tftrt")
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


if __name__ == "__main__":
    main()
