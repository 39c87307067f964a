"""Conformance cases for the array ops (shape manipulation, slicing, gathering, filling).

Index-like arguments (shapes, axes, begin/end, paddings, ...) are inputs, so the kernels
read them at run time; error cases use values that only fail at run time (TensorFlow's
graph-time shape inference does not see placeholder values).
"""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

rng = np.random.default_rng(0)
raw = tf.raw_ops


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def ints(*shape, dtype=np.int32, low=-50, high=50):
    return rng.integers(low, high, shape).astype(dtype)


def bools(*shape):
    return rng.integers(0, 2, shape).astype(bool)


def strs(*shape):
    n = int(np.prod(shape))
    return np.array([("s%d" % i).encode() * (i % 3 + 1) for i in range(n)]).reshape(shape)


def i32(values):
    return np.array(values, np.int32)


def i64(values):
    return np.array(values, np.int64)


CASES = []


def add(name, fn, inputs):
    CASES.append(Case(name, fn, inputs))


# --- Reshape -----------------------------------------------------------------------------
reshape = lambda x, s: raw.Reshape(tensor=x, shape=s)
add("reshape_f32", reshape, [f32(2, 3, 4), i32([4, 6])])
add("reshape_neg1", reshape, [f32(2, 3, 4), i32([-1, 4])])
add("reshape_int64_shape", reshape, [ints(2, 6, dtype=np.int64), i64([3, -1, 2])])
add("reshape_to_scalar", reshape, [f32(1, 1), i32([])])
add("reshape_from_scalar", reshape, [np.float32(3.5), i32([1, 1, 1])])
add("reshape_zero_size_neg1", reshape, [f32(0, 3), i32([-1, 3])])
add("reshape_zero_dim_and_neg1", reshape, [f32(2, 0, 3), i32([0, -1])])
add("reshape_str", reshape, [strs(2, 3), i32([3, 2])])
add("reshape_bool", reshape, [bools(4, 2), i32([2, 2, 2])])
add("reshape_f16", reshape, [f32(4, 2).astype(np.float16), i32([8])])
add("reshape_err_count", reshape, [f32(2, 3), i32([4, 2])])
add("reshape_err_two_neg1", reshape, [f32(2, 3), i32([-1, -1])])
add("reshape_err_not_multiple", reshape, [f32(2, 3), i32([-1, 4])])
add("reshape_err_negative", reshape, [f32(2, 3), i32([-2, 3])])

# --- ExpandDims / Squeeze ------------------------------------------------------------------
expand = lambda x, d: raw.ExpandDims(input=x, axis=d)
for dim in [0, 1, 3, -1, -4]:
    add("expand_dims_%s" % str(dim).replace("-", "m"), expand, [f32(2, 3, 4), np.int32(dim)])
add("expand_dims_int64_dim", expand, [ints(3), np.int64(1)])
add("expand_dims_scalar", expand, [np.float32(2), np.int32(0)])
add("expand_dims_str", expand, [strs(2), np.int32(-1)])
add("expand_dims_err_range", expand, [f32(2, 3), np.int32(4)])
add("expand_dims_err_range_neg", expand, [f32(2, 3), np.int32(-4)])
add("squeeze_all", lambda x: raw.Squeeze(input=x), [f32(1, 3, 1, 2, 1)])
add("squeeze_dims", lambda x: raw.Squeeze(input=x, axis=[0, -1]), [f32(1, 3, 1, 2, 1)])
add("squeeze_to_scalar", lambda x: raw.Squeeze(input=x), [f32(1, 1)])
add("squeeze_bool", lambda x: raw.Squeeze(input=x, axis=[1]), [bools(2, 1)])

# --- Shape, ShapeN, Size, Rank --------------------------------------------------------------
add("shape_i32", lambda x: raw.Shape(input=x), [f32(2, 3, 4)])
add("shape_i64", lambda x: raw.Shape(input=x, out_type=tf.int64), [f32(2, 0, 4)])
add("shape_scalar", lambda x: raw.Shape(input=x), [np.int32(7)])
add("shape_str", lambda x: raw.Shape(input=x), [strs(3)])
add("shape_n", lambda x, y: raw.ShapeN(input=[x, y]), [f32(2, 3), f32(4)])
add("shape_n_i64", lambda x, y: raw.ShapeN(input=[x, y], out_type=tf.int64), [f32(2), f32(1, 5)])
add("size_i32", lambda x: raw.Size(input=x), [f32(2, 3, 4)])
add("size_i64", lambda x: raw.Size(input=x, out_type=tf.int64), [bools(0, 3)])
add("size_scalar", lambda x: raw.Size(input=x), [np.float32(1)])
add("rank_4d", lambda x: raw.Rank(input=x), [f32(1, 2, 3, 4)])
add("rank_scalar", lambda x: raw.Rank(input=x), [np.int64(3)])

