"""Conformance cases for the ops of deployed spatial / sequence / video models:
SpaceToBatchND, BatchToSpaceND, SpaceToDepth, DepthToSpace, Roll, ScatterNd,
TensorScatterUpdate, TensorScatterAdd, UnsortedSegment{Sum,Max,Min,Prod}, MatrixBandPart,
CheckNumerics(V2), StringFormat, ResizeBicubic, Conv3D, MaxPool3D, AvgPool3D, with TF's
error cases."""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

rng = np.random.default_rng(11)
raw = tf.raw_ops


def randn(*shape, dtype=np.float32):
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-50, 50, shape).astype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    return rng.standard_normal(shape).astype(dtype)


def i32(*values):
    return np.array(values, np.int32)


CASES = []


def add(name, fn, inputs):
    CASES.append(Case(name, fn, inputs))


# ---- SpaceToBatchND / BatchToSpaceND ----
s2b = lambda x, b, p: raw.SpaceToBatchND(input=x, block_shape=b, paddings=p)  # noqa: E731
b2s = lambda x, b, c: raw.BatchToSpaceND(input=x, block_shape=b, crops=c)  # noqa: E731
for dtype in [np.float32, np.float16, np.int32, np.int64, np.bool_]:
    name = np.dtype(dtype).name
    add("space_to_batch_2d_" + name, s2b,
        [randn(2, 4, 6, 3, dtype=dtype), i32(2, 2), np.array([[0, 0], [2, 0]], np.int32)])
    add("batch_to_space_2d_" + name, b2s,
        [randn(8, 2, 3, 3, dtype=dtype), i32(2, 2), np.array([[0, 1], [1, 0]], np.int32)])
add("space_to_batch_1d_dilated", s2b,
    [randn(2, 9, 4), i32(2), np.array([[2, 3]], np.int64)])
add("space_to_batch_int64_block", s2b,
    [randn(1, 6, 4, 2), np.array([3, 2], np.int64), np.array([[0, 0], [1, 1]], np.int64)])
add("space_to_batch_rank5_partial", s2b,
    [randn(2, 4, 6, 2, 3), i32(2), np.array([[0, 0]], np.int32)])
add("space_to_batch_err_not_divisible", s2b,
    [randn(1, 5, 4, 1), i32(2, 2), np.zeros((2, 2), np.int32)])
add("space_to_batch_err_negative_pad", s2b,
    [randn(1, 4, 4, 1), i32(2, 2), np.array([[-2, 2], [0, 0]], np.int32)])
add("space_to_batch_err_block_zero", s2b,
    [randn(1, 4, 4, 1), i32(0, 2), np.zeros((2, 2), np.int32)])
add("batch_to_space_1d", b2s, [randn(6, 4, 5), i32(3), np.array([[1, 2]], np.int32)])
add("batch_to_space_err_batch", b2s,
    [randn(6, 2, 2, 1), i32(2, 2), np.zeros((2, 2), np.int32)])
add("batch_to_space_err_crop", b2s,
    [randn(4, 2, 2, 1), i32(2, 2), np.array([[3, 3], [0, 0]], np.int32)])

# ---- SpaceToDepth / DepthToSpace ----
for dtype in [np.float32, np.float16, np.int32, np.int64, np.uint8]:
    name = np.dtype(dtype).name
    add("space_to_depth_" + name, lambda x: raw.SpaceToDepth(input=x, block_size=2),
        [randn(2, 4, 6, 3, dtype=dtype)])
    add("depth_to_space_" + name, lambda x: raw.DepthToSpace(input=x, block_size=2),
        [randn(2, 3, 2, 8, dtype=dtype)])
add("space_to_depth_block3", lambda x: raw.SpaceToDepth(input=x, block_size=3),
    [randn(1, 6, 3, 2)])
add("depth_to_space_block3", lambda x: raw.DepthToSpace(input=x, block_size=3),
    [randn(1, 2, 2, 18)])
add("space_to_depth_err_nchw",
    lambda x: raw.SpaceToDepth(input=x, block_size=2, data_format="NCHW"), [randn(1, 2, 4, 4)])
add("depth_to_space_err_nchw",
    lambda x: raw.DepthToSpace(input=x, block_size=2, data_format="NCHW"), [randn(1, 8, 2, 2)])

