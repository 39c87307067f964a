"""JAX/XLA peer of tftrt on the GPU (bench/gpu/run.sh runs it): the benchmark's models
written in plain jax.numpy and jax.lax (no flax: only jax and numpy are there), NHWC
images, compiled by jax.jit per batch size. FP16 runs float16 weights and inputs; TF32
runs float32 with jax.default_matmul_precision("tensorfloat32").

Throughput: `iterations` back-to-back calls then block_until_ready, wall time, median of
common.REPEATS repeats. Batch-1 latency: each call until block_until_ready, median and
p99 of common.LATENCY_SAMPLES calls. Peak memory: the compiled program's own need
(XLA's memory_analysis: arguments + outputs + temporaries), since the device's
peak_bytes_in_use cannot be reset between measurements. Compile time and XLA's own FLOP
count (cost_analysis) are reported beside. One JSON line per figure (common.emit).
"""
import argparse
import functools
import os
import time

# Allocate as needed rather than 75% of the card up front, so that this process leaves
# room when something else holds the GPU; XLA's allocator still pools what it took.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402

from common import (BERT, MODELS, Budget, add_plan_args, emit, make_inputs, note,  # noqa: E402
                    plan, throughput_and_latency)


class Params:
    """The weights a model asks for by name and shape. One model function serves twice:
    traced abstractly with a recording Params (values=None) to learn what weights exist,
    then with the real values inside jit."""

    def __init__(self, values=None, dtype=jnp.float32):
        self.values, self.dtype, self.shapes = values, dtype, {}

    def __call__(self, name, shape, role="weight"):
        if self.values is None:
            self.shapes[name] = (tuple(shape), role)
            return jnp.zeros(shape, self.dtype)
        return self.values[name]


