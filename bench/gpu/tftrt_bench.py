"""tftrt's side of the GPU benchmark (bench/gpu/run.sh runs it), through the CLI only.
Per model:
  1. `tftrt randomize-weights` remakes the weights of the weightless copy (seed 1);
  2. `tftrt run --device cpu` on the unconverted model at batch 1: the reference;
  3. per precision, `tftrt convert --device cuda --require-engines` with an engine built
     for every batch size (--build-inputs-dir, --maximum-cached-engines), timed as one
     convert + build twice: with an empty timing cache of its own and an empty driver JIT
     cache (cold: every layer's candidates timed, cuDNN's run-time kernels compiled) and
     again with the caches that build wrote (warm); `tftrt summary`
     tells which ops stayed native; the converted model's batch-1 output is compared with
     the reference (`tftrt compare`);
  4. `tftrt bench` per batch size: its device compute (the engines' layers between CUDA
     events, inputs already on the device) gives items/s; at batch 1 the engine's
     device-resident latency (rerun on the inputs already on the device, launch to
     synchronize, as the peers time theirs) is the latency, where one engine runs the whole
     model, and the host-to-host median (copying inputs and outputs between host and device
     included) is reported beside it; its peak device memory is what the engines held
     (weights, activations, workspace, staging).
One JSON line per figure (common.emit).
"""
import argparse
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np

from common import MODELS, Budget, add_plan_args, emit, make_inputs, note, selected

# Relative error allowed between the engines and the cpu reference, as the converted
# fixture tests allow against TensorFlow (tests/testing/tensor_compare: EngineTolerance).
TOLERANCE = {"FP16": 2e-2, "TF32": 5e-3}


def tftrt(binary, *args, env=None):
    """Runs one tftrt command (in `env`, else this process's environment); its stdout. A
    failure raises with tftrt's own message."""
    result = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                            env=env)
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise RuntimeError("tftrt %s failed: %s" % (args[0], message[-1] if message else "?"))
    return result.stdout


def write_inputs(spec, batches, work):
    """One directory of NAME.npy files per batch size (tftrt's --inputs and, all together,
    --build-inputs-dir), batch 1 always (the correctness check's)."""
    shutil.rmtree(work / "inputs", ignore_errors=True)  # every directory there is built for
    dirs = {}
    for batch in sorted(set(batches) | {1}):
        dirs[batch] = work / "inputs" / ("batch%d" % batch)
        dirs[batch].mkdir(parents=True, exist_ok=True)
        for key, array in make_inputs(spec, batch).items():
            np.save(dirs[batch] / (key + ".npy"), array)
    return dirs


def native_ops(summary):
    """{op type: why} for the nodes `tftrt summary` lists as left native, graph boundaries
    aside; `why` is the reason's kind ("unsupported op", "engine limit", ...)."""
    nodes = re.findall(r"^\s+- '.*' \((\w+)\): ([^:]*)", summary, re.MULTILINE)
    return {op: why for op, why in sorted(nodes) if why != "graph boundary"}


def bench_figures(output, batch):
    """items/s from the engines' device compute (summed over engine nodes); as latency the
    device-resident median and p99 where one engine node ran the model, else the
    host-to-host ones; the engines' peak device memory."""
    host_ms = float(re.search(r"median ([\d.]+) ms", output).group(1))
    host_p99_ms = float(re.search(r"p99 ([\d.]+) ms", output).group(1))
    device_ms = sum(float(m) for m in re.findall(r"device compute ([\d.]+) ms per run", output))
    resident = re.findall(r"device-resident latency: median ([\d.]+) ms, p99 ([\d.]+) ms", output)
    figures = dict(host_to_host_ms=host_ms, host_to_host_p99_ms=host_p99_ms)
    if device_ms > 0:
        figures.update(batch_ms=device_ms, items_per_s=batch / device_ms * 1e3)
    if batch == 1:
        median, p99 = map(float, resident[0]) if len(resident) == 1 else (host_ms, host_p99_ms)
        figures.update(latency_ms_median=median, latency_ms_p99=p99,
                       latency_kind="device-resident" if len(resident) == 1 else "host to host")
    peak = re.search(r"peak device memory ([\d.]+) MiB", output)
    if peak:
        figures["peak_mem_mib"] = float(peak.group(1))
    return figures


