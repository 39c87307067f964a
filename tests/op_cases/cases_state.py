"""Conformance cases for the state ops (Identity) — also the template for other families."""
import numpy as np
import tensorflow as tf

from make_op_cases import Case

rng = np.random.default_rng(0)

CASES = [
    Case("identity_f32", lambda x: tf.raw_ops.Identity(input=x),
         [rng.standard_normal((2, 3)).astype(np.float32)]),
    Case("identity_str", lambda x: tf.raw_ops.Identity(input=x), [np.array([b"a", b"bc"])]),
]
