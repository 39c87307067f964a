"""Conformance cases for the string, ragged, bincount and lookup ops of text models
(runtime/ops/string_ops.cc, ragged_ops.cc, bincount_ops.cc, lookup_ops.cc).

Strings are stored as fixed-width numpy bytes ('S'), which drop trailing NULs: no case
string ends in one. Lookup tables are resources, which a case (one op, inputs fed from
placeholders) cannot feed: the table ops are checked by tests/runtime/lookup_ops_test.cc
and the text fixtures.
"""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

r = tf.raw_ops
CASES = []


def add(name, fn, inputs):
    CASES.append(Case(name, fn, inputs))


def strings(values, shape=None):
    array = np.array([v.encode("utf-8") if isinstance(v, str) else v for v in values],
                     dtype=np.bytes_) if values else np.zeros((0,), np.bytes_)
    return array.reshape(shape) if shape is not None else array


MIXED = strings(["Hello, World!", "", "ÀÉÎ õü Straße", "ǅ ΣΑΣ İstanbul", "東京 TOKYO 123",
                 "tab\there  new\nline", "  lead and trail  ", "x\x00y"], [2, 4])

# ---- Case ----
for enc in ("", "utf-8"):
    add(f"StringLower_{enc or 'ascii'}", lambda x, e=enc: r.StringLower(input=x, encoding=e), [MIXED])
    add(f"StringUpper_{enc or 'ascii'}", lambda x, e=enc: r.StringUpper(input=x, encoding=e), [MIXED])
add("StringLower_bad_encoding", lambda x: r.StringLower(input=x, encoding="latin-1"), [MIXED])
add("StringLower_invalid_utf8", lambda x: r.StringLower(input=x, encoding="utf-8"),
    [strings([b"AB\xff\xfeCD", b"\xc3"])])

# ---- Regular expressions ----
TEXTS = strings(["The cat's mat, 42 times!", "aaa", "", "x-y_z", "東京 caf\u00e9 Ü", "a1b22c333"])
for name, pattern, rewrite in [
        ("punct", r"[[:punct:]]", ""),
        ("keras_strip", r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']', ""),
        ("groups", r"(\d+)", r"<\1>"),
        ("whole_match", r"[a-z]+", r"[\0]"),
        ("empty_match", r"x*", "-"),
        ("backslash", r"a", r"\\"),
        ("unicode_class", r"\p{Han}+", "HAN"),
        ("anchor", r"^", ">")]:
    for global_ in (True, False):
        add(f"StaticRegexReplace_{name}_{'global' if global_ else 'first'}",
            lambda x, p=pattern, w=rewrite, g=global_: r.StaticRegexReplace(
                input=x, pattern=p, rewrite=w, replace_global=g), [TEXTS])
add("StaticRegexReplace_bad_pattern",
    lambda x: r.StaticRegexReplace(input=x, pattern="(ab", rewrite="", replace_global=True), [TEXTS])
add("StaticRegexReplace_bad_rewrite",
    lambda x: r.StaticRegexReplace(input=x, pattern="(a)", rewrite=r"\2", replace_global=True),
    [TEXTS])
add("RegexReplace", lambda x, p, w: r.RegexReplace(input=x, pattern=p, rewrite=w),
    [TEXTS, np.array(b"([aeiou])"), np.array(b"<\\1>")])
add("RegexReplace_first", lambda x, p, w: r.RegexReplace(input=x, pattern=p, rewrite=w,
                                                         replace_global=False),
    [TEXTS.reshape(2, 3), np.array(b"[a-z]"), np.array(b"#")])

# ---- Splitting ----
SPLIT = strings(["hello world", "  leading", "trailing   ", "a\tb\nc\rd\ve\ff", "", "   ",
                 "a,,b,", ",", "one<>two<>three<>", "no-sep", "東京 大阪\t京都"])
for sep in ("", ",", "<>", " "):
    for maxsplit in (-1, 0, 1, 2):
        add(f"StringSplitV2_sep{sep.encode().hex() or 'none'}_max{maxsplit}",
            lambda x, s, m=maxsplit: r.StringSplitV2(input=x, sep=s, maxsplit=m),
            [SPLIT, np.array(sep.encode())])
add("StringSplitV2_empty_input", lambda x, s: r.StringSplitV2(input=x, sep=s),
    [strings([]), np.array(b"")])

add("StringStrip", lambda x: r.StringStrip(input=x), [MIXED])
add("StringJoin", lambda a, b, c: r.StringJoin(inputs=[a, b, c], separator="--"),
    [strings(["a", "b", "c"]), np.array(b"mid"), strings(["x", "", "z"])])

# ---- Hashing ----
HASHED = strings(["", "a", "ab", "hello", "hello world, this is longer than 16",
                  "x" * 33, "y" * 64, "z" * 65, "The quick brown fox jumps over the lazy dog " * 5,
                  "東京", "café"], [11])
