"""Conformance cases for example parsing (runtime/ops/parse_example_ops.cc: ParseExample,
ParseExampleV2) and the BroadcastGradientArgs op of training graphs (training_ops.cc).

Inputs are serialized tf.train.Example protos built here. Keys and defaults are inputs
too (the harness feeds every op input from a placeholder). The variable-updating training
ops (AssignAddVariableOp, ResourceApply*) take resource handles, which a case cannot
feed; tests/runtime/training_ops_test.cc checks them against values TF computed.
"""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

r = tf.raw_ops
CASES = []


def add(name, fn, inputs):
    CASES.append(Case(name, fn, inputs))


def feature(values):
    if values is None:
        return tf.train.Feature()  # no value list set: counts as missing
    if isinstance(values, tf.train.Feature):
        return values
    if len(values) and isinstance(values[0], float):
        return tf.train.Feature(float_list=tf.train.FloatList(value=values))
    if len(values) and isinstance(values[0], bytes):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
    return tf.train.Feature(int64_list=tf.train.Int64List(value=values))


def example(**features):
    """A serialized tf.train.Example. .npy stores strings as fixed-width bytes and drops
    trailing NULs, so an example whose encoding ends in 0 gets an extra unused feature."""
    proto = tf.train.Example(features=tf.train.Features(
        feature={k: feature(v) for k, v in features.items()}))
    serialized = proto.SerializeToString()
    for pad in range(10):
        if not serialized.endswith(b"\0"):
            return serialized
        proto.features.feature["~pad%d" % pad].bytes_list.value.append(b"pad")
        serialized = proto.SerializeToString(deterministic=True)
    raise ValueError("cannot encode %s without a trailing NUL" % features)


def strings(values, shape=None):
    array = np.array(values, dtype=np.bytes_) if values else np.zeros((0,), np.bytes_)
    return array.reshape(shape) if shape is not None else array


def parse_v2(num_sparse=0, sparse_types=(), ragged_value_types=(), ragged_split_types=(),
             dense_shapes=()):
    """ParseExampleV2 on inputs (serialized, names, sparse_keys, dense_keys, ragged_keys,
    *dense_defaults); returns every output in one flat list."""
    def fn(serialized, names, sparse_keys, dense_keys, ragged_keys, *defaults):
        outputs = r.ParseExampleV2(
            serialized=serialized, names=names, sparse_keys=sparse_keys,
            dense_keys=dense_keys, ragged_keys=ragged_keys, dense_defaults=list(defaults),
            num_sparse=num_sparse, sparse_types=list(sparse_types),
            ragged_value_types=list(ragged_value_types),
            ragged_split_types=list(ragged_split_types), dense_shapes=list(dense_shapes))
        return [t for group in outputs for t in group]
    return fn


def parse_v1(sparse_types=(), dense_shapes=(), num_sparse=0, num_dense=0):
    """ParseExample (v1) on inputs (serialized, names, *sparse_keys, *dense_keys,
    *dense_defaults)."""
    def fn(serialized, names, *rest):
        sparse_keys = list(rest[:num_sparse])
        dense_keys = list(rest[num_sparse:num_sparse + num_dense])
        defaults = list(rest[num_sparse + num_dense:])
        outputs = r.ParseExample(serialized=serialized, names=names, sparse_keys=sparse_keys,
                                 dense_keys=dense_keys, dense_defaults=defaults,
                                 sparse_types=list(sparse_types), dense_shapes=list(dense_shapes))
        return [t for group in outputs for t in group]
    return fn


NO_FLOATS = tf.train.Feature(float_list=tf.train.FloatList())  # present, but empty
NO_NAMES = strings([])
NO_KEYS = strings([])
F32_NONE = np.zeros((0,), np.float32)  # an empty default: the feature is required

# ---------------------------------------------------------------- ParseExampleV2, dense

HALF_PLUS_TWO = [example(x=[0.5], x2=[2.0]), example(x=[-1.25]), example(x2=[7.0])]
add("parse_v2_dense_float_like_half_plus_two", parse_v2(dense_shapes=[[1], [1]]),
    [strings(HALF_PLUS_TWO[:2]), NO_NAMES, NO_KEYS, strings([b"x", b"x2"]), NO_KEYS,
     F32_NONE, np.array([3.0], np.float32)])
