"""Conformance cases for quantization simulation: FakeQuantWithMinMaxArgs / Vars and
QuantizeAndDequantizeV2 / V3 / V4 (runtime/ops/quantization_ops.cc), whose ranges INT8
engines without calibration use.

Inputs include exact ties of the quantization grid (x * scale = k + 0.5), where the
rounding modes differ.
"""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

r = tf.raw_ops
rng = np.random.default_rng(11)
CASES = []


def add(name, fn, inputs):
    CASES.append(Case(name, fn, inputs))


def normal(shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# Multiples of 1/254 around +-1: ties for the symmetric 8-bit grid of range [-1, 1].
TIES = (np.arange(-300, 301, dtype=np.float32) / 254.0).reshape(1, -1)

# ---------------------------------------------------------------- FakeQuantWithMinMaxArgs


def fq_args(**attrs):
    return lambda x: r.FakeQuantWithMinMaxArgs(inputs=x, **attrs)


add("fake_quant_args_default", fq_args(), [normal((4, 33), 4.0)])
add("fake_quant_args_asymmetric", fq_args(min=-1.3, max=4.1), [normal((3, 5, 7), 2.0)])
add("fake_quant_args_narrow_4bit", fq_args(min=-2.0, max=2.0, num_bits=4, narrow_range=True),
    [normal((50,), 1.5)])
add("fake_quant_args_positive_min", fq_args(min=0.5, max=3.0), [normal((40,), 2.0)])
add("fake_quant_args_ties", fq_args(min=-1.0, max=1.0), [TIES])
add("fake_quant_args_16bit", fq_args(min=-8.0, max=8.0, num_bits=16), [normal((64,), 3.0)])
add("fake_quant_args_min_not_below_max", fq_args(min=1.0, max=1.0), [normal((4,))])
add("fake_quant_args_bad_bits", fq_args(num_bits=17), [normal((4,))])

# ---------------------------------------------------------------- FakeQuantWithMinMaxVars


def fq_vars(**attrs):
    return lambda x, lo, hi: r.FakeQuantWithMinMaxVars(inputs=x, min=lo, max=hi, **attrs)


add("fake_quant_vars", fq_vars(), [normal((4, 33), 4.0), np.float32(-3.0), np.float32(5.0)])
add("fake_quant_vars_narrow", fq_vars(num_bits=6, narrow_range=True),
    [normal((2, 3, 11), 2.0), np.float32(-2.5), np.float32(2.5)])
add("fake_quant_vars_ties", fq_vars(), [TIES, np.float32(-1.0), np.float32(1.0)])
add("fake_quant_vars_zero_range", fq_vars(), [normal((10,)), np.float32(0.0), np.float32(0.0)])

# ---------------------------------------------------------------- QuantizeAndDequantizeV2 / V4


def qdq(op, **attrs):
    return lambda x, lo, hi: op(input=x, input_min=lo, input_max=hi, **attrs)


for version, op in (("v2", r.QuantizeAndDequantizeV2), ("v4", r.QuantizeAndDequantizeV4)):
    add(f"qdq_{version}_observed_range", qdq(op), [normal((5, 17), 3.0), np.float32(0),
                                                  np.float32(0)])
    add(f"qdq_{version}_given_range", qdq(op, range_given=True),
        [normal((5, 17), 3.0), np.float32(-2.0), np.float32(4.0)])
add("qdq_v2_given_range_ties_half_to_even", qdq(r.QuantizeAndDequantizeV2, range_given=True),
    [TIES, np.float32(-1.0), np.float32(1.0)])
add("qdq_v2_given_range_ties_half_up",
    qdq(r.QuantizeAndDequantizeV2, range_given=True, round_mode="HALF_UP"),
    [TIES, np.float32(-1.0), np.float32(1.0)])
add("qdq_v2_narrow_unsigned_6bit",
    qdq(r.QuantizeAndDequantizeV2, range_given=True, narrow_range=True, signed_input=False,
        num_bits=6),
    [normal((40,), 2.0), np.float32(0.0), np.float32(3.0)])
add("qdq_v2_min_side_decides", qdq(r.QuantizeAndDequantizeV2, range_given=True),
    [normal((40,), 4.0), np.float32(-10.0), np.float32(5.0)])
# TF's V2 and V4 take no per-channel range (they want input_min both a scalar and a vector).
add("qdq_v2_per_channel_given", qdq(r.QuantizeAndDequantizeV2, range_given=True, axis=1),
    [normal((2, 3, 5), 2.0), np.array([-1.0, -2.0, -0.5], np.float32),
     np.array([1.0, 3.0, 0.5], np.float32)])
add("qdq_v2_per_channel_observed", qdq(r.QuantizeAndDequantizeV2, axis=2),
    [normal((2, 3, 4), 2.0), np.zeros((4,), np.float32), np.zeros((4,), np.float32)])
add("qdq_v2_inverted_range", qdq(r.QuantizeAndDequantizeV2, range_given=True),
    [normal((4,)), np.float32(1.0), np.float32(-1.0)])

# ---------------------------------------------------------------- QuantizeAndDequantizeV3


def qdq_v3(**attrs):
    return lambda x, lo, hi, bits: r.QuantizeAndDequantizeV3(input=x, input_min=lo, input_max=hi,
                                                             num_bits=bits, **attrs)


add("qdq_v3_given_range", qdq_v3(range_given=True),
    [normal((6, 9), 2.0), np.float32(-3.0), np.float32(3.0), np.int32(8)])
add("qdq_v3_observed_4bit", qdq_v3(), [normal((6, 9), 2.0), np.float32(0), np.float32(0),
                                       np.int32(4)])
add("qdq_v3_per_channel_given", qdq_v3(range_given=True, axis=1),
    [normal((2, 3, 5), 2.0), np.array([-1.0, -2.0, -0.5], np.float32),
     np.array([1.0, 3.0, 0.5], np.float32), np.int32(8)])
add("qdq_v3_bad_bits", qdq_v3(range_given=True),
    [normal((4,)), np.float32(-1.0), np.float32(1.0), np.int32(0)])
