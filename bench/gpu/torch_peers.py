"""PyTorch peers of tftrt on the GPU (bench/gpu/run.sh runs them): the benchmark's models
with the same architecture, timed as PyTorch users run them:

  eager      the module as is: channels_last images, cudnn.benchmark, inference_mode
  cudagraph  the eager module captured once in a CUDA graph and replayed (no launch cost)
  compile    torch.compile, default mode, static shapes (compiled per batch size; its
             compile time is reported and counted against the time budget)

Every figure has its inputs already on the device. Throughput: CUDA events around
`iterations` back-to-back batches, median of common.REPEATS repeats. Batch-1 latency:
wall time from the call to the end of a synchronize, median and p99 of
common.LATENCY_SAMPLES calls. Peak memory: torch.cuda.max_memory_allocated since the
model was made (weights included). One JSON line per figure (common.emit), plus each
model's FLOPs per item (torch.utils.flop_counter) and, with --matmul-peak, the dense
matmul peak that the table's "% of peak" divides by.
"""
import argparse
import gc
import time

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

from common import (BERT, MODELS, Budget, add_plan_args, emit, make_inputs, median_of_repeats,
                    note, plan, throughput_and_latency)

MODES = ("eager", "cudagraph", "compile")


class BertLayer(nn.Module):
    """One post-LN BERT block, as the Keras model's: attention, add & norm, GELU
    feed-forward, add & norm. Attention is F.scaled_dot_product_attention (PyTorch's fused
    kernels) with the padding mask."""

    def __init__(self):
        super().__init__()
        hidden = BERT["hidden"]
        self.query, self.key, self.value, self.attention_output = (
            nn.Linear(hidden, hidden) for _ in range(4))
        self.attention_ln = nn.LayerNorm(hidden, eps=BERT["layer_norm_eps"])
        self.intermediate = nn.Linear(hidden, BERT["intermediate"])
        self.output = nn.Linear(BERT["intermediate"], hidden)
        self.output_ln = nn.LayerNorm(hidden, eps=BERT["layer_norm_eps"])

    def forward(self, x, keys_mask):
        batch, seq, hidden = x.shape

        def heads(t):  # [batch, seq, hidden] -> [batch, heads, seq, head size]
            return t.view(batch, seq, BERT["heads"], -1).transpose(1, 2)

        attention = F.scaled_dot_product_attention(
            heads(self.query(x)), heads(self.key(x)), heads(self.value(x)), attn_mask=keys_mask)
        attention = attention.transpose(1, 2).reshape(batch, seq, hidden)
        x = self.attention_ln(x + self.attention_output(attention))
        return self.output_ln(x + self.output(F.gelu(self.intermediate(x))))  # exact GELU


class BertEncoder(nn.Module):
    """BERT-base encoder as bench/gpu/make_models.py builds it in Keras. Written here
    rather than taken from transformers' BertModel (same layers, plus token-type
    embeddings) so that it needs no download and no version of transformers, and so that
    the padding mask never asks the host anything (BertModel checks it, which breaks
    CUDA-graph capture)."""

    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(BERT["vocab"], BERT["hidden"])
        self.position_embeddings = nn.Parameter(torch.randn(BERT["seq"], BERT["hidden"]) * 0.02)
        self.embeddings_ln = nn.LayerNorm(BERT["hidden"], eps=BERT["layer_norm_eps"])
        self.layers = nn.ModuleList(BertLayer() for _ in range(BERT["layers"]))

    def forward(self, input_ids, attention_mask):
        x = self.embeddings_ln(self.word_embeddings(input_ids) + self.position_embeddings)
        keys_mask = attention_mask.bool()[:, None, None, :]  # [batch, 1, 1, seq]
        for layer in self.layers:
            x = layer(x, keys_mask)
        return x


def keras_resnet50():
    """torchvision's ResNet50 made Keras' (v1): a downsampling block strides in its first
    1x1 convolution, not in its 3x3 as torchvision's v1.5 does (fewer FLOPs). Keras' 1x1
    convolutions also carry biases before batch norm; an inference engine folds them."""
    model = torchvision.models.resnet50()
    for stage in (model.layer2, model.layer3, model.layer4):
        stage[0].conv1.stride, stage[0].conv2.stride = (2, 2), (1, 1)
    return model


BUILDERS = {
    "resnet50": keras_resnet50,
    "mobilenet_v2": torchvision.models.mobilenet_v2,  # Keras' is the same network
    "bert_base": BertEncoder,
}


def set_precision(precision):
    """The dtype for `precision`; TF32 tensor-core math only for "TF32"."""
    tf32 = precision == "TF32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    return torch.float16 if precision == "FP16" else torch.float32


def make_model(name, dtype):
    with torch.device("cuda"):
        model = BUILDERS[name]().eval().to(dtype)
    if name != "bert_base":
        model = model.to(memory_format=torch.channels_last)
    return model


def device_inputs(name, batch, dtype):
    """common.make_inputs on the device: images as NCHW tensors in channels_last memory
    (the NHWC arrays' own layout), token ids and masks as int64."""
    arrays = make_inputs(MODELS[name], batch)
    if "image" in arrays:
        image = torch.from_numpy(arrays["image"]).to("cuda", dtype).permute(0, 3, 1, 2)
        return (image.contiguous(memory_format=torch.channels_last),)
    return tuple(torch.from_numpy(arrays[key]).to("cuda", torch.int64)
                 for key in ("input_ids", "attention_mask"))