add("parse_v2_dense_required_missing_error", parse_v2(dense_shapes=[[1]]),
    [strings(HALF_PLUS_TWO), NO_NAMES, NO_KEYS, strings([b"x"]), NO_KEYS, F32_NONE])
add("parse_v2_dense_required_missing_named_error", parse_v2(dense_shapes=[[1]]),
    [strings(HALF_PLUS_TWO), strings([b"a", b"b", b"c"]), NO_KEYS, strings([b"x"]), NO_KEYS,
     F32_NONE])
add("parse_v2_dense_all_defaults", parse_v2(dense_shapes=[[1]]),
    [strings(HALF_PLUS_TWO), NO_NAMES, NO_KEYS, strings([b"x2"]), NO_KEYS,
     np.array([-9.0], np.float32)])

MIXED = [
    example(f=[1.0, 2.0, 3.0, 4.0], i=[7, -3, 1 << 40], s=[b"ab", b""]),
    example(f=[0.25, -0.5, 1e30, -0.0], s=[b"x", b"yz"]),
    example(i=[0, 1, 2], extra=[1.5]),
    example(f=None, i=[5, 6, -7], s=None),
]
add("parse_v2_dense_mixed_types", parse_v2(dense_shapes=[[2, 2], [3], [2]]),
    [strings(MIXED), NO_NAMES, NO_KEYS, strings([b"f", b"i", b"s"]), NO_KEYS,
     np.arange(4, dtype=np.float32).reshape(2, 2), np.array([10, 20, 30], np.int64),
     strings([b"d0", b"d1"])])
add("parse_v2_dense_names", parse_v2(dense_shapes=[[3]]),
    [strings(MIXED[:2] + MIXED[3:]), strings([b"n0", b"n1", b"n2"]), NO_KEYS, strings([b"i"]),
     NO_KEYS, np.array([1, 2, 3], np.int64)])
add("parse_v2_dense_scalar_dims", parse_v2(dense_shapes=[[]]),
    [strings([example(v=[4]), example(w=[1]), example(v=[-2])]), NO_NAMES, NO_KEYS,
     strings([b"v"]), NO_KEYS, np.array(99, np.int64)])
add("parse_v2_scalar_input", parse_v2(dense_shapes=[[2, 2], [3], [2]]),
    [strings(MIXED[0], shape=()), NO_NAMES, NO_KEYS, strings([b"f", b"i", b"s"]), NO_KEYS,
     np.zeros((2, 2), np.float32), np.zeros((3,), np.int64), strings([b"a", b"b"])])
add("parse_v2_scalar_input_names", parse_v2(dense_shapes=[[3]]),
    [strings(MIXED[3], shape=()), strings(b"only", shape=()), NO_KEYS, strings([b"i"]),
     NO_KEYS, np.zeros((0,), np.int64)])
add("parse_v2_empty_batch", parse_v2(dense_shapes=[[2]]),
    [strings([]), NO_NAMES, NO_KEYS, strings([b"f"]), NO_KEYS, F32_NONE])
add("parse_v2_no_features", parse_v2(num_sparse=1, sparse_types=[tf.int64]),
    [strings(MIXED[:2]), NO_NAMES, strings([b"absent"]), NO_KEYS, NO_KEYS])

# Variable-length dense features (FixedLenSequenceFeature): padded to the longest example.
SEQ = [example(a=[1.0, 2.0]), example(a=[3.0, 4.0, 5.0, 6.0, 7.0, 8.0]), example(b=[1]),
       example(a=NO_FLOATS)]
add("parse_v2_dense_variable_length", parse_v2(dense_shapes=[[None]]),
    [strings(SEQ), NO_NAMES, NO_KEYS, strings([b"a"]), NO_KEYS, np.array(-1.0, np.float32)])
add("parse_v2_dense_variable_length_rows", parse_v2(dense_shapes=[[None, 2]]),
    [strings(SEQ), NO_NAMES, NO_KEYS, strings([b"a"]), NO_KEYS, np.array([0.5], np.float32)])
