"""What every part of the GPU benchmark shares (bench/gpu/run.sh and its scripts): the
models and their inputs, the measurement plan, timing statistics, the time budget and
the JSON-lines records that bench/gpu/report.py merges into one table.

Imports only the standard library and numpy, so that TensorFlow's venv (make_models.py),
the PyTorch and the JAX processes can all use it.
"""
import dataclasses
import json
import math
import statistics
import sys
import time

import numpy as np

# BERT-base as in Devlin et al. (and transformers' BertConfig defaults), at sequence 128.
BERT = dict(vocab=30522, hidden=768, layers=12, heads=12, intermediate=3072, seq=128,
            layer_norm_eps=1e-12)


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    name: str
    inputs: dict        # signature input key -> (shape without batch, numpy dtype name)
    output: str         # the output key compared between backends
    batches: tuple      # in priority order: the headline throughput batch first, then 1
    precisions: tuple   # "FP16"; "TF32" = float32 storage with TF32 tensor-core math


MODELS = {
    "resnet50": ModelSpec("resnet50", {"image": ((224, 224, 3), "float32")}, "logits",
                          (128, 1, 256, 32), ("FP16", "TF32")),
    "mobilenet_v2": ModelSpec("mobilenet_v2", {"image": ((224, 224, 3), "float32")}, "logits",
                              (128, 1, 32), ("FP16",)),
    "bert_base": ModelSpec("bert_base", {"input_ids": ((BERT["seq"],), "int32"),
                                         "attention_mask": ((BERT["seq"],), "int32")},
                           "last_hidden_state", (128, 1, 32), ("FP16",)),
}


def make_inputs(spec, batch, seed=0):
    """The same inputs for every system: images uniform in [-1, 1]; token ids uniform over
    the vocabulary; attention masks of ones followed by padding zeros (lengths from half
    the sequence to all of it), so that the mask is really used."""
    rng = np.random.default_rng(seed)
    inputs = {}
    for key, (shape, dtype) in spec.inputs.items():
        if key == "input_ids":
            inputs[key] = rng.integers(0, BERT["vocab"], (batch,) + shape).astype(dtype)
        elif key == "attention_mask":
            lengths = rng.integers(shape[0] // 2, shape[0] + 1, batch)
            inputs[key] = (np.arange(shape[0])[None, :] < lengths[:, None]).astype(dtype)
        else:
            inputs[key] = rng.uniform(-1, 1, (batch,) + shape).astype(dtype)
    return inputs


def plan(args):
    """(model, precision, batch) for each measurement that the --models, --precisions and
    --batches arguments (add_plan_args) select, in priority order, so that a run cut short
    by its time budget has the headline numbers: every model's first batch (the throughput
    one) at its first precision, then batch 1 (latency), and so on."""
    tasks = []
    for m_rank, name in enumerate(args.models):
        spec = MODELS[name]
        for p_rank, precision in enumerate(selected(spec.precisions, args.precisions)):
            for b_rank, batch in enumerate(selected(spec.batches, args.batches)):
                tasks.append(((b_rank, p_rank, m_rank), name, precision, batch))
    return [task[1:] for task in sorted(tasks)]


def selected(values, only):
    """`values` (in their order) that are in `only`; all of them when `only` is None."""
    return [v for v in values if only is None or v in only]


def median_and_p99(samples):
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered), p99


def iterations_for(batch_ms, target_ms=200.0, low=5, high=200):
    """Iterations per timed repeat so that one repeat takes about target_ms: short batches
    are repeated more, so that launch overhead and timer resolution average out."""
    return int(min(high, max(low, target_ms / max(batch_ms, 1e-3))))


# Timed repeats per throughput figure (the median is reported) and batch-1 latency samples
# (median and p99 are reported).
REPEATS = 5
LATENCY_SAMPLES = 200


def median_of_repeats(time_once):
    """The median of REPEATS calls of time_once(), a time in milliseconds."""
    return statistics.median(time_once() for _ in range(REPEATS))


def throughput_and_latency(time_batches, run_to_completion, batch):
    """The figures of one warmed-up system, the same way for every framework:
    time_batches(n) gives the milliseconds per batch over n back-to-back batches (the
    framework's device timer); run_to_completion() runs one batch and waits for it.
    Throughput: the median of REPEATS repeats of about 200 ms each. At batch 1, latency too:
    wall time of LATENCY_SAMPLES single batches, median and p99."""
    iterations = iterations_for(time_batches(3))
    batch_ms = median_of_repeats(lambda: time_batches(iterations))
    figures = dict(batch_ms=batch_ms, items_per_s=batch / batch_ms * 1e3)
    if batch == 1:
        samples = []
        for _ in range(LATENCY_SAMPLES):
            start = time.perf_counter()
            run_to_completion()
            samples.append((time.perf_counter() - start) * 1e3)
        figures["latency_ms_median"], figures["latency_ms_p99"] = median_and_p99(samples)
    return figures


class Budget:
    """A wall-clock deadline for one process: the earlier of run.sh's deadline for the whole
    benchmark (--deadline, seconds since the epoch) and this process's own share
    (--budget-s). Work whose estimated cost does not fit is skipped with a record."""

    def __init__(self, deadline=None, budget_s=None):
        ends = [t for t in (deadline, time.time() + budget_s if budget_s else None) if t]
        self.end = min(ends) if ends else math.inf

    def left_s(self):
        return self.end - time.time()

    def fits(self, cost_s):
        return self.left_s() >= cost_s


def add_plan_args(parser):
    """The arguments every benchmark process takes: what to measure, and its time budget."""
    def comma_list(kind=str):
        return lambda text: [kind(v) for v in text.split(",")]
    parser.add_argument("--models", type=comma_list(), default=list(MODELS),
                        help="comma-separated, of %s (default: all)" % ", ".join(MODELS))
    parser.add_argument("--precisions", type=comma_list(),
                        help="only these (comma-separated, of FP16, TF32)")
    parser.add_argument("--batches", type=comma_list(int),
                        help="only these batch sizes (comma-separated)")
    parser.add_argument("--deadline", type=float,
                        help="start no measurement after this time (seconds since the epoch)")
    parser.add_argument("--budget-s", type=float, help="this process's own time budget")


def emit(kind, **fields):
    """One JSON line on stdout: a measurement ('measure'), a skipped one ('skip', with a
    reason), a model's FLOPs ('flops'), a matmul peak ('peak'), tftrt's conversion time
    ('convert') or a correctness check ('check'). report.py reads them back."""
    print(json.dumps(dict(kind=kind, **fields), sort_keys=True), flush=True)


def note(message):
    """Human-readable progress: on stderr, so that stdout stays JSON lines."""
    print(message, file=sys.stderr, flush=True)
