"""Conformance cases for the nn ops: convolutions, matrix products, einsum, pooling,
softmax and batch norm (runtime/ops/nn_ops.cc, matmul_ops.cc)."""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

rng = np.random.default_rng(7)
raw = tf.raw_ops


def normal(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def ints(*shape, dtype=np.int32, low=-5, high=6):
    return rng.integers(low, high, size=shape).astype(dtype)


def conv(strides=(1, 1, 1, 1), padding="SAME", dilations=(1, 1, 1, 1), explicit=(),
         data_format="NHWC"):
    return lambda x, f: raw.Conv2D(input=x, filter=f, strides=list(strides), padding=padding,
                                   dilations=list(dilations), explicit_paddings=list(explicit),
                                   data_format=data_format)


def depthwise(strides=(1, 1, 1, 1), padding="SAME", explicit=(), data_format="NHWC"):
    return lambda x, f: raw.DepthwiseConv2dNative(input=x, filter=f, strides=list(strides),
                                                  padding=padding,
                                                  explicit_paddings=list(explicit),
                                                  data_format=data_format)


def conv_transpose(strides=(1, 1, 1, 1), padding="SAME", dilations=(1, 1, 1, 1), explicit=()):
    return lambda sizes, f, dy: raw.Conv2DBackpropInput(
        input_sizes=sizes, filter=f, out_backprop=dy, strides=list(strides), padding=padding,
        dilations=list(dilations), explicit_paddings=list(explicit))


def sizes(*dims):
    return np.array(dims, np.int32)


CONV_CASES = [
    Case("conv2d_same_3x3", conv(), [normal(2, 7, 7, 3), normal(3, 3, 3, 8)]),
    Case("conv2d_valid_stride2", conv((1, 2, 2, 1), "VALID"), [normal(2, 9, 8, 4), normal(3, 3, 4, 5)]),
    Case("conv2d_same_uneven_strides", conv((1, 2, 3, 1)), [normal(1, 8, 9, 4), normal(3, 2, 4, 5)]),
    Case("conv2d_same_even_filter", conv((1, 2, 2, 1)), [normal(1, 6, 6, 2), normal(4, 4, 2, 3)]),
    Case("conv2d_pointwise", conv(), [normal(2, 5, 5, 16), normal(1, 1, 16, 32)]),
    Case("conv2d_pointwise_stride2", conv((1, 2, 2, 1), "VALID"), [normal(2, 7, 7, 8), normal(1, 1, 8, 4)]),
    Case("conv2d_resnet_stem_7x7_s2", conv((1, 2, 2, 1)), [normal(1, 32, 32, 3), normal(7, 7, 3, 16)]),
    Case("conv2d_dilated_same", conv(dilations=(1, 2, 2, 1)), [normal(1, 9, 9, 3), normal(3, 3, 3, 4)]),
    Case("conv2d_dilated_valid_uneven", conv(padding="VALID", dilations=(1, 2, 3, 1)),
         [normal(2, 10, 11, 2), normal(3, 2, 2, 3)]),
    Case("conv2d_dilated_strided", conv((1, 2, 2, 1), dilations=(1, 2, 2, 1)),
         [normal(1, 9, 10, 4), normal(3, 3, 4, 6)]),
    Case("conv2d_explicit", conv(padding="EXPLICIT", explicit=(0, 0, 1, 2, 3, 0, 0, 0)),
         [normal(1, 6, 5, 3), normal(3, 3, 3, 2)]),
    Case("conv2d_explicit_strided", conv((1, 2, 2, 1), "EXPLICIT", explicit=(0, 0, 2, 2, 1, 1, 0, 0)),
         [normal(2, 7, 6, 2), normal(3, 3, 2, 4)]),
    Case("conv2d_grouped", conv(), [normal(1, 6, 6, 8), normal(3, 3, 2, 12)]),
    Case("conv2d_grouped_strided_valid", conv((1, 2, 2, 1), "VALID"), [normal(2, 7, 7, 6), normal(3, 3, 3, 4)]),
    Case("conv2d_filter_larger_than_input_same", conv(), [normal(1, 2, 3, 2), normal(5, 5, 2, 3)]),
    Case("conv2d_many_chunks", conv(), [normal(1, 64, 64, 256), normal(3, 3, 256, 4) * 0.05]),
    Case("conv2d_f64", conv((1, 2, 1, 1)), [normal(2, 5, 6, 3, dtype=np.float64), normal(3, 3, 3, 4, dtype=np.float64)]),
    Case("conv2d_i32", conv(), [ints(1, 5, 5, 3), ints(3, 3, 3, 2)]),
    Case("conv2d_f16", conv((1, 2, 2, 1)), [normal(2, 12, 12, 32, dtype=np.float16), normal(3, 3, 32, 16, dtype=np.float16)]),
    Case("conv2d_pointwise_f16", conv(), [normal(2, 6, 6, 64, dtype=np.float16), normal(1, 1, 64, 16, dtype=np.float16)]),
    Case("conv2d_empty_batch", conv(), [normal(0, 5, 5, 2), normal(2, 2, 2, 3)]),
    Case("conv2d_err_stride_depth", conv((1, 1, 1, 2)), [normal(1, 5, 5, 2), normal(2, 2, 2, 3)]),
    Case("conv2d_err_nchw", conv(data_format="NCHW"), [normal(1, 2, 5, 5), normal(2, 2, 2, 3)]),

    Case("depthwise_same", depthwise(), [normal(2, 6, 6, 8), normal(3, 3, 8, 1)]),
    Case("depthwise_multiplier_valid_s2", depthwise((1, 2, 2, 1), "VALID"),
         [normal(1, 9, 8, 3), normal(3, 3, 3, 4)]),
    Case("depthwise_same_s2_even", depthwise((1, 2, 2, 1)), [normal(1, 8, 8, 4), normal(3, 3, 4, 1)]),
    Case("depthwise_5x5_multiplier", depthwise(), [normal(2, 7, 7, 5), normal(5, 5, 5, 2)]),
    Case("depthwise_explicit", depthwise(padding="EXPLICIT", explicit=(0, 0, 1, 2, 0, 1, 0, 0)),
         [normal(1, 5, 5, 2), normal(2, 2, 2, 3)]),
    Case("depthwise_f64", depthwise(), [normal(1, 5, 5, 3, dtype=np.float64), normal(3, 3, 3, 2, dtype=np.float64)]),
    Case("depthwise_empty_batch", depthwise(), [normal(0, 5, 5, 3), normal(3, 3, 3, 2)]),
    Case("depthwise_err_nchw", depthwise(data_format="NCHW"), [normal(1, 2, 5, 5), normal(2, 2, 2, 3)]),

    Case("conv_transpose_same_s2", conv_transpose((1, 2, 2, 1)),
         [sizes(2, 8, 8, 3), normal(3, 3, 3, 5), normal(2, 4, 4, 5)]),
    Case("conv_transpose_same_s2_odd", conv_transpose((1, 2, 2, 1)),
         [sizes(1, 7, 9, 2), normal(4, 4, 2, 3), normal(1, 4, 5, 3)]),
    Case("conv_transpose_valid_s1", conv_transpose(padding="VALID"),
         [sizes(1, 6, 6, 4), normal(3, 3, 4, 2), normal(1, 4, 4, 2)]),
    Case("conv_transpose_valid_s2", conv_transpose((1, 2, 2, 1), "VALID"),
         [sizes(2, 9, 9, 2), normal(3, 3, 2, 3), normal(2, 4, 4, 3)]),
    Case("conv_transpose_pointwise", conv_transpose(),
         [sizes(2, 4, 4, 6), normal(1, 1, 6, 3), normal(2, 4, 4, 3)]),
    Case("conv_transpose_explicit", conv_transpose((1, 2, 1, 1), "EXPLICIT", explicit=(0, 0, 1, 1, 2, 0, 0, 0)),
         [sizes(1, 6, 5, 2), normal(3, 3, 2, 3), normal(1, 3, 5, 3)]),
    Case("conv_transpose_sizes_hw", conv_transpose(), [sizes(4, 4), normal(2, 2, 2, 3), normal(1, 4, 4, 3)]),
    Case("conv_transpose_f64", conv_transpose((1, 2, 2, 1)),
         [sizes(1, 6, 6, 2), normal(3, 3, 2, 3, dtype=np.float64), normal(1, 3, 3, 3, dtype=np.float64)]),
    Case("conv_transpose_i32", conv_transpose((1, 2, 2, 1)), [sizes(1, 6, 6, 2), ints(3, 3, 2, 3), ints(1, 3, 3, 3)]),
    Case("conv_transpose_err_sizes", conv_transpose(),
         [sizes(1, 5, 4, 2), normal(2, 2, 2, 3), normal(1, 4, 4, 3)]),
    Case("conv_transpose_err_negative_sizes", conv_transpose(),
         [sizes(1, -4, 4, 2), normal(2, 2, 2, 3), normal(1, 4, 4, 3)]),
]


def matmul(transpose_a=False, transpose_b=False):
    return lambda a, b: raw.MatMul(a=a, b=b, transpose_a=transpose_a, transpose_b=transpose_b)


def bmm(version, adj_x=False, adj_y=False, tout=None):
    if version == 1:
        return lambda x, y: raw.BatchMatMul(x=x, y=y, adj_x=adj_x, adj_y=adj_y)
    if version == 2:
        return lambda x, y: raw.BatchMatMulV2(x=x, y=y, adj_x=adj_x, adj_y=adj_y)
    return lambda x, y: raw.BatchMatMulV3(x=x, y=y, Tout=tout, adj_x=adj_x, adj_y=adj_y)


MATMUL_CASES = [
    Case("matmul_f32", matmul(), [normal(3, 4), normal(4, 5)]),
    Case("matmul_transpose_a", matmul(True), [normal(4, 3), normal(4, 5)]),
    Case("matmul_transpose_b", matmul(False, True), [normal(3, 4), normal(5, 4)]),
    Case("matmul_transpose_both", matmul(True, True), [normal(4, 3), normal(5, 4)]),
    Case("matmul_large", matmul(), [normal(64, 128), normal(128, 96)]),
    Case("matmul_vector_row", matmul(), [normal(1, 7), normal(7, 1)]),
    Case("matmul_empty_k", matmul(), [normal(3, 0), normal(0, 4)]),
    Case("matmul_empty_m", matmul(), [normal(0, 3), normal(3, 4)]),
    Case("matmul_f64", matmul(False, True), [normal(3, 4, dtype=np.float64), normal(5, 4, dtype=np.float64)]),
    Case("matmul_f16", matmul(False, True), [normal(16, 300, dtype=np.float16), normal(20, 300, dtype=np.float16)]),
    Case("matmul_i32", matmul(True), [ints(4, 3), ints(4, 5)]),
    Case("matmul_i64", matmul(False, True), [ints(3, 4, dtype=np.int64), ints(5, 4, dtype=np.int64)]),

    Case("bmm_v1", bmm(1), [normal(2, 3, 4), normal(2, 4, 5)]),
    Case("bmm_v1_adj_x", bmm(1, True), [normal(2, 4, 3), normal(2, 4, 5)]),
    Case("bmm_v1_adj_y_rank4", bmm(1, False, True), [normal(2, 3, 3, 4), normal(2, 3, 5, 4)]),
    Case("bmm_v1_rank2", bmm(1), [normal(3, 4), normal(4, 2)]),
    Case("bmm_v2_broadcast", bmm(2), [normal(2, 1, 3, 4), normal(5, 4, 6)]),
    Case("bmm_v2_broadcast_both", bmm(2, True, True), [normal(3, 1, 4, 2), normal(1, 2, 5, 4)]),
    Case("bmm_v2_shared_rhs", bmm(2), [normal(2, 3, 5, 4), normal(4, 6)]),
    Case("bmm_v2_shared_lhs", bmm(2), [normal(5, 4), normal(3, 4, 2)]),
    Case("bmm_v2_attention", bmm(2, False, True), [normal(2, 4, 6, 8), normal(2, 4, 7, 8)]),
    Case("bmm_v2_empty_batch", bmm(2), [normal(0, 3, 4), normal(1, 4, 5)]),
    Case("bmm_v2_f64", bmm(2), [normal(2, 3, 4, dtype=np.float64), normal(2, 4, 5, dtype=np.float64)]),
    Case("bmm_v2_f16", bmm(2), [normal(3, 16, 200, dtype=np.float16), normal(3, 200, 7, dtype=np.float16)]),
    Case("bmm_v2_i32", bmm(2), [ints(2, 3, 4), ints(1, 4, 5)]),
    Case("bmm_v2_i64", bmm(2, True), [ints(2, 4, 3, dtype=np.int64), ints(4, 5, dtype=np.int64)]),
    Case("bmm_v3_f32", bmm(3, tout=tf.float32), [normal(2, 3, 4), normal(4, 5)]),
    Case("bmm_v3_i8_to_i32", bmm(3, tout=tf.int32),
         [ints(2, 3, 4, dtype=np.int8, low=-128, high=128), ints(2, 4, 5, dtype=np.int8, low=-128, high=128)]),
    Case("bmm_v3_u8_i8_to_i32", bmm(3, tout=tf.int32),
         [ints(3, 4, dtype=np.uint8, low=0, high=256), ints(4, 5, dtype=np.int8, low=-128, high=128)]),
]


def einsum(equation):
    return lambda *xs: raw.Einsum(inputs=list(xs), equation=equation)


EINSUM_CASES = [
    Case("einsum_dense_abc_cd", einsum("abc,cd->abd"), [normal(2, 3, 4), normal(4, 5)]),
    Case("einsum_mha_query_abc_cde", einsum("abc,cde->abde"), [normal(2, 3, 8), normal(8, 2, 4)]),
    Case("einsum_mha_scores", einsum("aecd,abcd->acbe"), [normal(2, 5, 2, 4), normal(2, 3, 2, 4)]),
    Case("einsum_mha_scores_keras", einsum("abcd,aecd->acbe"), [normal(2, 3, 2, 4), normal(2, 5, 2, 4)]),
    Case("einsum_mha_context", einsum("acbe,aecd->abcd"), [normal(2, 2, 3, 5), normal(2, 5, 2, 4)]),
    Case("einsum_mha_output", einsum("abcd,cde->abe"), [normal(2, 3, 2, 4), normal(2, 4, 6)]),
    Case("einsum_matmul", einsum("ij,jk->ik"), [normal(3, 4), normal(4, 5)]),
    Case("einsum_matmul_bt", einsum("ij,kj->ik"), [normal(3, 4), normal(5, 4)]),
    Case("einsum_matmul_at", einsum("ji,jk->ik"), [normal(4, 3), normal(4, 5)]),
    Case("einsum_matmul_out_transposed", einsum("ij,jk->ki"), [normal(3, 4), normal(4, 5)]),
    Case("einsum_batch", einsum("bij,bjk->bik"), [normal(2, 3, 4), normal(2, 4, 5)]),
    Case("einsum_attention_bhqd", einsum("bhqd,bhkd->bhqk"), [normal(2, 3, 4, 5), normal(2, 3, 6, 5)]),
    Case("einsum_ellipsis_broadcast", einsum("...ij,...jk->...ik"), [normal(2, 1, 3, 4), normal(5, 4, 2)]),
    Case("einsum_ellipsis_one_side", einsum("...a,ab->...b"), [normal(2, 3, 4), normal(4, 5)]),
    Case("einsum_ellipsis_middle", einsum("a...c,cd->a...d"), [normal(2, 3, 1, 4), normal(4, 5)]),
    Case("einsum_dot", einsum("i,i->"), [normal(7), normal(7)]),
    Case("einsum_outer", einsum("i,j->ij"), [normal(3), normal(4)]),
    Case("einsum_hadamard", einsum("ab,ab->ab"), [normal(3, 4), normal(3, 4)]),
    Case("einsum_hadamard_sum_rows", einsum("ab,ab->a"), [normal(3, 4), normal(3, 4)]),
    Case("einsum_sum_only_inputs", einsum("ij,k->i"), [normal(2, 3), normal(4)]),
    Case("einsum_sum_and_contract", einsum("abc,bd->ad"), [normal(2, 3, 4), normal(3, 5)]),
    Case("einsum_transpose", einsum("ij->ji"), [normal(3, 4)]),
    Case("einsum_unary_reduce", einsum("ijk->ki"), [normal(2, 3, 4)]),
    Case("einsum_unary_total", einsum("ijk->"), [normal(2, 3, 4)]),
    Case("einsum_unary_identity", einsum("ij->ij"), [normal(2, 3)]),
    Case("einsum_uppercase", einsum("aB,Bc->ac"), [normal(2, 3), normal(3, 4)]),
    Case("einsum_empty_contract", einsum("ij,jk->ik"), [normal(2, 0), normal(0, 3)]),
    Case("einsum_f64", einsum("abc,cd->abd"), [normal(2, 3, 4, dtype=np.float64), normal(4, 5, dtype=np.float64)]),
    Case("einsum_i32", einsum("bij,bkj->bik"), [ints(2, 3, 4), ints(2, 5, 4)]),
    Case("einsum_i64", einsum("ij,j->i"), [ints(3, 4, dtype=np.int64), ints(4, dtype=np.int64)]),
]


def max_pool(ksize, strides, padding="VALID", explicit=(), data_format="NHWC"):
    return lambda x: raw.MaxPool(input=x, ksize=list(ksize), strides=list(strides), padding=padding,
                                 explicit_paddings=list(explicit), data_format=data_format)


def avg_pool(ksize, strides, padding="VALID", data_format="NHWC"):
    return lambda x: raw.AvgPool(value=x, ksize=list(ksize), strides=list(strides), padding=padding,
                                 data_format=data_format)


def max_pool_v2(padding="VALID"):
    return lambda x, k, s: raw.MaxPoolV2(input=x, ksize=k, strides=s, padding=padding)


K2, K3 = (1, 2, 2, 1), (1, 3, 3, 1)
S1, S2 = (1, 1, 1, 1), (1, 2, 2, 1)
SPECIAL = np.array([np.nan, 1, 2, -np.inf, np.inf, -np.inf, -np.inf, 3, np.nan, np.nan, -1, 0],
                   np.float32).reshape(1, 3, 4, 1)

POOL_CASES = [
    Case("max_pool_2x2_s2", max_pool(K2, S2), [normal(2, 6, 6, 3)]),
    Case("max_pool_3x3_s2_same", max_pool(K3, S2, "SAME"), [normal(1, 9, 8, 4)]),
    Case("max_pool_3x3_s1_same", max_pool(K3, S1, "SAME"), [normal(2, 5, 7, 2)]),
    Case("max_pool_uneven", max_pool((1, 2, 3, 1), (1, 1, 2, 1), "SAME"), [normal(1, 5, 8, 3)]),
    Case("max_pool_explicit", max_pool(K2, S1, "EXPLICIT", (0, 0, 1, 1, 1, 1, 0, 0)), [normal(1, 3, 3, 2)]),
    Case("max_pool_err_explicit_pad_too_large", max_pool(K2, S1, "EXPLICIT", (0, 0, 2, 0, 0, 0, 0, 0)),
         [normal(1, 3, 3, 2)]),
    Case("max_pool_special_values", max_pool(K2, S1, "SAME"), [SPECIAL]),
    Case("max_pool_all_neg_inf", max_pool(K2, S2), [np.full((1, 2, 2, 2), -np.inf, np.float32)]),
    Case("max_pool_f64", max_pool(K3, S2, "SAME"), [normal(1, 6, 6, 2, dtype=np.float64)]),
    Case("max_pool_f16", max_pool(K3, S2, "SAME"), [normal(1, 6, 6, 2, dtype=np.float16)]),
    Case("max_pool_i32", max_pool(K2, S1, "SAME"), [ints(1, 4, 4, 3)]),
    Case("max_pool_i64", max_pool(K2, S2), [ints(1, 4, 4, 3, dtype=np.int64)]),
    Case("max_pool_u8", max_pool(K3, S2, "SAME"), [ints(1, 5, 5, 2, dtype=np.uint8, low=0, high=256)]),
    Case("max_pool_i8_lowest", max_pool(K2, S1, "SAME"), [np.full((1, 3, 3, 1), -128, np.int8)]),
    Case("max_pool_depth", max_pool((1, 1, 1, 2), (1, 1, 1, 2)), [normal(1, 3, 2, 6)]),
    Case("max_pool_depth_same", max_pool((1, 1, 1, 3), (1, 1, 1, 3), "SAME"), [normal(2, 2, 2, 6)]),
    Case("max_pool_empty_batch", max_pool(K2, S2), [normal(0, 4, 4, 3)]),
    Case("max_pool_err_batch", max_pool((2, 1, 1, 1), S1), [normal(2, 3, 3, 1)]),
    Case("max_pool_err_depth_and_spatial", max_pool((1, 2, 1, 2), (1, 1, 1, 2)), [normal(1, 3, 3, 4)]),
    Case("max_pool_err_depth_not_dividing", max_pool((1, 1, 1, 3), (1, 1, 1, 3)), [normal(1, 3, 3, 4)]),
    Case("max_pool_err_nchw", max_pool((1, 1, 2, 2), S1, "SAME", data_format="NCHW"), [normal(1, 1, 3, 3)]),

    Case("max_pool_v2", max_pool_v2("SAME"), [normal(1, 5, 5, 2), sizes(1, 3, 3, 1), sizes(1, 2, 2, 1)]),
    Case("max_pool_v2_valid", max_pool_v2(), [normal(2, 4, 6, 3), sizes(1, 2, 3, 1), sizes(1, 2, 3, 1)]),
    Case("max_pool_v2_err_too_large", max_pool_v2(), [normal(1, 3, 3, 1), sizes(1, 5, 2, 1), sizes(1, 1, 1, 1)]),
    Case("max_pool_v2_err_zero_ksize", max_pool_v2(), [normal(1, 3, 3, 1), sizes(1, 0, 2, 1), sizes(1, 1, 1, 1)]),
    Case("max_pool_v2_err_zero_stride", max_pool_v2(), [normal(1, 3, 3, 1), sizes(1, 2, 2, 1), sizes(1, 0, 1, 1)]),

    Case("avg_pool_2x2_s2", avg_pool(K2, S2), [normal(2, 6, 6, 3)]),
    Case("avg_pool_3x3_s1_same", avg_pool(K3, S1, "SAME"), [normal(1, 5, 5, 4)]),
    Case("avg_pool_3x3_s2_same_odd", avg_pool(K3, S2, "SAME"), [normal(2, 7, 6, 2)]),
    Case("avg_pool_global", avg_pool((1, 7, 7, 1), S1), [normal(2, 7, 7, 8)]),
    Case("avg_pool_uneven", avg_pool((1, 2, 3, 1), (1, 2, 1, 1), "SAME"), [normal(1, 5, 6, 2)]),
    Case("avg_pool_f64", avg_pool(K3, S2, "SAME"), [normal(1, 5, 5, 2, dtype=np.float64)]),
    Case("avg_pool_empty_batch", avg_pool(K2, S2), [normal(0, 4, 4, 3)]),
    Case("avg_pool_err_nchw", avg_pool((1, 1, 2, 2), S1, "SAME", data_format="NCHW"), [normal(1, 1, 3, 3)]),
]

SOFTMAX_INPUTS = [
    ("2d", normal(4, 10)),
    ("1d", normal(6)),
    ("3d", normal(2, 3, 5)),
    ("large_logits", np.array([[1000, 1001, 1002], [-1000, -999, -1001]], np.float32)),
    ("infinities", np.array([[1, np.inf, 3], [-np.inf, -np.inf, -np.inf], [np.nan, 1, 2],
                             [-np.inf, 0, 1]], np.float32)),
    ("single_class", normal(3, 1)),
    ("empty_rows", normal(0, 4)),
    ("empty_classes", normal(3, 0)),
    ("f64", normal(3, 7, dtype=np.float64)),
]
SOFTMAX_CASES = [
    Case("%s_%s" % (name, suffix), fn, [x])
    for name, fn in [("softmax", lambda x: raw.Softmax(logits=x)),
                     ("log_softmax", lambda x: raw.LogSoftmax(logits=x))]
    for suffix, x in SOFTMAX_INPUTS
]


def batch_norm(version, is_training=False, epsilon=0.001, data_format="NHWC", avg_factor=1.0):
    def fn(x, scale, offset, mean, variance):
        args = dict(x=x, scale=scale, offset=offset, mean=mean, variance=variance,
                    epsilon=epsilon, data_format=data_format, is_training=is_training)
        if version == 1:
            return raw.FusedBatchNorm(**args)
        args["exponential_avg_factor"] = avg_factor
        return (raw.FusedBatchNormV2 if version == 2 else raw.FusedBatchNormV3)(**args)
    return fn


def bn_params(channels):
    return [rng.uniform(0.5, 2, channels).astype(np.float32),   # scale
            normal(channels),                                    # offset
            normal(channels),                                    # mean
            rng.uniform(0.1, 3, channels).astype(np.float32)]    # variance


# Training mode: every output is defined (y, running mean/variance, batch mean/variance).
BATCH_NORM_CASES = [
    Case("fused_batch_norm_v3_training", batch_norm(3, True), [normal(2, 4, 4, 5)] + bn_params(5)),
    Case("fused_batch_norm_v3_training_nchw", batch_norm(3, True, data_format="NCHW"),
         [normal(2, 3, 4, 5)] + bn_params(3)),
    Case("fused_batch_norm_v3_training_5d", batch_norm(3, True, data_format="NDHWC"),
         [normal(2, 3, 4, 2, 3)] + bn_params(3)),
    Case("fused_batch_norm_v3_training_avg", batch_norm(3, True, avg_factor=0.3),
         [normal(2, 3, 3, 4)] + bn_params(4)),
    Case("fused_batch_norm_v3_training_no_stats", batch_norm(3, True),
         [normal(2, 3, 3, 4)] + bn_params(4)[:2] + [np.zeros(0, np.float32)] * 2),
    Case("fused_batch_norm_v3_training_single", batch_norm(3, True),
         [normal(1, 1, 1, 3)] + bn_params(3)),
    Case("fused_batch_norm_v2_training", batch_norm(2, True), [normal(2, 2, 3, 3)] + bn_params(3)),
    Case("fused_batch_norm_v3_training_f16", batch_norm(3, True),
         [normal(4, 8, 8, 16, dtype=np.float16)] + bn_params(16)),
    Case("fused_batch_norm_v1_training", batch_norm(1, True, epsilon=1e-5),
         [normal(1, 3, 3, 4)] + bn_params(4)),
]

# Inference mode (is_training=False), the form Keras models are saved in. TF's CPU kernel
# never writes outputs 3 and 4 (reserve_space_1/2) there, nor outputs 1-4 for an empty x:
# only y is recorded (tests/runtime/nn_ops_test.cc checks outputs 1-2 against values TF
# printed).
BATCH_NORM_INFERENCE_CASES = [
    Case(name, fn, inputs, defined_outputs=1) for name, fn, inputs in [
        ("fused_batch_norm_v3_inference", batch_norm(3), [normal(2, 4, 4, 5)] + bn_params(5)),
        ("fused_batch_norm_v3_inference_nchw", batch_norm(3, data_format="NCHW"),
         [normal(2, 3, 4, 5)] + bn_params(3)),
        ("fused_batch_norm_v3_inference_5d", batch_norm(3, data_format="NDHWC"),
         [normal(2, 3, 4, 2, 3)] + bn_params(3)),
        ("fused_batch_norm_v3_empty", batch_norm(3), [normal(0, 3, 3, 2)] + bn_params(2)),
        ("fused_batch_norm_v1_inference", batch_norm(1, epsilon=1e-5),
         [normal(1, 3, 3, 4)] + bn_params(4)),
        ("fused_batch_norm_v2_inference", batch_norm(2), [normal(2, 3, 3, 4)] + bn_params(4)),
        ("fused_batch_norm_v3_f16", batch_norm(3), [normal(1, 3, 3, 4, dtype=np.float16)] +
         bn_params(4)),
    ]
]

CASES = (CONV_CASES + MATMUL_CASES + EINSUM_CASES + POOL_CASES + SOFTMAX_CASES +
         BATCH_NORM_CASES + BATCH_NORM_INFERENCE_CASES)