# --- Transpose ----------------------------------------------------------------------------
transpose = lambda x, p: raw.Transpose(x=x, perm=p)
add("transpose_2d", transpose, [f32(3, 5), i32([1, 0])])
add("transpose_nhwc_nchw", transpose, [f32(2, 5, 6, 3), i32([0, 3, 1, 2])])
add("transpose_nchw_nhwc", transpose, [f32(2, 3, 5, 6), i64([0, 2, 3, 1])])
add("transpose_5d", transpose, [f32(2, 3, 1, 4, 2), i32([4, 2, 0, 3, 1])])
add("transpose_identity", transpose, [f32(2, 3), i32([0, 1])])
add("transpose_i64", transpose, [ints(3, 4, 2, dtype=np.int64), i32([2, 0, 1])])
add("transpose_bool", transpose, [bools(3, 4), i32([1, 0])])
add("transpose_str", transpose, [strs(2, 3), i32([1, 0])])
add("transpose_u8", transpose, [ints(4, 3, 2, dtype=np.uint8, low=0, high=255), i32([1, 2, 0])])
add("transpose_f64", transpose, [f32(3, 2).astype(np.float64), i32([1, 0])])
add("transpose_c128", transpose,
    [(f32(2, 3) + 1j * f32(2, 3)).astype(np.complex128), i32([1, 0])])
add("transpose_empty", transpose, [f32(0, 3, 2), i32([2, 0, 1])])
add("transpose_scalar", transpose, [np.float32(5), i32([])])
add("transpose_err_dup", transpose, [f32(2, 3, 4), i32([0, 0, 1])])
add("transpose_err_range", transpose, [f32(2, 3, 4), i32([0, 1, 3])])
add("conjugate_transpose_c64", lambda x, p: raw.ConjugateTranspose(x=x, perm=p),
    [(f32(2, 3) + 1j * f32(2, 3)).astype(np.complex64), i32([1, 0])])
add("conjugate_transpose_f32", lambda x, p: raw.ConjugateTranspose(x=x, perm=p),
    [f32(2, 3, 4), i32([2, 1, 0])])

# --- ConcatV2 / Concat / ConcatOffset -------------------------------------------------------
concat2 = lambda a, b, axis: raw.ConcatV2(values=[a, b], axis=axis)
concat3 = lambda a, b, c, axis: raw.ConcatV2(values=[a, b, c], axis=axis)
add("concat_axis0", concat2, [f32(2, 3), f32(4, 3), np.int32(0)])
add("concat_axis1", concat2, [f32(2, 3), f32(2, 5), np.int32(1)])
add("concat_axis_neg1", concat3, [f32(2, 3, 1), f32(2, 3, 4), f32(2, 3, 2), np.int32(-1)])
add("concat_axis_neg3", concat2, [f32(1, 3, 2), f32(2, 3, 2), np.int32(-3)])
add("concat_axis_i64", concat2, [ints(2, 2), ints(2, 3), np.int64(1)])
add("concat_empty_piece", concat3, [f32(2, 0), f32(2, 3), f32(2, 0), np.int32(1)])
add("concat_all_empty", concat2, [f32(0, 3), f32(0, 3), np.int32(0)])
add("concat_str", concat2, [strs(2, 1), strs(2, 2), np.int32(1)])
add("concat_bool", concat2, [bools(3), bools(2), np.int32(0)])
add("concat_f16", concat2, [f32(2, 2).astype(np.float16), f32(2, 1).astype(np.float16),
                            np.int32(1)])
add("concat_nhwc_channels", concat2, [f32(1, 4, 4, 3), f32(1, 4, 4, 5), np.int32(3)])
add("concat_err_axis", concat2, [f32(2, 3), f32(2, 3), np.int32(2)])
add("concat_err_axis_neg", concat2, [f32(2, 3), f32(2, 3), np.int32(-3)])
add("concat_v1", lambda axis, a, b: raw.Concat(concat_dim=axis, values=[a, b]),
    [np.int32(1), f32(2, 3), f32(2, 1)])
add("concat_offset", lambda d, a, b, c: raw.ConcatOffset(concat_dim=d, shape=[a, b, c]),
    [np.int32(1), i32([2, 3, 5]), i32([2, 7, 5]), i32([2, 1, 5])])
add("concat_offset_neg", lambda d, a, b: raw.ConcatOffset(concat_dim=d, shape=[a, b]),
    [np.int32(-1), i32([2, 3]), i32([2, 4])])
add("concat_offset_err", lambda d, a, b: raw.ConcatOffset(concat_dim=d, shape=[a, b]),
    [np.int32(1), i32([2, 3]), i32([3, 4])])