add("parse_v2_dense_variable_length_strings", parse_v2(dense_shapes=[[None]]),
    [strings([example(s=[b"a", b"b"]), example(t=[b"c"]), example(s=[b"z"])]), NO_NAMES,
     NO_KEYS, strings([b"s"]), NO_KEYS, strings(b"pad", shape=())])
add("parse_v2_dense_variable_length_scalar_input", parse_v2(dense_shapes=[[None, 3]]),
    [strings(SEQ[1], shape=()), NO_NAMES, NO_KEYS, strings([b"a"]), NO_KEYS,
     np.array(0.0, np.float32)])
add("parse_v2_dense_variable_length_all_missing", parse_v2(dense_shapes=[[None, 2]]),
    [strings(SEQ[2:3]), NO_NAMES, NO_KEYS, strings([b"a"]), NO_KEYS,
     np.array(7.0, np.float32)])
add("parse_v2_dense_variable_length_stride_error", parse_v2(dense_shapes=[[None, 4]]),
    [strings(SEQ), NO_NAMES, NO_KEYS, strings([b"a"]), NO_KEYS, np.array(0.0, np.float32)])
add("parse_v2_dense_variable_length_default_error", parse_v2(dense_shapes=[[None]]),
    [strings(SEQ), NO_NAMES, NO_KEYS, strings([b"a"]), NO_KEYS, np.zeros((2,), np.float32)])

# Errors found at run time.
add("parse_v2_dense_count_error", parse_v2(dense_shapes=[[2]]),
    [strings([example(f=[1.0, 2.0]), example(f=[1.0])]), NO_NAMES, NO_KEYS, strings([b"f"]),
     NO_KEYS, F32_NONE])
add("parse_v2_dense_type_error", parse_v2(dense_shapes=[[1]]),
    [strings([example(f=[1.0]), example(f=[1])]), NO_NAMES, NO_KEYS, strings([b"f"]),
     NO_KEYS, F32_NONE])
add("parse_v2_unparseable_error", parse_v2(dense_shapes=[[1]]),
    [strings([example(f=[1.0]), b"\x0a\x05abc"]), NO_NAMES, NO_KEYS, strings([b"f"]),
     NO_KEYS, F32_NONE])
add("parse_v2_unparseable_scalar_error", parse_v2(dense_shapes=[[1]]),
    [strings(b"\x0a\x05ab", shape=()), NO_NAMES, NO_KEYS, strings([b"f"]), NO_KEYS, F32_NONE])
add("parse_v2_default_shape_error", parse_v2(dense_shapes=[[2]]),
    [strings([example(f=[1.0, 2.0])]), NO_NAMES, NO_KEYS, strings([b"f"]), NO_KEYS,
     np.zeros((1, 2), np.float32)])
add("parse_v2_names_shape_error", parse_v2(dense_shapes=[[2]]),
    [strings([example(f=[1.0, 2.0])]), strings([b"a", b"b"]), NO_KEYS, strings([b"f"]),
     NO_KEYS, F32_NONE])
add("parse_v2_dense_keys_count_error", parse_v2(dense_shapes=[[2]]),
    [strings([example(f=[1.0, 2.0])]), NO_NAMES, NO_KEYS, strings([b"f", b"g"]), NO_KEYS,
     F32_NONE])
# ---------------------------------------------------------------- ParseExampleV2, sparse/ragged

SPARSE = [example(s=[b"a", b"bb", b"c"], f=[1.5], i=[3, 4]), example(i=[9]),
          example(s=[b"d"], f=[2.5, -1.0, 0.0, 4.0]), example(s=None)]
add("parse_v2_sparse", parse_v2(num_sparse=3, sparse_types=[tf.string, tf.float32, tf.int64]),
    [strings(SPARSE), NO_NAMES, strings([b"s", b"f", b"i"]), NO_KEYS, NO_KEYS])
add("parse_v2_sparse_scalar_input",
    parse_v2(num_sparse=2, sparse_types=[tf.float32, tf.int64]),
    [strings(SPARSE[2], shape=()), NO_NAMES, strings([b"f", b"i"]), NO_KEYS, NO_KEYS])