for buckets in (1, 7, 1000, 2**62):
    add(f"StringToHashBucketFast_{buckets}",
        lambda x, b=buckets: r.StringToHashBucketFast(input=x, num_buckets=b), [HASHED])
    add(f"StringToHashBucketStrong_{buckets}",
        lambda x, b=buckets: r.StringToHashBucketStrong(input=x, num_buckets=b, key=[1, 2]),
        [HASHED])
    add(f"StringToHashBucket_{buckets}",
        lambda x, b=buckets: r.StringToHashBucket(string_tensor=x, num_buckets=b), [HASHED])
add("StringToHashBucketFast_2d", lambda x: r.StringToHashBucketFast(input=x, num_buckets=100),
    [HASHED[:10].reshape(2, 5)])
add("StringToHashBucketStrong_negative_key",
    lambda x: r.StringToHashBucketStrong(input=x, num_buckets=97, key=[-1, -(2**63)]), [HASHED])

# ---- RaggedTensorToTensor ----
def to_tensor(types):
    """The shape input is a vector (-1: natural size): TF's shape function refuses a fed
    scalar one (unknown rank must be a constant -1)."""
    def fn(shape, values, default, *partitions):
        return r.RaggedTensorToTensor(shape=shape, values=values, default_value=default,
                                      row_partition_tensors=list(partitions),
                                      row_partition_types=types)
    return fn


I64 = np.int64
WORDS = strings(["a", "b", "c", "d", "e", "f"])
add("RaggedTensorToTensor_splits_strings", to_tensor(["ROW_SPLITS"]),
    [np.array([-1, -1], I64), WORDS, np.array(b"<pad>"), np.array([0, 2, 2, 5, 6], I64)])
add("RaggedTensorToTensor_splits_shape", to_tensor(["ROW_SPLITS"]),
    [np.array([-1, 2], I64), WORDS, np.array(b""), np.array([0, 2, 2, 5, 6], I64)])
add("RaggedTensorToTensor_splits_shape_grow", to_tensor(["ROW_SPLITS"]),
    [np.array([6, 4], I64), np.arange(6, dtype=np.float32), np.array(-1, np.float32),
     np.array([0, 2, 2, 5, 6], I64)])
add("RaggedTensorToTensor_splits_shape_cut_rows", to_tensor(["ROW_SPLITS"]),
    [np.array([2, -1], I64), np.arange(6, dtype=np.int32), np.array(9, np.int32),
     np.array([0, 1, 1, 5, 6], np.int32)])
add("RaggedTensorToTensor_two_levels", to_tensor(["ROW_SPLITS", "ROW_SPLITS"]),
    [np.array([-1, -1, -1], I64), np.arange(7, dtype=I64), np.array(0, I64),
     np.array([0, 2, 3], I64), np.array([0, 3, 3, 7], I64)])
add("RaggedTensorToTensor_inner_dims", to_tensor(["ROW_SPLITS"]),
    [np.array([-1, 3, 2], I64), np.arange(8, dtype=np.float32).reshape(4, 2),
     np.array([7, 8], np.float32), np.array([0, 1, 4], I64)])
add("RaggedTensorToTensor_rowids", to_tensor(["FIRST_DIM_SIZE", "VALUE_ROWIDS"]),
    [np.array([-1, -1], I64), WORDS, np.array(b"-"), np.array(5, I64),
     np.array([0, 0, 2, 2, 2, 3], I64)])
add("RaggedTensorToTensor_rowids_shape", to_tensor(["FIRST_DIM_SIZE", "VALUE_ROWIDS"]),
    [np.array([3, 2], I64), WORDS, np.array(b"-"), np.array(4, I64),
     np.array([0, 1, 1, 1, 3, 3], I64)])
# (Splits that do not cover the values abort TensorFlow itself: no case; tftrt refuses them.)

# ---- DenseBincount ----
add("DenseBincount_counts", lambda x, s, w: r.DenseBincount(input=x, size=s, weights=w),
    [np.array([0, 1, 1, 3, 5, 3], np.int32), np.array(4, np.int32), np.zeros((0,), np.int32)])
add("DenseBincount_weights", lambda x, s, w: r.DenseBincount(input=x, size=s, weights=w),
    [np.array([0, 1, 1, 3], I64), np.array(5, I64), np.array([0.5, 1, 2, 4], np.float32)])
add("DenseBincount_2d_binary",
    lambda x, s, w: r.DenseBincount(input=x, size=s, weights=w, binary_output=True),
    [np.array([[0, 1, 1], [2, 2, 0]], np.int32), np.array(3, np.int32),
     np.zeros((0,), np.float32)])
add("DenseBincount_negative", lambda x, s, w: r.DenseBincount(input=x, size=s, weights=w),
    [np.array([0, -1], np.int32), np.array(3, np.int32), np.zeros((0,), np.int32)])