# --- Pack / Unpack --------------------------------------------------------------------------
add("pack_axis0", lambda a, b, c: raw.Pack(values=[a, b, c], axis=0), [f32(2, 3)] * 3)
add("pack_axis1", lambda a, b: raw.Pack(values=[a, b], axis=1), [f32(2, 3), f32(2, 3)])
add("pack_axis_neg1", lambda a, b: raw.Pack(values=[a, b], axis=-1), [ints(2, 3), ints(2, 3)])
add("pack_scalars", lambda a, b, c: raw.Pack(values=[a, b, c]),
    [np.int32(1), np.int32(2), np.int32(3)])
add("pack_str", lambda a, b: raw.Pack(values=[a, b], axis=1), [strs(2), strs(2)])
add("pack_single", lambda a: raw.Pack(values=[a], axis=0), [f32(3)])
add("pack_empty", lambda a, b: raw.Pack(values=[a, b], axis=1), [f32(0, 2), f32(0, 2)])
add("unpack_axis0", lambda x: raw.Unpack(value=x, num=3, axis=0), [f32(3, 2, 4)])
add("unpack_axis1", lambda x: raw.Unpack(value=x, num=2, axis=1), [f32(3, 2, 4)])
add("unpack_axis_neg1", lambda x: raw.Unpack(value=x, num=4, axis=-1), [ints(3, 2, 4)])
add("unpack_1d", lambda x: raw.Unpack(value=x, num=3), [strs(3)])

# --- Split / SplitV -------------------------------------------------------------------------
add("split_axis0", lambda d, x: raw.Split(axis=d, value=x, num_split=2), [np.int32(0), f32(4, 3)])
add("split_axis1", lambda d, x: raw.Split(axis=d, value=x, num_split=3), [np.int32(1), f32(2, 6)])
add("split_axis_neg1", lambda d, x: raw.Split(axis=d, value=x, num_split=2),
    [np.int32(-1), ints(2, 3, 4)])
add("split_one", lambda d, x: raw.Split(axis=d, value=x, num_split=1), [np.int32(0), f32(3)])
add("split_err_uneven", lambda d, x: raw.Split(axis=d, value=x, num_split=2),
    [np.int32(1), f32(2, 3)])
add("split_err_axis", lambda d, x: raw.Split(axis=d, value=x, num_split=2),
    [np.int32(2), f32(2, 4)])
splitv3 = lambda x, s, d: raw.SplitV(value=x, size_splits=s, axis=d, num_split=3)
add("splitv_sizes", splitv3, [f32(2, 10), i32([2, 5, 3]), np.int32(1)])
add("splitv_neg1", splitv3, [f32(7, 2), i64([2, -1, 1]), np.int32(0)])
add("splitv_zero_piece", splitv3, [ints(3, 4), i32([0, 4, 0]), np.int32(-1)])
add("splitv_str", splitv3, [strs(5), i32([1, 1, 3]), np.int32(0)])
add("splitv_err_sum", splitv3, [f32(2, 10), i32([2, 5, 4]), np.int32(1)])
add("splitv_err_two_neg1", splitv3, [f32(2, 10), i32([-1, 5, -1]), np.int32(1)])
add("splitv_err_negative", splitv3, [f32(2, 10), i32([12, -2, 0]), np.int32(1)])
add("splitv_one", lambda x, s, d: raw.SplitV(value=x, size_splits=s, axis=d, num_split=1),
    [f32(2, 3), i32([3]), np.int32(1)])

# --- Slice --------------------------------------------------------------------------------
slice_ = lambda x, b, s: raw.Slice(input=x, begin=b, size=s)
add("slice_basic", slice_, [f32(4, 5, 6), i32([1, 0, 2]), i32([2, 5, 3])])
add("slice_size_neg1", slice_, [f32(4, 5), i32([1, 2]), i32([-1, -1])])
add("slice_int64", slice_, [ints(4, 5, dtype=np.int64), i64([0, 1]), i64([4, 3])])
add("slice_empty", slice_, [f32(4, 5), i32([2, 5]), i32([2, 0])])
add("slice_full", slice_, [f32(3, 2), i32([0, 0]), i32([3, 2])])
add("slice_str", slice_, [strs(3, 4), i32([1, 1]), i32([2, 2])])
add("slice_zero_dim", slice_, [f32(0, 3), i32([0, 1]), i32([0, 2])])
add("slice_err_begin", slice_, [f32(4, 5), i32([5, 0]), i32([1, 1])])
add("slice_err_size", slice_, [f32(4, 5), i32([2, 0]), i32([3, 1])])
add("slice_err_neg_begin", slice_, [f32(4, 5), i32([-1, 0]), i32([1, 1])])
add("slice_zero_dim_neg1", slice_, [f32(0, 3), i32([0, 0]), i32([-1, 3])])
add("slice_err_zero_dim_begin", slice_, [f32(0, 3), i32([1, 0]), i32([-1, 3])])