# ---- Roll ----
roll = lambda x, s, a: raw.Roll(input=x, shift=s, axis=a)  # noqa: E731
for dtype in [np.float32, np.float16, np.int32, np.int64, np.bool_]:
    add("roll_2d_" + np.dtype(dtype).name, roll, [randn(3, 5, dtype=dtype), i32(2, -1), i32(0, 1)])
add("roll_scalar_shift", roll, [randn(4, 6), np.int32(7), np.int32(-1)])
add("roll_repeated_axis", roll, [randn(2, 3, 4), i32(1, 2, -5), i32(2, 2, 0)])
add("roll_int64_shift", roll, [randn(5), np.array([-12], np.int64), np.array([0], np.int64)])
add("roll_err_axis", roll, [randn(2, 3), i32(1), i32(2)])

# ---- ScatterNd / TensorScatterUpdate / TensorScatterAdd ----
scatter = lambda i, u, s: raw.ScatterNd(indices=i, updates=u, shape=s)  # noqa: E731
tsu = lambda t, i, u: raw.TensorScatterUpdate(tensor=t, indices=i, updates=u)  # noqa: E731
tsa = lambda t, i, u: raw.TensorScatterAdd(tensor=t, indices=i, updates=u)  # noqa: E731
for dtype in [np.float32, np.float16, np.int32, np.int64]:
    name = np.dtype(dtype).name
    add("scatter_nd_" + name, scatter,
        [np.array([[1], [3], [1]], np.int32), randn(3, 4, dtype=dtype), i32(5, 4)])
    add("tensor_scatter_update_" + name, tsu,
        [randn(4, 3, dtype=dtype), np.array([[0, 1], [3, 2]], np.int32), randn(2, dtype=dtype)])
    add("tensor_scatter_add_" + name, tsa,
        [randn(4, 3, dtype=dtype), np.array([[2], [0], [2]], np.int64), randn(3, 3, dtype=dtype)])
add("scatter_nd_string_duplicates", scatter,
    [np.array([[1], [1], [0]], np.int32), np.array([b"a", b"b", b"c"]), i32(3)])
add("scatter_nd_bool_duplicates", scatter,
    [np.array([[1], [3], [1]], np.int32), np.array([True, False, False]), i32(5)])
add("tensor_scatter_update_bool", tsu,
    [randn(5, dtype=np.bool_), np.array([[4], [0]], np.int32), np.array([True, False])])
add("scatter_nd_batched_indices", scatter,
    [np.array([[[0, 0], [1, 2]], [[2, 1], [0, 0]]], np.int32), randn(2, 2, 3), i32(3, 3, 3)])
add("scatter_nd_err_out_of_range", scatter,
    [np.array([[1], [5]], np.int32), randn(2, 4), i32(5, 4)])
add("scatter_nd_err_negative_index", scatter,
    [np.array([[-1]], np.int32), randn(1, 4), i32(5, 4)])
add("tensor_scatter_update_err_out_of_range", tsu,
    [randn(4, 3), np.array([[0, 3]], np.int32), randn(1)])

# ---- UnsortedSegment* ----
SEGMENT_OPS = {"sum": raw.UnsortedSegmentSum, "max": raw.UnsortedSegmentMax,
               "min": raw.UnsortedSegmentMin, "prod": raw.UnsortedSegmentProd}
for op_name, op in SEGMENT_OPS.items():
    seg = lambda d, i, n, op=op: op(data=d, segment_ids=i, num_segments=n)  # noqa: E731
    for dtype in [np.float32, np.float16, np.int32, np.int64]:
        # Segment 2 is empty (identity value), -1 is dropped.
        add("unsorted_segment_%s_%s" % (op_name, np.dtype(dtype).name), seg,
            [randn(6, 3, dtype=dtype) % 7 if np.issubdtype(dtype, np.integer)
             else randn(6, 3, dtype=dtype), i32(0, 1, 0, -1, 3, 1), np.int32(4)])
    add("unsorted_segment_%s_2d_ids" % op_name, seg,
        [randn(2, 3, 4), np.array([[0, 2, 2], [1, 0, -1]], np.int64), np.int64(3)])