def bench_model(args, name, budget):
    """Steps 1 and 2, then each precision."""
    binary, spec, work = args.tftrt, MODELS[name], args.work / name
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    tftrt(binary, "randomize-weights", args.weightless / name, work / "model", "--seed", 1,
          "--overwrite")
    note("tftrt %s: weights remade in %.1f s" % (name, time.perf_counter() - start))
    inputs = write_inputs(spec, selected(spec.batches, args.batches), work)
    tftrt(binary, "run", work / "model", "--inputs", inputs[1], "--output-dir",
          work / "reference", "--device", "cpu")
    for precision in selected(spec.precisions, args.precisions):
        if not budget.fits(60):
            emit("skip", system="tftrt", model=name, precision=precision, batch=None,
                 reason="time budget (%.0f s left)" % budget.left_s())
            continue
        try:
            bench_precision(args, spec, precision, inputs, budget)
        except Exception as error:  # noqa: BLE001  (the other precisions may still work)
            emit("skip", system="tftrt", model=name, precision=precision, batch=None,
                 reason="error: %s" % str(error)[:400])


def bench_precision(args, spec, precision, inputs, budget):
    """Steps 3 and 4 for one precision."""
    binary, name, work = args.tftrt, spec.name, args.work / spec.name
    converted = work / precision
    cache = work / ("timing-cache-" + precision)
    cache.unlink(missing_ok=True)
    # The cold build also starts with an empty driver JIT cache (CUDA_CACHE_PATH): kernels
    # that cuDNN compiles at run time and an earlier process on this machine left there
    # would make a cold build look warm. The warm build keeps what the cold one cached.
    jit_cache = work / ("cuda-cache-" + precision)
    shutil.rmtree(jit_cache, ignore_errors=True)
    build_env = dict(os.environ, CUDA_CACHE_PATH=str(jit_cache))
    seconds = {}
    for state in ("cold", "warm"):  # the second build finds every layer's timing in the cache
        start = time.perf_counter()
        tftrt(binary, "convert", work / "model", converted, "--precision",
              "FP16" if precision == "FP16" else "FP32", "--device", args.device,
              "--require-engines", "--maximum-cached-engines", len(inputs), "--build-inputs-dir",
              work / "inputs", "--timing-cache", cache, "--overwrite", env=build_env)
        seconds[state] = time.perf_counter() - start
    left_native = native_ops(tftrt(binary, "summary", converted))
    emit("convert", system="tftrt", model=name, precision=precision, seconds=seconds["cold"],
         warm_seconds=seconds["warm"], batches=sorted(inputs), native_ops=left_native)
    outputs = work / ("outputs_" + precision)
    # run and bench load the engines the converts built with the warm timing cache, so that
    # compiling them at load times nothing (as a deployment that keeps its cache): the
    # timing's scratch tensors are not in the engines' peak memory.
    tftrt(binary, "run", converted, "--inputs", inputs[1], "--output-dir", outputs, "--device",
          args.device, "--require-engines", "--timing-cache", cache)
    compared = subprocess.run(
        [str(binary), "compare", outputs / (spec.output + ".npy"),
         work / "reference" / (spec.output + ".npy"), "--tolerance", str(TOLERANCE[precision])],
        capture_output=True, text=True)
    error = re.search(r"relative error ([^ ]+)", compared.stdout)
    emit("check", system="tftrt", model=name, precision=precision, batch=1,
         relative_error=float(error.group(1)) if error else None,
         tolerance=TOLERANCE[precision], ok=compared.returncode == 0,
         against="tftrt %s engines vs the unconverted model on the cpu (FP32)" % args.device)
    for batch in selected(spec.batches, args.batches):
        if not budget.fits(15):
            emit("skip", system="tftrt", model=name, precision=precision, batch=batch,
                 reason="time budget (%.0f s left)" % budget.left_s())
            continue
        runs = 200 if batch == 1 else 50
        output = tftrt(binary, "bench", converted, "--inputs", inputs[batch], "--runs", runs,
                       "--warmup", 5, "--device", args.device, "--require-engines",
                       "--timing-cache", cache)
        emit("measure", system="tftrt", model=name, precision=precision, batch=batch,
             native_ops=left_native, **bench_figures(output, batch))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_plan_args(parser)
    parser.add_argument("--tftrt", required=True, type=Path, help="the tftrt binary (with cuda)")
    parser.add_argument("--weightless", required=True, type=Path,
                        help="directory of the weightless models (<model>/ each)")
    parser.add_argument("--work", required=True, type=Path, help="scratch directory")
    parser.add_argument("--device", default="cuda",
                        help="where the engines run (cpu: to try this script without a GPU)")
    args = parser.parse_args()
    budget = Budget(args.deadline, args.budget_s)
    for name in args.models:
        try:
            bench_model(args, name, budget)
        except Exception as error:  # noqa: BLE001  (one model failing must not end the run)
            emit("skip", system="tftrt", model=name, precision=None, batch=None,
                 reason="error: %s" % str(error)[:400])


if __name__ == "__main__":
    main()