# --- StridedSlice -------------------------------------------------------------------------
def strided(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0):
    return lambda x, b, e, s: raw.StridedSlice(
        input=x, begin=b, end=e, strides=s, begin_mask=begin_mask, end_mask=end_mask,
        ellipsis_mask=ellipsis_mask, new_axis_mask=new_axis_mask,
        shrink_axis_mask=shrink_axis_mask)


X345 = f32(3, 4, 5)
for name, fn, b, e, s in [
    ("basic", strided(), [0, 1, 1], [2, 3, 4], [1, 1, 1]),
    ("steps", strided(), [0, 0, 0], [3, 4, 5], [2, 3, 2]),
    ("neg_stride", strided(), [2, 3, 4], [0, 0, 0], [-1, -1, -2]),
    ("neg_stride_masked", strided(begin_mask=7, end_mask=7), [0, 0, 0], [0, 0, 0], [-1, -2, -3]),
    ("neg_indices", strided(), [-2, -3, -4], [-1, -1, -1], [1, 1, 1]),
    ("clamp_high", strided(), [1, 2, 3], [100, 100, 100], [1, 1, 1]),
    ("clamp_low", strided(), [-100, -100, -100], [2, 2, 2], [1, 1, 1]),
    ("clamp_neg_stride", strided(), [100, 100, 100], [-100, -100, -100], [-1, -2, -3]),
    ("empty_range", strided(), [2, 0, 0], [1, 4, 5], [1, 1, 1]),
    ("empty_wrong_dir", strided(), [0, 0, 0], [3, 4, 5], [-1, 1, 1]),
    ("begin_mask", strided(begin_mask=0b101), [2, 1, 3], [3, 3, 5], [1, 1, 1]),
    ("end_mask", strided(end_mask=0b010), [0, 1, 0], [2, 0, 3], [1, 1, 1]),
    ("shrink0", strided(shrink_axis_mask=1), [1, 0, 0], [2, 4, 5], [1, 1, 1]),
    ("shrink_neg", strided(shrink_axis_mask=0b100), [0, 0, -1], [3, 4, 0], [1, 1, 1]),
    ("shrink_all", strided(shrink_axis_mask=7), [2, -1, 3], [3, 0, 4], [1, 1, 1]),
    ("shrink_masked_begin", strided(begin_mask=1, shrink_axis_mask=1), [2, 0, 0], [3, 4, 5],
     [1, 1, 1]),
    ("new_axis", strided(new_axis_mask=0b010), [0, 0, 1], [2, 0, 3], [1, 1, 1]),
    ("new_axis_first", strided(new_axis_mask=1), [0, 1], [0, 3], [1, 1]),
    ("ellipsis", strided(ellipsis_mask=1), [0, 1], [0, 3], [1, 1]),
    ("ellipsis_middle", strided(ellipsis_mask=0b010), [1, 0, 2], [2, 0, 4], [1, 1, 1]),
    ("ellipsis_shrink", strided(ellipsis_mask=1, shrink_axis_mask=0b10), [0, 2], [0, 3], [1, 1]),
    ("ellipsis_newaxis", strided(ellipsis_mask=1, new_axis_mask=0b10), [0, 0], [0, 0], [1, 1]),
    ("ellipsis_newaxis_shrink", strided(ellipsis_mask=0b10, new_axis_mask=0b1000,
                                        shrink_axis_mask=1),
     [1, 0, 0, 0], [2, 0, 3, 0], [1, 1, -1, 1]),
    ("newaxis_and_shrink_same", strided(new_axis_mask=1, shrink_axis_mask=1), [0, 1], [0, 3],
     [1, 1]),
    ("ellipsis_empty", strided(ellipsis_mask=1), [0], [0], [1]),
    ("fewer_items", strided(), [1], [3], [1]),
    ("identity", strided(begin_mask=7, end_mask=7), [0, 0, 0], [0, 0, 0], [1, 1, 1]),
    ("err_stride0", strided(), [0, 0, 0], [1, 1, 1], [1, 0, 1]),
    ("err_shrink_oob", strided(shrink_axis_mask=1), [3, 0, 0], [4, 1, 1], [1, 1, 1]),
    ("err_shrink_oob_neg", strided(shrink_axis_mask=2), [0, -5, 0], [1, -4, 1], [1, 1, 1]),
    ("err_shrink_neg_stride", strided(shrink_axis_mask=1), [1, 0, 0], [0, 1, 1], [-1, 1, 1]),
]:
    add("strided_slice_" + name, fn, [X345, i32(b), i32(e), i32(s)])
add("strided_slice_int64", strided(), [ints(6, 4, dtype=np.int64), i64([5, 0]), i64([0, 4]),
                                       i64([-2, 3])])
add("strided_slice_str", strided(shrink_axis_mask=1), [strs(4, 3), i32([1, 0]), i32([2, 3]),
                                                       i32([1, 2])])
add("strided_slice_bool", strided(end_mask=1), [bools(5), i32([1]), i32([0]), i32([2])])
add("strided_slice_1d_reverse", strided(begin_mask=1, end_mask=1),
    [f32(7), i32([0]), i32([0]), i32([-1])])