add("parse_v2_sparse_type_error", parse_v2(num_sparse=1, sparse_types=[tf.float32]),
    [strings(SPARSE), NO_NAMES, strings([b"i"]), NO_KEYS, NO_KEYS])
add("parse_v2_ragged",
    parse_v2(ragged_value_types=[tf.int64, tf.string, tf.float32],
             ragged_split_types=[tf.int32, tf.int64, tf.int64]),
    [strings(SPARSE), NO_NAMES, NO_KEYS, NO_KEYS, strings([b"i", b"s", b"f"])])
add("parse_v2_ragged_scalar_input",
    parse_v2(ragged_value_types=[tf.string], ragged_split_types=[tf.int32]),
    [strings(SPARSE[0], shape=()), NO_NAMES, NO_KEYS, NO_KEYS, strings([b"s"])])
add("parse_v2_ragged_type_error",
    parse_v2(ragged_value_types=[tf.int64], ragged_split_types=[tf.int64]),
    [strings(SPARSE), NO_NAMES, NO_KEYS, NO_KEYS, strings([b"s"])])
add("parse_v2_all_kinds",
    parse_v2(num_sparse=1, sparse_types=[tf.int64], ragged_value_types=[tf.float32],
             ragged_split_types=[tf.int32], dense_shapes=[[None], [2]]),
    [strings(SPARSE), strings([b"e0", b"e1", b"e2", b"e3"]), strings([b"i"]),
     strings([b"s", b"q"]), strings([b"f"]), strings(b"-", shape=()),
     np.array([1.0, 2.0], np.float32)])

# ---------------------------------------------------------------- ParseExample (v1)

add("parse_v1_dense", parse_v1(dense_shapes=[[1], [2]], num_dense=2),
    [strings([example(x=[1.0], y=[1, 2]), example(y=[3, 4]), example(x=[-2.0], y=[5, 6])]),
     NO_NAMES, strings(b"x", shape=()), strings(b"y", shape=()), np.array([0.5], np.float32),
     np.zeros((0,), np.int64)])
add("parse_v1_sparse_and_dense",
    parse_v1(sparse_types=[tf.string, tf.int64], dense_shapes=[[None]], num_sparse=2,
             num_dense=1),
    [strings(SPARSE), strings([b"a", b"b", b"c", b"d"]), strings(b"s", shape=()),
     strings(b"i", shape=()), strings(b"f", shape=()), np.array(0.0, np.float32)])
add("parse_v1_dense_variable_length", parse_v1(dense_shapes=[[None]], num_dense=1),
    [strings(SEQ), NO_NAMES, strings(b"a", shape=()), np.array(-1.0, np.float32)])
add("parse_v1_required_missing_error", parse_v1(dense_shapes=[[2]], num_dense=1),
    [strings(SEQ[:1] + SEQ[2:3]), NO_NAMES, strings(b"a", shape=()), F32_NONE])

# ---------------------------------------------------------------- BroadcastGradientArgs


def grad_args(s0, s1):
    return r.BroadcastGradientArgs(s0=s0, s1=s1)


for name, a, b in [
        ("same", [2, 1, 3], [2, 1, 3]),
        ("same_ones", [1], [1]),
        ("row", [2, 1, 3], [1, 1, 3]),
        ("scalar_vs_ones", [], [1, 1]),
        ("scalar_vs_matrix", [4, 5], []),
        ("both_scalar", [], []),
        ("zero_dim", [1, 0], [3, 1]),
        ("rank_mismatch", [5], [1, 1]),
        ("ones_rank_mismatch", [1, 1], [1]),
        ("column", [4, 1], [1, 6]),
        ("rank4", [8, 1, 1, 16], [16]),
]:
    for dtype in (np.int32, np.int64):
        add("broadcast_gradient_args_%s_%s" % (name, np.dtype(dtype).name), grad_args,
            [np.array(a, dtype), np.array(b, dtype)])
add("broadcast_gradient_args_incompatible_error", grad_args,
    [np.array([2, 3], np.int32), np.array([4], np.int32)])