def prepare(mode, model, inputs):
    """A function that enqueues one batch in `mode`, and the seconds that making it took
    (compiling, capturing)."""
    start = time.perf_counter()
    if mode == "eager":
        return (lambda: model(*inputs)), 0.0
    if mode == "compile":
        torch._dynamo.reset()  # each batch size compiles on its own, from scratch
        compiled = torch.compile(model, dynamic=False)
        compiled(*inputs)
        torch.cuda.synchronize()
        return (lambda: compiled(*inputs)), time.perf_counter() - start
    # cudagraph: warm up on a side stream (cuDNN's autotuning, allocations), then capture.
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):
            model(*inputs)
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        model(*inputs)
    torch.cuda.synchronize()
    return graph.replay, time.perf_counter() - start


def time_batches(run, iterations):
    """Milliseconds per batch over `iterations` back-to-back batches, by CUDA events."""
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iterations):
        run()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / iterations


def measure(run, batch):
    """Throughput (and at batch 1 latency) of `run`, after warming up."""
    for _ in range(5):  # cudnn.benchmark picks its algorithms on the first calls
        run()
    torch.cuda.synchronize()
    return throughput_and_latency(lambda n: time_batches(run, n),
                                  lambda: (run(), torch.cuda.synchronize()), batch)


def count_flops(name):
    """FLOPs of one item (2 per multiply-add) by torch.utils.flop_counter, at batch 1.
    Attention runs as plain matmuls here (the math backend), which the counter counts
    whichever fused kernel the device would otherwise pick."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode
    model = make_model(name, torch.float16)
    counter = FlopCounterMode(display=False)
    with torch.inference_mode(), sdpa_kernel(SDPBackend.MATH), counter:
        model(*device_inputs(name, 1, torch.float16))
    emit("flops", model=name, gflops_per_item=counter.get_total_flops() / 1e9,
         counter="torch.utils.flop_counter")


def matmul_peak():
    """Dense 8192^3 matmul throughput at FP16 and at TF32: what "% of peak" divides by."""
    n = 8192
    for precision in ("FP16", "TF32"):
        dtype = set_precision(precision)
        a, b = (torch.randn(n, n, device="cuda", dtype=dtype) for _ in range(2))
        time_batches(lambda: torch.matmul(a, b), 3)  # warm-up
        ms = median_of_repeats(lambda: time_batches(lambda: torch.matmul(a, b), 20))
        emit("peak", precision=precision, tflops=2 * n ** 3 / ms / 1e9,
             what="torch.matmul %d^3" % n)
    torch.cuda.empty_cache()


# Seconds a measurement is assumed to need before it is started, beyond compiling.
MEASURE_COST_S = 10
# torch.compile's cost before the first one of a model is known (then: the largest seen).
FIRST_COMPILE_COST_S = 60


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_plan_args(parser)
    parser.add_argument("--modes", default="eager,cudagraph",
                        help="comma-separated, of %s" % ", ".join(MODES))
    parser.add_argument("--matmul-peak", action="store_true", help="measure the matmul peak")
    parser.add_argument("--flops", action="store_true", help="count each model's FLOPs")
    args = parser.parse_args()
    budget = Budget(args.deadline, args.budget_s)
    modes = args.modes.split(",") if args.modes else []
    torch.backends.cudnn.benchmark = True
    try:
        if args.matmul_peak:
            matmul_peak()
        for name in args.models if args.flops else []:
            count_flops(name)
    except Exception as error:  # noqa: BLE001  (the table can do without them)
        emit("skip", system="torch", model=None, precision=None, batch=None,
             reason="matmul peak or FLOP count: %s" % str(error)[:300])
    compile_cost = {}
    for name, precision, batch in plan(args):
        task = dict(model=name, precision=precision, batch=batch)
        dtype = set_precision(precision)
        model = inputs = None
        for mode in modes:
            system = "torch-" + mode
            cost = MEASURE_COST_S + (compile_cost.get(name, FIRST_COMPILE_COST_S)
                                     if mode == "compile" else 0)
            if not budget.fits(cost):
                emit("skip", system=system, reason="time budget (%.0f s left, needs ~%.0f s)"
                     % (budget.left_s(), cost), **task)
                continue
            note("%s %s %s batch %d" % (system, name, precision, batch))
            try:
                torch.cuda.reset_peak_memory_stats()
                if model is None:
                    model = make_model(name, dtype)
                    inputs = device_inputs(name, batch, dtype)
                with torch.inference_mode():
                    run, setup_s = prepare(mode, model, inputs)
                    figures = measure(run, batch)
                if mode == "compile":
                    compile_cost[name] = max(compile_cost.get(name, 0), setup_s)
                emit("measure", system=system, setup_s=setup_s,
                     peak_mem_mib=torch.cuda.max_memory_allocated() / 2 ** 20, **figures, **task)
                del run
            except Exception as error:  # noqa: BLE001  (one failed figure must not end the run)
                emit("skip", system=system, reason="error: %s" % str(error)[:300], **task)
        del model, inputs
        gc.collect()
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