add("strided_slice_zero_dim", strided(), [f32(0, 4), i32([0, 1]), i32([5, 3]), i32([1, 1])])
add("strided_slice_zero_dim_neg", strided(), [f32(0, 4), i32([-1, 1]), i32([-5, 3]), i32([-1, 1])])
add("strided_slice_err_scalar", strided(shrink_axis_mask=1),
    [np.float32(1), i32([0]), i32([1]), i32([1])])
add("strided_slice_err_too_many", strided(), [f32(3), i32([0, 0]), i32([1, 1]), i32([1, 1])])

# --- Pad / PadV2 / MirrorPad ----------------------------------------------------------------
pad = lambda x, p: raw.Pad(input=x, paddings=p)
padv2 = lambda x, p, c: raw.PadV2(input=x, paddings=p, constant_values=c)
add("pad_2d", pad, [f32(2, 3), i32([[1, 2], [0, 1]])])
add("pad_4d_nhwc", pad, [f32(1, 3, 3, 2), i64([[0, 0], [1, 1], [2, 1], [0, 0]])])
add("pad_int", pad, [ints(3), i32([[2, 3]])])
add("pad_str", pad, [strs(2), i32([[1, 0]])])
add("pad_scalar", pad, [np.float32(4), np.zeros((0, 2), np.int32)])
add("pad_empty_input", pad, [f32(0, 2), i32([[1, 1], [0, 1]])])
add("pad_err_negative", pad, [f32(2, 3), i32([[1, -1], [0, 0]])])
add("padv2_const", padv2, [f32(2, 2), i32([[1, 1], [2, 0]]), np.float32(-1.5)])
add("padv2_int64", padv2, [ints(2, 2, dtype=np.int64), i64([[0, 1], [1, 0]]), np.int64(7)])
add("padv2_bool", padv2, [bools(2), i32([[1, 1]]), np.bool_(True)])
mirror = lambda mode: (lambda x, p: raw.MirrorPad(input=x, paddings=p, mode=mode))
add("mirror_reflect_1d", mirror("REFLECT"), [f32(5), i32([[2, 3]])])
add("mirror_symmetric_1d", mirror("SYMMETRIC"), [f32(5), i32([[5, 2]])])
add("mirror_reflect_2d", mirror("REFLECT"), [f32(3, 4), i32([[2, 1], [3, 0]])])
add("mirror_symmetric_4d", mirror("SYMMETRIC"), [f32(1, 3, 4, 2), i64([[0, 0], [2, 3], [1, 4],
                                                                       [0, 0]])])
add("mirror_reflect_int", mirror("REFLECT"), [ints(2, 3), i32([[1, 1], [2, 2]])])
add("mirror_reflect_zero_pad", mirror("REFLECT"), [f32(1, 3), i32([[0, 0], [1, 1]])])
add("mirror_err_reflect", mirror("REFLECT"), [f32(3, 4), i32([[3, 0], [0, 0]])])
add("mirror_err_symmetric", mirror("SYMMETRIC"), [f32(3, 4), i32([[0, 0], [0, 5]])])

# --- GatherV2 / Gather / GatherNd ----------------------------------------------------------
gather = lambda batch_dims=0: (lambda p, i, a: raw.GatherV2(params=p, indices=i, axis=a,
                                                           batch_dims=batch_dims))