for op_name in ["max", "min"]:
    # TF's std::max / std::min(new, current): a NaN arriving wins, a value after it too.
    add("unsorted_segment_%s_nan" % op_name,
        lambda d, i, n, op=SEGMENT_OPS[op_name]: op(data=d, segment_ids=i, num_segments=n),
        [np.array([1.0, np.nan, np.nan, 1.0, 2.0], np.float32), i32(0, 0, 1, 1, 2), np.int32(3)])
add("unsorted_segment_sum_err_range", lambda d, i, n: raw.UnsortedSegmentSum(
    data=d, segment_ids=i, num_segments=n), [randn(3, 2), i32(0, 3, 1), np.int32(3)])

# ---- MatrixBandPart ----
band = lambda x, lo, up: raw.MatrixBandPart(input=x, num_lower=lo, num_upper=up)  # noqa: E731
for dtype in [np.float32, np.float16, np.int32, np.int64, np.bool_]:
    add("matrix_band_part_causal_" + np.dtype(dtype).name, band,
        [randn(2, 5, 5, dtype=dtype), np.int64(-1), np.int64(0)])
add("matrix_band_part_tridiagonal", band, [randn(4, 6), np.int32(1), np.int32(1)])
add("matrix_band_part_upper", band, [randn(3, 6, 4), np.int64(0), np.int64(-1)])
add("matrix_band_part_err_bound", band, [randn(3, 4), np.int64(4), np.int64(0)])
add("matrix_band_part_err_rank", band, [randn(4), np.int64(0), np.int64(0)])

# ---- CheckNumerics / CheckNumericsV2 ----
for v2, op in [("", raw.CheckNumerics), ("_v2", raw.CheckNumericsV2)]:
    for dtype in [np.float32, np.float16, np.float64]:
        add("check_numerics%s_ok_%s" % (v2, np.dtype(dtype).name),
            lambda x, op=op: op(tensor=x, message="checked"), [randn(3, 4, dtype=dtype)])
    for what, values in [("nan", [1.0, np.nan]), ("inf", [np.inf, 2.0]),
                         ("neg_inf", [-np.inf, 0.0]), ("all", [np.inf, -np.inf, np.nan])]:
        add("check_numerics%s_err_%s" % (v2, what),
            lambda x, op=op: op(tensor=x, message="bad values"), [np.array(values, np.float32)])

# ---- StringFormat ----
fmt = lambda template, summarize=3: (  # noqa: E731
    lambda *xs: raw.StringFormat(inputs=list(xs), template=template, placeholder="{}",
                                 summarize=summarize))
add("string_format_floats", fmt("x = {}", -1),
    [np.array([0.1, 1.2345678, 1e10, 1e-7, -0.0, 100.0, 123456789.0, np.nan, np.inf, -np.inf],
              np.float32)])
add("string_format_matrix", fmt("{}"), [np.arange(100, dtype=np.int32).reshape(10, 10)])
add("string_format_3d", fmt("t: {}", 2), [np.arange(60, dtype=np.int64).reshape(3, 4, 5)])
add("string_format_two", fmt("a={} b={}!"), [np.array(2.5, np.float32), np.array([True, False])])
add("string_format_half_double", fmt("{} {}", 5),
    [np.array([0.1, 1.5], np.float16), np.array([0.1, 1 / 3], np.float64)])
add("string_format_strings", fmt("{}"), [np.array([b"a", b"b\n\"c"])])
add("string_format_empty", fmt("[{}]"), [np.zeros((0, 3), np.float32)])
add("string_format_summarize_zero", fmt("{} {}", 0), [np.arange(5, dtype=np.int32),
                                                        np.array(7, np.int32)])
add("string_format_small_ints", fmt("{} {}"), [np.arange(7, dtype=np.int8),
                                               np.arange(4, dtype=np.uint8)])

# ---- ResizeBicubic ----
bicubic = lambda **attrs: (lambda x, s: raw.ResizeBicubic(images=x, size=s, **attrs))  # noqa
BICUBIC_MODES = {"legacy": {}, "align": dict(align_corners=True),
                 "half": dict(half_pixel_centers=True)}