def random_values(shapes, dtype, seed=0):
    """Random weights for the recorded shapes: fan-in scaled weights (activations keep
    their scale through deep stacks, so FP16 neither overflows nor underflows), batch-norm
    and layer-norm scales near 1, small shifts."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, (shape, role) in shapes.items():
        if role == "scale":
            value = rng.uniform(0.5, 1.5, shape)
        elif role == "shift":
            value = rng.uniform(-0.1, 0.1, shape)
        else:
            fan_in = int(np.prod(shape[:-1])) or 1
            value = rng.uniform(-1, 1, shape) * np.sqrt(3.0 / fan_in)
        values[name] = jnp.asarray(value, dtype)
    return values


# ---------------------------------------------------------------- layers

def conv(p, name, x, out_channels, kernel, stride=1, padding="SAME", groups=1):
    """NHWC convolution, HWIO weights; groups == channels is a depthwise convolution."""
    w = p(name, (kernel, kernel, x.shape[-1] // groups, out_channels))
    return lax.conv_general_dilated(x, w, (stride, stride), padding,
                                    dimension_numbers=("NHWC", "HWIO", "NHWC"),
                                    feature_group_count=groups)


def batch_norm(p, name, x):
    """Inference batch norm as the per-channel scale and shift it amounts to."""
    channels = x.shape[-1]
    return x * p(name + "/scale", (channels,), "scale") + p(name + "/shift", (channels,), "shift")


def dense(p, name, x, units):
    return x @ p(name + "/kernel", (x.shape[-1], units)) + p(name + "/bias", (units,), "shift")


def layer_norm(p, name, x):
    """LayerNorm over the last axis, statistics in float32 (as PyTorch's and Keras' are)."""
    x32 = x.astype(jnp.float32)
    mean = x32.mean(-1, keepdims=True)
    var = jnp.square(x32 - mean).mean(-1, keepdims=True)
    y = ((x32 - mean) * lax.rsqrt(var + BERT["layer_norm_eps"])).astype(x.dtype)
    return y * p(name + "/gamma", x.shape[-1:], "scale") + p(name + "/beta", x.shape[-1:], "shift")


def global_average_pool(x):
    return x.astype(jnp.float32).mean((1, 2)).astype(x.dtype)


# ---------------------------------------------------------------- models

def resnet50(p, image):
    """keras.applications.ResNet50 (v1: a downsampling block strides in its first 1x1)."""
    x = conv(p, "conv1", image, 64, 7, 2, ((3, 3), (3, 3)))
    x = jax.nn.relu(batch_norm(p, "conv1_bn", x))
    x = lax.reduce_window(x, -jnp.inf, lax.max, (1, 3, 3, 1), (1, 2, 2, 1),
                          ((0, 0), (1, 1), (1, 1), (0, 0)))
    for stage, (width, blocks, stride) in enumerate(((64, 3, 1), (128, 4, 2), (256, 6, 2),
                                                     (512, 3, 2)), start=2):
        for block in range(blocks):
            name = "conv%d_block%d" % (stage, block + 1)
            s = stride if block == 0 else 1
            shortcut = x
            if block == 0:
                shortcut = batch_norm(p, name + "_0_bn", conv(p, name + "_0", x, 4 * width, 1, s))
            y = jax.nn.relu(batch_norm(p, name + "_1_bn", conv(p, name + "_1", x, width, 1, s)))
            y = jax.nn.relu(batch_norm(p, name + "_2_bn", conv(p, name + "_2", y, width, 3)))
            y = batch_norm(p, name + "_3_bn", conv(p, name + "_3", y, 4 * width, 1))
            x = jax.nn.relu(shortcut + y)
    return dense(p, "predictions", global_average_pool(x), 1000)


def mobilenet_v2(p, image):
    """keras.applications.MobileNetV2, alpha 1.0: inverted residual blocks (expansion t,
    channels c, repeats n, first stride s)."""
    relu6 = lambda t: jnp.clip(t, 0, 6)  # noqa: E731
    x = relu6(batch_norm(p, "Conv1_bn", conv(p, "Conv1", image, 32, 3, 2)))
    block = 0
    for t, c, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)):
        for i in range(n):
            name, stride = "block_%d" % block, s if i == 0 else 1
            y = x
            if t != 1:
                y = relu6(batch_norm(p, name + "_expand_bn",
                                     conv(p, name + "_expand", y, t * x.shape[-1], 1)))
            # Keras pads a strided depthwise convolution by (0, 1) (ZeroPadding2D, then
            # "valid"): what "SAME" does for the even sizes here.
            y = relu6(batch_norm(p, name + "_depthwise_bn",
                                 conv(p, name + "_depthwise", y, y.shape[-1], 3, stride,
                                      groups=y.shape[-1])))
            y = batch_norm(p, name + "_project_bn", conv(p, name + "_project", y, c, 1))
            x = x + y if stride == 1 and x.shape[-1] == c else y
            block += 1
    x = relu6(batch_norm(p, "Conv_1_bn", conv(p, "Conv_1", x, 1280, 1)))
    return dense(p, "predictions", global_average_pool(x), 1000)


def bert_base(p, input_ids, attention_mask, attention="xla"):
    """The BERT-base encoder of make_models.py: embeddings, LayerNorm, 12 post-LN blocks of
    masked multi-head attention (jax.nn.dot_product_attention, `attention` its
    implementation) and an exact-GELU MLP."""
    hidden, heads = BERT["hidden"], BERT["heads"]
    x = jnp.take(p("word_embeddings", (BERT["vocab"], hidden)), input_ids, axis=0)
    x = layer_norm(p, "embeddings_ln", x + p("position_embeddings", (BERT["seq"], hidden)))
    keys_mask = attention_mask.astype(bool)[:, None, None, :]  # [batch, 1, 1, seq]
    batch, seq = input_ids.shape
    for i in range(BERT["layers"]):
        def heads_of(t):  # [batch, seq, hidden] -> [batch, seq, heads, head size]
            return t.reshape(batch, seq, heads, hidden // heads)
        q, k, v = (heads_of(dense(p, "layer%d/%s" % (i, n), x, hidden))
                   for n in ("query", "key", "value"))
        context = jax.nn.dot_product_attention(q, k, v, mask=keys_mask, implementation=attention)
        context = dense(p, "layer%d/attention_output" % i, context.reshape(batch, seq, hidden),
                        hidden)
        x = layer_norm(p, "layer%d/attention_ln" % i, x + context)
        h = jax.nn.gelu(dense(p, "layer%d/intermediate" % i, x, BERT["intermediate"]),
                        approximate=False)
        x = layer_norm(p, "layer%d/output_ln" % i, x + dense(p, "layer%d/output" % i, h, hidden))
    return x


MODEL_FUNCTIONS = {"resnet50": resnet50, "mobilenet_v2": mobilenet_v2, "bert_base": bert_base}


def device_inputs(name, batch, dtype):
    """common.make_inputs on the device: images in `dtype`, token ids and masks int32."""
    arrays = make_inputs(MODELS[name], batch)
    return [jnp.asarray(a, dtype if a.dtype == np.float32 else a.dtype) for a in arrays.values()]


def make_params(name, dtype):
    """Random weights of the model's recorded shapes (traced at batch 1, without running)."""
    recorder = Params(dtype=dtype)
    model = MODEL_FUNCTIONS[name]
    jax.eval_shape(lambda *xs: model(recorder, *xs), *device_inputs(name, 1, dtype))
    return random_values(recorder.shapes, dtype)