add("gather_axis0", gather(), [f32(5, 3), i32([4, 0, 2, 2]), np.int32(0)])
add("gather_axis1", gather(), [f32(2, 5, 3), i32([[1, 4], [0, 0]]), np.int32(1)])
add("gather_axis_neg1", gather(), [f32(2, 3, 4), i64([3, 1]), np.int64(-1)])
add("gather_scalar_index", gather(), [f32(4, 3), np.int32(2), np.int32(0)])
add("gather_1d", gather(), [ints(6, dtype=np.int64), i32([5, 0, 3]), np.int32(0)])
add("gather_str", gather(), [strs(4, 2), i32([3, 1]), np.int32(0)])
add("gather_bool", gather(), [bools(3, 4), i32([0, 3]), np.int32(1)])
add("gather_int16_indices", gather(), [f32(5), np.array([4, 1], np.int16), np.int32(0)])
add("gather_empty_indices", gather(), [f32(5, 3), np.zeros((0,), np.int32), np.int32(0)])
add("gather_embedding", gather(), [f32(10, 4), ints(2, 3, low=0, high=10), np.int32(0)])
add("gather_batch_dims1", gather(1), [f32(2, 5, 3), i32([[1, 4, 0], [2, 2, 3]]), np.int32(1)])
add("gather_batch_dims1_axis2", gather(1), [f32(2, 3, 4), i32([[1, 3], [0, 0]]), np.int32(2)])
add("gather_batch_dims_neg", gather(-1), [f32(2, 5), i32([[1, 4, 0], [2, 2, 3]]), np.int32(1)])
add("gather_err_oob", gather(), [f32(5, 3), i32([1, 5]), np.int32(0)])
add("gather_err_negative", gather(), [f32(5, 3), i32([[0, -1]]), np.int32(0)])
add("gather_err_axis", gather(), [f32(5, 3), i32([0]), np.int32(2)])
add("gather_v1", lambda p, i: raw.Gather(params=p, indices=i), [f32(4, 2), i32([[3, 0], [1, 1]])])
gather_nd = lambda p, i: raw.GatherNd(params=p, indices=i)
add("gather_nd_elements", gather_nd, [f32(3, 4), i32([[0, 1], [2, 3], [1, 0]])])
add("gather_nd_slices", gather_nd, [f32(3, 4, 2), i64([[2], [0]])])
add("gather_nd_batch", gather_nd, [ints(2, 3, 4), i32([[[0, 1], [1, 2]], [[1, 0], [0, 2]]])])
add("gather_nd_str", gather_nd, [strs(2, 2), i32([[1, 1], [0, 1]])])
add("gather_nd_depth0", gather_nd, [f32(2, 2), np.zeros((3, 0), np.int32)])
add("gather_nd_err_oob", gather_nd, [f32(3, 4), i32([[0, 1], [3, 0]])])
add("gather_nd_ignore", lambda p, i: raw.GatherNd(params=p, indices=i, bad_indices_policy="IGNORE"),
    [f32(3, 4), i32([[0, 1], [3, 0], [-1, 2]])])

# --- Tile, BroadcastTo, BroadcastArgs, ReverseV2 -----------------------------------------------
tile = lambda x, m: raw.Tile(input=x, multiples=m)
add("tile_2d", tile, [f32(2, 3), i32([2, 3])])
add("tile_3d_int64", tile, [ints(2, 1, 3), i64([1, 4, 2])])
add("tile_zero", tile, [f32(2, 3), i32([0, 2])])
add("tile_str", tile, [strs(2), i32([3])])
add("tile_scalar", tile, [np.float32(1), i32([])])
add("tile_err_negative", tile, [f32(2, 3), i32([1, -1])])
bcast_to = lambda x, s: raw.BroadcastTo(input=x, shape=s)
add("broadcast_to_row", bcast_to, [f32(3), i32([2, 3])])
add("broadcast_to_col", bcast_to, [f32(2, 1), i32([2, 4])])
add("broadcast_to_scalar", bcast_to, [np.float32(2), i64([2, 2, 2])])
add("broadcast_to_middle", bcast_to, [ints(3, 1, 2), i32([4, 3, 5, 2])])
add("broadcast_to_same", bcast_to, [f32(2, 3), i32([2, 3])])
add("broadcast_to_zero", bcast_to, [f32(1, 3), i32([0, 3])])
add("broadcast_to_bool", bcast_to, [bools(1, 2), i32([3, 2])])
add("broadcast_to_err", bcast_to, [f32(3), i32([2, 4])])
add("broadcast_to_err_shrink", bcast_to, [f32(3), i32([1])])
bcast_args = lambda a, b: raw.BroadcastArgs(s0=a, s1=b)
add("broadcast_args", bcast_args, [i32([2, 1, 3]), i32([4, 1])])
add("broadcast_args_i64", bcast_args, [i64([1]), i64([5, 0])])
add("broadcast_args_empty", bcast_args, [i32([]), i32([2, 3])])
add("broadcast_args_err", bcast_args, [i32([2, 3]), i32([4])])
reverse = lambda x, a: raw.ReverseV2(tensor=x, axis=a)
add("reverse_axis0", reverse, [f32(3, 4), i32([0])])
add("reverse_two_axes", reverse, [f32(2, 3, 4), i64([0, -1])])
add("reverse_none", reverse, [f32(2, 3), np.zeros((0,), np.int32)])
add("reverse_str", reverse, [strs(2, 3), i32([1])])
add("reverse_empty", reverse, [f32(0, 3), i32([1, 0])])
add("reverse_err_dup", reverse, [f32(2, 3), i32([1, -1])])
add("reverse_err_range", reverse, [f32(2, 3), i32([2])])

