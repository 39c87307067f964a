#!/usr/bin/env python3
"""Writes single-op test cases computed by TensorFlow (see README.md)."""
import argparse
import glob
import hashlib
import importlib.util
import os
import shutil
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402


class Case:
    """One TF op applied to numpy inputs. `fn(*tensors)` must create exactly one op.

    `defined_outputs`: how many leading outputs TF defines (the others hold whatever memory
    it allocated, e.g. FusedBatchNorm's reserve spaces in inference); None: all."""

    def __init__(self, name, fn, inputs, defined_outputs=None):
        self.name = name
        self.fn = fn
        self.inputs = [np.asarray(x) for x in inputs]
        self.defined_outputs = defined_outputs


def _op_of(result):
    tensors = result if isinstance(result, (list, tuple)) else [result]
    ops = {t.op for t in tensors if t is not None}
    if isinstance(result, tf.Operation):
        ops = {result}
    if len(ops) != 1:
        raise ValueError("a case must create exactly one op, got %s" % [o.type for o in ops])
    return ops.pop()


def _unoptimized():
    """A session config with Grappler off: the op must run as written, not rewritten."""
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    return config


def as_savable(value):
    """TF returns string tensors as object arrays; .npy keeps them as fixed-width bytes."""
    value = np.asarray(value)
    return value.astype(np.bytes_) if value.dtype == object else value


def write_case(case, out_dir):
    case_dir = os.path.join(out_dir, case.name)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(os.path.join(case_dir, "inputs"))
    os.makedirs(os.path.join(case_dir, "outputs"))
    graph = tf.Graph()
    with graph.as_default():
        placeholders = [
            tf.compat.v1.placeholder(tf.as_dtype(x.dtype), shape=x.shape, name="in%d" % i)
            for i, x in enumerate(case.inputs)
        ]
        op = _op_of(case.fn(*placeholders))
    # The NodeDef names its inputs "inK"; store the inputs in the op's input order.
    order = []
    for name in op.node_def.input:
        if name.startswith("^"):
            continue
        base = name.split(":")[0]
        if not base.startswith("in"):
            raise ValueError("%s: input %s is not a case input" % (case.name, name))
        order.append(int(base[2:]))
    for position, index in enumerate(order):
        np.save(os.path.join(case_dir, "inputs", "%d.npy" % position),
                as_savable(case.inputs[index]))
    with open(os.path.join(case_dir, "node.pb"), "wb") as f:
        f.write(op.node_def.SerializeToString())
    feed = {p: x for p, x in zip(placeholders, case.inputs)}
    try:
        with tf.compat.v1.Session(graph=graph, config=_unoptimized()) as session:
            results = session.run(list(op.outputs), feed_dict=feed)
    except (tf.errors.OpError, ValueError) as error:
        with open(os.path.join(case_dir, "error.txt"), "w") as f:
            f.write(str(error).splitlines()[0] + "\n")
        return
    if case.defined_outputs is not None:
        results = results[:case.defined_outputs]
    for i, value in enumerate(results):
        np.save(os.path.join(case_dir, "outputs", "%d.npy" % i), as_savable(value))


def load_case_modules(directory):
    modules = []
    for path in sorted(glob.glob(os.path.join(directory, "cases_*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        modules.append((path, module))
    return modules


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="directory to write the cases into")
    parser.add_argument("--only", nargs="*", help="case-name prefixes to (re)write")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    sys.modules.setdefault("make_op_cases", sys.modules[__name__])
    os.makedirs(args.out, exist_ok=True)
    for path, module in load_case_modules(here):
        # A family is regenerated only when its case file (or this script) changed.
        digest = hashlib.sha256(open(path, "rb").read() + open(__file__, "rb").read()).hexdigest()
        stamp = os.path.join(args.out, ".stamp_" + os.path.basename(path))
        if not args.only and os.path.exists(stamp) and open(stamp).read() == digest:
            continue
        names = set()
        for case in module.CASES:
            if case.name in names:
                raise ValueError("duplicate case name " + case.name)
            names.add(case.name)
            if args.only and not any(case.name.startswith(p) for p in args.only):
                continue
            write_case(case, args.out)
        if not args.only:
            with open(stamp, "w") as f:
                f.write(digest)
        print("%s: %d cases" % (os.path.basename(path), len(module.CASES)))


if __name__ == "__main__":
    main()