def compile_model(name, params, inputs, precision):
    """The jit-compiled model for these inputs' shapes, and what it was compiled with.
    BERT's attention is cuDNN's fused kernel where it compiles (FP16; jax's default is
    its XLA implementation), else XLA's."""
    matmul_precision = "tensorfloat32" if precision == "TF32" else "default"
    variants = [{}]
    if name == "bert_base":
        variants = [{"attention": "cudnn"}, {"attention": "xla"}] if precision == "FP16" else [
            {"attention": "xla"}]
    for i, options in enumerate(variants):
        model = functools.partial(MODEL_FUNCTIONS[name], **options)
        try:
            with jax.default_matmul_precision(matmul_precision):
                return jax.jit(lambda values, *xs: model(Params(values), *xs)).lower(
                    params, *inputs).compile(), options
        except Exception as error:  # noqa: BLE001  (try the next variant)
            if i == len(variants) - 1:
                raise
            note("jax-xla %s: %s failed (%s); trying the next" % (name, options, str(error)[:200]))


def timed_calls(run, iterations):
    """Milliseconds per call over `iterations` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(iterations):
        out = run()
    out.block_until_ready()
    return (time.perf_counter() - start) * 1e3 / iterations


def measure(run, batch):
    """Throughput (and at batch 1 latency) of `run`, after warming up."""
    for _ in range(3):
        run().block_until_ready()
    return throughput_and_latency(lambda n: timed_calls(run, n),
                                  lambda: run().block_until_ready(), batch)


def analyses(compiled, batch):
    """XLA's FLOPs per item and the program's memory (arguments + outputs + temporaries)."""
    figures = {}
    try:
        cost = compiled.cost_analysis()
        cost = cost[0] if isinstance(cost, (list, tuple)) else cost
        figures["xla_gflops_per_item"] = cost["flops"] / batch / 1e9
    except Exception:  # noqa: BLE001  (an analysis some versions lack is not a failure)
        pass
    try:
        memory = compiled.memory_analysis()
        figures["peak_mem_mib"] = (memory.argument_size_in_bytes + memory.output_size_in_bytes +
                                   memory.temp_size_in_bytes) / 2 ** 20
    except Exception:  # noqa: BLE001
        pass
    return figures


# Seconds a measurement is assumed to need before it is started: XLA's compile (with
# autotuning) before the first one of a model is known, then the largest seen.
FIRST_COMPILE_COST_S = 40
MEASURE_COST_S = 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_plan_args(parser)
    args = parser.parse_args()
    budget = Budget(args.deadline, args.budget_s)
    note("jax %s on %s" % (jax.__version__, jax.devices()[0].device_kind))
    params_cache, compile_cost = {}, {}
    for name, precision, batch in plan(args):
        task = dict(system="jax-xla", model=name, precision=precision, batch=batch)
        cost = MEASURE_COST_S + compile_cost.get(name, FIRST_COMPILE_COST_S)
        if not budget.fits(cost):
            emit("skip", reason="time budget (%.0f s left, needs ~%.0f s)"
                 % (budget.left_s(), cost), **task)
            continue
        note("jax-xla %s %s batch %d" % (name, precision, batch))
        dtype = jnp.float16 if precision == "FP16" else jnp.float32
        try:
            if (name, precision) not in params_cache:
                params_cache.clear()  # one model's weights on the device at a time
                params_cache[(name, precision)] = make_params(name, dtype)
            params = params_cache[(name, precision)]
            inputs = device_inputs(name, batch, dtype)
            start = time.perf_counter()
            compiled, options = compile_model(name, params, inputs, precision)
            setup_s = time.perf_counter() - start
            compile_cost[name] = max(compile_cost.get(name, 0), setup_s)
            figures = measure(lambda: compiled(params, *inputs), batch)
            emit("measure", setup_s=setup_s, **options, **figures, **analyses(compiled, batch),
                 **task)
        except Exception as error:  # noqa: BLE001  (one failed figure must not end the run)
            emit("skip", reason="error: %s" % str(error)[:300], **task)


if __name__ == "__main__":
    main()