# --- Fill, ZerosLike, OnesLike, Empty --------------------------------------------------------
fill = lambda d, v: raw.Fill(dims=d, value=v)
add("fill_f32", fill, [i32([2, 3]), np.float32(1.5)])
add("fill_i64_dims", fill, [i64([3]), np.int64(-7)])
add("fill_str", fill, [i32([2]), np.array(b"ab")])
add("fill_scalar", fill, [i32([]), np.bool_(True)])
add("fill_empty", fill, [i32([0, 4]), np.float32(2)])
add("fill_err_negative", fill, [i32([2, -1]), np.float32(2)])
add("zeros_like_f32", lambda x: raw.ZerosLike(x=x), [f32(2, 3)])
add("zeros_like_i64", lambda x: raw.ZerosLike(x=x), [ints(4, dtype=np.int64)])
add("zeros_like_bool", lambda x: raw.ZerosLike(x=x), [bools(3)])
add("ones_like_f32", lambda x: raw.OnesLike(x=x), [f32(2, 3)])
add("ones_like_i32", lambda x: raw.OnesLike(x=x), [ints(2, 2)])
add("ones_like_f16", lambda x: raw.OnesLike(x=x), [f32(3).astype(np.float16)])
add("ones_like_bool", lambda x: raw.OnesLike(x=x), [bools(2)])
add("ones_like_c64", lambda x: raw.OnesLike(x=x), [f32(2).astype(np.complex64)])
add("empty_init", lambda s: raw.Empty(shape=s, dtype=tf.float32, init=True), [i32([2, 3])])
add("empty_init_i64", lambda s: raw.Empty(shape=s, dtype=tf.int64, init=True), [i32([0, 3])])

# --- Range --------------------------------------------------------------------------------
range_ = lambda a, b, c: raw.Range(start=a, limit=b, delta=c)
add("range_i32", range_, [np.int32(0), np.int32(10), np.int32(3)])
add("range_i32_neg_delta", range_, [np.int32(5), np.int32(-6), np.int32(-2)])
add("range_i64", range_, [np.int64(-3), np.int64(4), np.int64(1)])
add("range_f32", range_, [np.float32(0), np.float32(1), np.float32(0.1)])
add("range_f32_odd", range_, [np.float32(1.3), np.float32(7.1), np.float32(0.37)])
add("range_f32_neg", range_, [np.float32(2), np.float32(-1), np.float32(-0.25)])
add("range_f64", range_, [np.float64(0.5), np.float64(2.2), np.float64(0.3)])
add("range_empty", range_, [np.int32(3), np.int32(3), np.int32(1)])
add("range_i16", range_, [np.int16(-5), np.int16(9), np.int16(4)])
add("range_u32", range_, [np.uint32(7), np.uint32(30), np.uint32(5)])
add("range_f32_exact_steps", range_, [np.float32(-1), np.float32(1), np.float32(0.5)])
add("range_err_delta0", range_, [np.int32(0), np.int32(3), np.int32(0)])
add("range_err_direction", range_, [np.int32(5), np.int32(3), np.int32(1)])
add("range_err_direction_neg", range_, [np.float32(1), np.float32(3), np.float32(-1)])

# --- OneHot -------------------------------------------------------------------------------
one_hot = lambda axis=-1: (lambda i, d, on, off: raw.OneHot(indices=i, depth=d, on_value=on,
                                                             off_value=off, axis=axis))
add("one_hot_basic", one_hot(), [i32([0, 2, 1, 3]), np.int32(3), np.float32(1), np.float32(0)])
add("one_hot_negative", one_hot(), [i64([[-1, 1], [4, 0]]), np.int32(4), np.float32(5),
                                    np.float32(-1)])
add("one_hot_axis0", one_hot(0), [i32([[0, 2], [1, 1]]), np.int32(3), np.int32(7), np.int32(0)])
add("one_hot_axis1", one_hot(1), [i64([[0, 2], [1, 1]]), np.int32(3), np.float32(1),
                                  np.float32(0)])
add("one_hot_uint8", one_hot(), [np.array([0, 255, 2], np.uint8), np.int32(3), np.bool_(True),
                                 np.bool_(False)])
add("one_hot_depth0", one_hot(), [i32([0, 1]), np.int32(0), np.float32(1), np.float32(0)])
add("one_hot_scalar", one_hot(), [np.int32(1), np.int32(3), np.float32(1), np.float32(0)])
add("one_hot_err_depth", one_hot(), [i32([0]), np.int32(-1), np.float32(1), np.float32(0)])

# --- TopKV2 -------------------------------------------------------------------------------
topk = lambda sorted_=True, index_type=tf.int32: (
    lambda x, k: raw.TopKV2(input=x, k=k, sorted=sorted_, index_type=index_type))
TIES = rng.integers(0, 5, (3, 12)).astype(np.float32)
add("topk_sorted", topk(), [f32(4, 10), np.int32(3)])
add("topk_ties", topk(), [TIES, np.int32(5)])
add("topk_ties_k1", topk(), [TIES, np.int32(1)])
add("topk_ties_all", topk(), [TIES, np.int32(12)])
add("topk_unsorted_ties", topk(False), [TIES, np.int32(5)])
add("topk_unsorted_3", topk(False), [TIES, np.int32(3)])
add("topk_unsorted_11", topk(False), [TIES, np.int32(11)])
add("topk_unsorted_all", topk(False), [TIES, np.int32(12)])
add("topk_unsorted_ascending", topk(False), [np.arange(20, dtype=np.float32)[None], np.int32(6)])
add("topk_unsorted_large", topk(False), [f32(2, 300), np.int32(17)])
add("topk_sorted_large", topk(), [f32(2, 300), np.int32(17)])
add("topk_unsorted_many_ties", topk(False), [ints(4, 200, low=0, high=20).astype(np.float32),
                                              np.int32(50)])
