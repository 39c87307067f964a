"""Conformance cases for reductions (Sum, Mean, Prod, Max, Min, All, Any, EuclideanNorm),
ArgMax / ArgMin and Cumsum / Cumprod (runtime/ops/reduction_ops.cc).

Axes are tensor inputs, so the kernels read them at run time; a bad axis value is a
run-time error that TF reports too.
"""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

r = tf.raw_ops
rng = np.random.default_rng(11)
CASES = []


def add(name, fn, inputs):
    CASES.append(Case(name, fn, inputs))


def normal(shape, dtype=np.float32, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def ints(shape, dtype=np.int32, low=-50, high=50):
    return rng.integers(low, high, size=shape).astype(dtype)


def axes(values, dtype=np.int32):
    return np.array(values, dtype)


def reduce(op, keep_dims=None):
    if keep_dims is None:
        return lambda x, a: getattr(r, op)(input=x, axis=a)
    return lambda x, a: getattr(r, op)(input=x, axis=a, keep_dims=keep_dims)


# (name, input shape, axes)
AXIS_PATTERNS = [
    ("all_1d", (17,), [0]),
    ("last", (4, 6), [1]),
    ("first", (4, 6), [0]),
    ("both", (4, 6), [0, 1]),
    ("middle", (3, 5, 4), [1]),
    ("outer_inner", (3, 5, 4), [0, 2]),
    ("hw_nhwc", (2, 7, 7, 16), [1, 2]),
    ("alternating", (2, 3, 4, 5, 2), [0, 2, 4]),
    ("negative", (3, 5, 4), [-1, -3]),
    ("unsorted", (3, 5, 4), [2, 0]),
    ("none", (3, 4), []),
    ("size_one_axis", (3, 1, 4), [1]),
    ("scalar_input", (), []),
    ("zero_size_reduced", (0, 3), [0]),
    ("zero_size_kept", (0, 3), [1]),
    ("zero_size_all", (2, 0, 3), [0, 1, 2]),
]
REDUCE_TYPES = {
    "Sum": [np.float32, np.float64, np.int32, np.int64, np.float16, np.uint8, np.int8],
    "Mean": [np.float32, np.float64, np.int32, np.int64, np.float16, np.uint8, np.int16],
    "Prod": [np.float32, np.float64, np.int32, np.int64],
    "Max": [np.float32, np.float64, np.int32, np.int64, np.float16, np.uint8, np.int8],
    "Min": [np.float32, np.float64, np.int32, np.int64, np.float16, np.uint8, np.int8],
    "EuclideanNorm": [np.float32, np.float64, np.int32],
}


def reduce_input(op, dtype, shape):
    kind = np.dtype(dtype).kind
    if kind == "f":
        if op == "Prod":
            return rng.uniform(0.5, 1.5, size=shape).astype(dtype)
        if dtype == np.float16:  # small integers: every partial sum is exact in half
            return rng.integers(-4, 5, size=shape).astype(dtype)
        return normal(shape, dtype)
    if op == "Prod":
        return ints(shape, dtype, -3, 4) if kind == "i" else ints(shape, dtype, 0, 4)
    return ints(shape, dtype, -50, 50) if kind == "i" else ints(shape, dtype, 0, 100)


for op, dtypes in REDUCE_TYPES.items():
    for dtype in dtypes:
        dname = np.dtype(dtype).name
        patterns = AXIS_PATTERNS if dtype in (np.float32, np.int32) else AXIS_PATTERNS[:6]
        for name, shape, axis in patterns:
            x = reduce_input(op, dtype, shape)
            add("reduce_%s_%s_%s" % (op, dname, name), reduce(op), [x, axes(axis)])
    x = reduce_input(op, np.float32, (3, 5, 4))
    add("reduce_%s_keep_dims" % op, reduce(op, True), [x, axes([0, 2])])
    add("reduce_%s_keep_dims_all" % op, reduce(op, True), [x, axes([0, 1, 2])])
    add("reduce_%s_keep_dims_none" % op, reduce(op, True), [x, axes([])])
    add("reduce_%s_keep_dims_false" % op, reduce(op, False), [x, axes([1])])
    add("reduce_%s_int64_axes" % op, reduce(op), [x, axes([1, -1], np.int64)])
    add("reduce_%s_scalar_axis" % op, reduce(op), [x, np.int32(1)])
    add("reduce_%s_bad_axis_error" % op, reduce(op), [x, axes([3])])
    add("reduce_%s_bad_negative_axis_error" % op, reduce(op), [x, axes([-4])])
    add("reduce_%s_duplicate_axis_error" % op, reduce(op), [x, axes([1, -2])])
    add("reduce_%s_scalar_input_axis_error" % op, reduce(op), [np.float32(2), axes([0])])

for op in ["All", "Any"]:
    for name, shape, axis in AXIS_PATTERNS:
        add("reduce_%s_%s" % (op, name), reduce(op), [rng.random(shape) > 0.3, axes(axis)])
    add("reduce_%s_keep_dims" % op, reduce(op, True),
        [rng.random((3, 4)) > 0.5, axes([1])])
    add("reduce_%s_all_true" % op, reduce(op), [np.ones((3, 4), bool), axes([1])])
    add("reduce_%s_all_false" % op, reduce(op), [np.zeros((3, 4), bool), axes([0])])
    add("reduce_%s_bad_axis_error" % op, reduce(op), [np.ones((3, 4), bool), axes([2])])

# Accuracy: large float32 sums that a sequential float accumulator would get wrong.
add("reduce_Sum_large_f32", reduce("Sum"), [(normal((1 << 20,)) + 3.0).astype(np.float32), axes([0])])
add("reduce_Mean_large_f32", reduce("Mean"), [(normal((1 << 20,)) + 3.0).astype(np.float32), axes([0])])
add("reduce_Sum_large_columns", reduce("Sum"), [normal((4096, 64)) + 1.0, axes([0])])
add("reduce_Mean_global_pool", reduce("Mean", True), [normal((8, 7, 7, 2048)), axes([1, 2])])
add("reduce_Sum_ones_f32", reduce("Sum"), [np.full((1 << 24) + 8, 1.0, np.float32), axes([0])])
# Values where TF's definitions matter.
add("reduce_Mean_int32_truncates", reduce("Mean"), [axes([1, 2, 2, -7, 0, 0]).reshape(2, 3), axes([1])])
add("reduce_Mean_int32_no_overflow", reduce("Mean"),
    [np.array([2**31 - 1, 2**31 - 1, 1, -2**31, -2**31, 5], np.int32).reshape(2, 3), axes([1])])
add("reduce_Mean_int64_wraps", reduce("Mean"), [np.array([2**62] * 3, np.int64), axes([0])])
add("reduce_Mean_uint8", reduce("Mean"), [np.array([255, 254, 200, 200], np.uint8), axes([0])])
add("reduce_Mean_int8", reduce("Mean"), [np.array([-128, -128, -1], np.int8), axes([0])])
add("reduce_Mean_uint64_wraps", reduce("Mean"), [np.array([2**64 - 1] * 2, np.uint64), axes([0])])
add("reduce_Mean_int32_empty", reduce("Mean"), [np.zeros((0, 3), np.int32), axes([0])])
add("reduce_Sum_int32_wraps", reduce("Sum"), [np.array([2**31 - 1, 2**31 - 1, 1], np.int32), axes([0])])
add("reduce_Sum_uint8_wraps", reduce("Sum"), [np.array([200, 200, 200], np.uint8), axes([0])])
add("reduce_Prod_int32_wraps", reduce("Prod"), [np.array([2**16, 2**16, 3, 7], np.int32), axes([0])])
for op in ["Max", "Min", "Sum", "Mean", "Prod"]:
    add("reduce_%s_nan" % op, reduce(op),
        [np.array([[1, np.nan, 3], [np.nan, 1, 0], [2, 5, -1]], np.float32), axes([1])])
    add("reduce_%s_inf" % op, reduce(op),
        [np.array([[1, np.inf, 3], [-np.inf, 1, 0]], np.float32), axes([1])])
add("reduce_Max_int_extremes", reduce("Max"), [np.array([-2**31, -2**31], np.int32), axes([0])])
add("reduce_Min_empty_int64", reduce("Min"), [np.zeros((0, 2), np.int64), axes([0])])
add("reduce_Max_empty_f32", reduce("Max"), [np.zeros((0, 2), np.float32), axes([0])])
add("reduce_EuclideanNorm_negative_size_one", reduce("EuclideanNorm"),
    [np.array([[-3], [4]], np.float32), axes([1])])
add("reduce_EuclideanNorm_none", reduce("EuclideanNorm"),
    [np.array([[-3], [4]], np.float32), axes([])])
add("reduce_EuclideanNorm_int_truncates", reduce("EuclideanNorm"), [axes([3, 4, 1]), axes([0])])

# ---------------------------------------------------------------- ArgMax, ArgMin


def arg(op, output_type=None):
    if output_type is None:
        return lambda x, d: getattr(r, op)(input=x, dimension=d)
    return lambda x, d: getattr(r, op)(input=x, dimension=d, output_type=output_type)


for op in ["ArgMax", "ArgMin"]:
    for dtype in [np.float32, np.float64, np.int32, np.int64, np.float16, np.uint8, np.int8]:
        x = ints((4, 5, 6), dtype, 0, 100) if np.dtype(dtype).kind != "f" else normal((4, 5, 6), dtype)
        for axis in [0, 1, 2, -1]:
            add("arg_%s_%s_axis%d" % (op, np.dtype(dtype).name, axis), arg(op), [x, np.int32(axis)])
    add("arg_%s_bool" % op, arg(op), [np.array([[False, True, True], [True, False, False]]), np.int32(1)])
    add("arg_%s_int32_output" % op, arg(op, tf.int32), [normal((3, 4)), np.int32(1)])
    add("arg_%s_int64_dimension" % op, arg(op), [normal((3, 4)), np.int64(0)])
    add("arg_%s_ties" % op, arg(op), [np.array([[1, 3, 3, 1], [2, 2, 1, 1], [5, 5, 5, 5]], np.float32),
                                      np.int32(1)])
    add("arg_%s_nan" % op, arg(op),
        [np.array([[1, np.nan, 3], [1, 5, np.nan], [np.nan, 5, 3], [np.nan, np.nan, np.nan],
                   [np.nan, 2, np.nan]], np.float32), np.int32(1)])
    add("arg_%s_nan_f16" % op, arg(op), [np.array([np.nan, 2, 5, 1], np.float16), np.int32(0)])
    add("arg_%s_infs" % op, arg(op),
        [np.array([[-np.inf, -np.inf], [np.inf, np.inf], [-np.inf, np.nan]], np.float32), np.int32(1)])
    add("arg_%s_int_extremes" % op, arg(op),
        [np.array([[-2**31, -2**31], [2**31 - 1, 2**31 - 1]], np.int32), np.int32(1)])
    add("arg_%s_1d" % op, arg(op), [normal((100,)), np.int32(0)])
    add("arg_%s_empty_kept" % op, arg(op), [np.zeros((0, 3), np.float32), np.int32(1)])
    add("arg_%s_empty_axis_error" % op, arg(op), [np.zeros((0, 3), np.float32), np.int32(0)])
    add("arg_%s_bad_axis_error" % op, arg(op), [normal((2, 3)), np.int32(2)])
    add("arg_%s_bad_negative_axis_error" % op, arg(op), [normal((2, 3)), np.int32(-3)])

# ---------------------------------------------------------------- Cumsum, Cumprod


def scan(op, exclusive=False, reverse=False):
    return lambda x, a: getattr(r, op)(x=x, axis=a, exclusive=exclusive, reverse=reverse)


for op in ["Cumsum", "Cumprod"]:
    for exclusive in [False, True]:
        for reverse in [False, True]:
            suffix = ("_exclusive" if exclusive else "") + ("_reverse" if reverse else "")
            x = rng.uniform(0.5, 1.5, size=(3, 4, 5)).astype(np.float32)
            for axis in [0, 1, 2, -1]:
                add("scan_%s%s_axis%d" % (op, suffix, axis), scan(op, exclusive, reverse),
                    [x, np.int32(axis)])
    for dtype in [np.float64, np.int32, np.int64, np.float16, np.uint8]:
        x = (ints((4, 6), dtype, -3, 4) if np.dtype(dtype).kind == "i"
             else ints((4, 6), dtype, 0, 4) if np.dtype(dtype).kind == "u"
             else rng.integers(-3, 4, size=(4, 6)).astype(dtype))
        add("scan_%s_%s" % (op, np.dtype(dtype).name), scan(op), [x, np.int32(1)])
    add("scan_%s_int64_axis" % op, scan(op, True), [normal((3, 4)), np.int64(0)])
    add("scan_%s_1d" % op, scan(op), [normal((50,)), np.int32(0)])
    add("scan_%s_empty" % op, scan(op), [np.zeros((0, 3), np.float32), np.int32(1)])
    add("scan_%s_bad_axis_error" % op, scan(op), [normal((2, 3)), np.int32(2)])
add("scan_Cumsum_int32_wraps", scan("Cumsum"), [np.array([2**31 - 1, 1, 5], np.int32), np.int32(0)])
add("scan_Cumsum_f16_rounds", scan("Cumsum"), [np.full(3000, 0.1, np.float16), np.int32(0)])
add("scan_Cumsum_large", scan("Cumsum"), [normal((1000, 64)), np.int32(0)])