for mode, attrs in BICUBIC_MODES.items():
    for geometry, shape, out in [("up", (1, 4, 5, 3), (9, 7)), ("down", (2, 9, 8, 2), (4, 3)),
                                 ("same", (1, 4, 4, 1), (4, 4)), ("from_1x1", (1, 1, 1, 2), (3, 2)),
                                 ("to_1x1", (1, 5, 4, 2), (1, 1))]:
        add("resize_bicubic_%s_%s" % (mode, geometry), bicubic(**attrs),
            [randn(*shape) * 10, i32(*out)])
for dtype in [np.uint8, np.int32, np.float16, np.float64]:
    add("resize_bicubic_half_" + np.dtype(dtype).name, bicubic(half_pixel_centers=True),
        [(np.abs(randn(1, 5, 6, 3)) * 40).astype(dtype), i32(8, 4)])
add("resize_bicubic_err_modes", bicubic(align_corners=True, half_pixel_centers=True),
    [randn(1, 3, 3, 1), i32(5, 5)])
add("resize_bicubic_err_size", bicubic(), [randn(1, 3, 3, 1), i32(0, 5)])

# ---- Conv3D / MaxPool3D / AvgPool3D ----
def conv3d(strides=(1, 1, 1, 1, 1), padding="SAME", dilations=(1, 1, 1, 1, 1), **kw):
    return lambda x, f: raw.Conv3D(input=x, filter=f, strides=list(strides), padding=padding,
                                   dilations=list(dilations), **kw)


add("conv3d_same", conv3d(), [randn(2, 4, 5, 6, 3), randn(3, 3, 3, 3, 4)])
add("conv3d_valid_strided", conv3d((1, 2, 1, 2, 1), "VALID"),
    [randn(1, 7, 6, 8, 2), randn(3, 2, 3, 2, 5)])
add("conv3d_same_strided", conv3d((1, 2, 2, 2, 1)), [randn(1, 5, 6, 7, 3), randn(2, 3, 2, 3, 2)])
# No dilated case: the op cases come from TF's reference CPU kernels (oneDNN off, as
# scripts/test.sh makes them), which refuse Conv3D dilations; the video_conv3d fixture
# (oneDNN on, TF's default) checks dilated Conv3D against TF.
# 1600 output voxels of an 864-wide receptive field: the im2col buffer fills more than once.
add("conv3d_chunks", conv3d(), [randn(1, 4, 20, 20, 32), randn(3, 3, 3, 32, 4) * 0.1])
add("conv3d_float64", conv3d(), [randn(1, 3, 4, 4, 2, dtype=np.float64),
                                 randn(2, 2, 2, 2, 3, dtype=np.float64)])
add("conv3d_err_batch_stride", conv3d((2, 1, 1, 1, 1)), [randn(2, 4, 4, 4, 2),
                                                         randn(2, 2, 2, 2, 3)])


def pool3d(op, ksize, strides, padding):
    return lambda x: op(input=x, ksize=list(ksize), strides=list(strides), padding=padding)


for op_name, op in [("max", raw.MaxPool3D), ("avg", raw.AvgPool3D)]:
    add("%s_pool3d_same" % op_name, pool3d(op, (1, 2, 3, 3, 1), (1, 2, 2, 2, 1), "SAME"),
        [randn(2, 5, 7, 6, 3)])
    add("%s_pool3d_valid" % op_name, pool3d(op, (1, 3, 2, 2, 1), (1, 1, 2, 1, 1), "VALID"),
        [randn(1, 6, 6, 5, 2)])
    add("%s_pool3d_err_batch" % op_name, pool3d(op, (2, 2, 2, 2, 1), (1, 1, 1, 1, 1), "VALID"),
        [randn(2, 4, 4, 4, 2)])
add("avg_pool3d_float16", pool3d(raw.AvgPool3D, (1, 2, 2, 2, 1), (1, 2, 2, 2, 1), "SAME"),
    [randn(1, 3, 4, 5, 2, dtype=np.float16)])
# NCDHW pooling: TF's own CPU kernel rejects it ("Default Pooling3DOp only supports NDHWC"),
# but a session with oneDNN rewrites the node to its NCDHW-capable kernel; tftrt follows
# the default kernel (tests/runtime/spatial_ops_test.cc would catch a change).

# Errors that TF's shape functions already raise when a graph is built (block sizes that do
# not divide, ranks, mismatched shift/axis sizes) cannot be written as cases; the kernels
# check them too (tests/runtime/spatial_ops_test.cc).