add("topk_sorted_many_ties", topk(), [ints(4, 200, low=0, high=20), np.int32(50)])
add("topk_k0", topk(), [f32(2, 4), np.int32(0)])
add("topk_1d", topk(), [f32(9), np.int32(4)])
add("topk_int32", topk(), [ints(3, 6, low=-3, high=3), np.int32(4)])
add("topk_int64_k_index", topk(index_type=tf.int64), [ints(2, 5, dtype=np.int64), np.int64(2)])
add("topk_f16", topk(), [f32(2, 6).astype(np.float16), np.int32(3)])
add("topk_f64_4d", topk(), [f32(2, 2, 2, 5).astype(np.float64), np.int32(2)])
add("topk_err_k", topk(), [f32(2, 4), np.int32(5)])
add("topk_err_negative_k", topk(), [f32(2, 4), np.int32(-1)])

# --- Where, Unique, InvertPermutation, DynamicStitch -------------------------------------------
where = lambda x: raw.Where(condition=x)
add("where_bool", where, [bools(3, 4)])
add("where_f32", where, [np.array([[0.0, -0.0, 1.5], [np.nan, 0.0, -2.0]], np.float32)])
add("where_int", where, [ints(2, 2, 3, low=-1, high=2)])
add("where_1d_none", where, [np.zeros(4, bool)])
add("where_err_scalar", where, [np.bool_(True)])
add("where_empty", where, [bools(0, 3)])
add("unique_i32", lambda x: raw.Unique(x=x), [i32([4, 1, 4, 2, 1, 7])])
add("unique_f32_idx64", lambda x: raw.Unique(x=x, out_idx=tf.int64),
    [np.array([1.5, -0.0, 0.0, 1.5, 2.0], np.float32)])
add("unique_str", lambda x: raw.Unique(x=x), [np.array([b"b", b"a", b"b", b"c"])])
add("unique_empty", lambda x: raw.Unique(x=x), [np.zeros((0,), np.int64)])
add("invert_permutation", lambda x: raw.InvertPermutation(x=x), [i32([2, 0, 3, 1])])
add("invert_permutation_i64", lambda x: raw.InvertPermutation(x=x), [i64([0])])
add("invert_permutation_err_dup", lambda x: raw.InvertPermutation(x=x), [i32([0, 0])])
add("invert_permutation_err_range", lambda x: raw.InvertPermutation(x=x), [i32([0, 2])])
stitch = lambda i0, i1, d0, d1: raw.DynamicStitch(indices=[i0, i1], data=[d0, d1])
add("dynamic_stitch", stitch, [i32([0, 2]), i32([[1], [3]]), f32(2, 3), f32(2, 1, 3)])
add("dynamic_stitch_overwrite", stitch, [i32([0, 1]), i32([1]), ints(2), ints(1)])


# Random StridedSlice specs (fixed seed): every mask combination with in-range and
# out-of-range begin/end and positive/negative strides. The real (non-new-axis,
# non-ellipsis) items never outnumber the input's dimensions, so every case builds.
def random_strided_slice_case(index, input_shape):
    rank = len(input_shape)
    num_real = int(rng.integers(0, rank + 1))
    kinds = ["real"] * num_real + ["new"] * int(rng.integers(0, 3))
    if rng.random() < 0.5:
        kinds.append("ellipsis")
    rng.shuffle(kinds)
    if not kinds:
        kinds = ["ellipsis"]
    begin, end, strides = [], [], []
    masks = dict(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0)
    for i, kind in enumerate(kinds):
        begin.append(int(rng.integers(-7, 8)))
        end.append(int(rng.integers(-7, 8)))
        strides.append(int(rng.choice([-3, -2, -1, 1, 1, 2, 3])))
        if kind == "ellipsis":
            masks["ellipsis_mask"] |= 1 << i
        elif kind == "new":
            masks["new_axis_mask"] |= 1 << i
        else:
            if rng.random() < 0.3:
                masks["begin_mask"] |= 1 << i
            if rng.random() < 0.3:
                masks["end_mask"] |= 1 << i
            if rng.random() < 0.2:
                masks["shrink_axis_mask"] |= 1 << i
                strides[-1] = 1
                begin[-1] = int(rng.integers(-6, 6))
    add("strided_slice_random_%02d" % index, strided(**masks),
        [f32(*input_shape), i32(begin), i32(end), i32(strides)])


for index in range(60):
    random_strided_slice_case(index, [(5, 6), (4, 3, 5), (2, 3, 4, 5), (7,)][index % 4])
