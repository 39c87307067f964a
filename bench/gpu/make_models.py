#!/usr/bin/env python3
"""Makes the GPU benchmark's models with TensorFlow (run it with the TensorFlow venv):

  resnet50      keras.applications.ResNet50, the test fixture of the same name (same
                builder and seed: tests/fixtures/make_fixtures.py)
  mobilenet_v2  keras.applications.MobileNetV2, 224x224x3, alpha 1.0, logits
  bert_base     a BERT-base encoder from Keras layers (bench/gpu/common.py BERT): token +
                position embeddings, LayerNorm, 12 post-LN blocks of MultiHeadAttention
                (with the padding mask) and a GELU feed-forward; outputs the last hidden state

Each is a SavedModel whose serving_default signature has a dynamic batch dimension, with
TF's outputs at batch 1 and 2 recorded in make_fixtures.py's layout, so that the fixture
tests run on them as they are (TFTRT_FIXTURES_DIR=DIR build/converted_fixtures_test):

  DIR/<model>/model/                                      the SavedModel (with weights)
  DIR/<model>/cases/serving_default/<k>/{inputs,outputs}/<key>.npy
  DIR/<model>/fixture.json, .stamp                        as make_fixtures.py writes them

A model is remade only when this script, common.py or make_fixtures.py changed. scripts/gpu-pack.sh
runs this, then strips the weights (tftrt strip-weights) for the GPU machine.

Usage: make_models.py --out DIR [--only NAME ...]
"""
import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests" / "fixtures"))
sys.path.insert(0, str(HERE))

import make_fixtures as fx  # noqa: E402  (sets TF's logging and CPU-only environment first)
from common import BERT, MODELS, make_inputs  # noqa: E402

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

# The models and their reference cases follow from this script and common.py (dimensions,
# inputs); a change to either remakes them.
SCRIPT_HASH = hashlib.sha256(Path(__file__).read_bytes() +
                             (HERE / "common.py").read_bytes()).hexdigest()


def signature_specs(spec):
    """The serving signature's inputs: a dynamic batch dimension, then the model's shape."""
    return [tf.TensorSpec((None,) + shape, dtype, name=key)
            for key, (shape, dtype) in spec.inputs.items()]


def reference_cases(spec):
    """The inputs TF's reference outputs are recorded for: batch 1 and 2."""
    return {"serving_default": [make_inputs(spec, batch, seed=batch) for batch in (1, 2)]}


def build_mobilenet_v2(model_dir, rng):
    """keras.applications.MobileNetV2 (alpha 1.0, 224x224x3), random weights, logits."""
    spec = MODELS["mobilenet_v2"]
    model = keras.applications.MobileNetV2(weights=None, classifier_activation=None)
    # Random batch-norm statistics, as the fixtures do: folding them must really be tested.
    fx.randomize_batchnorm(model, rng)
    fx.export_keras(model, model_dir, signature_specs(spec)[0], spec.output)
    return reference_cases(spec)


class AddPositionEmbedding(keras.layers.Layer):
    """Adds a learned embedding per sequence position (BERT's absolute positions)."""

    def build(self, input_shape):
        self.table = self.add_weight(shape=tuple(input_shape[1:]), name="position_embeddings",
                                     initializer=keras.initializers.TruncatedNormal(stddev=0.02))

    def call(self, x):
        return x + self.table


def build_bert_base(model_dir, rng):
    """BERT-base encoder (12 layers, hidden 768, 12 heads, GELU), sequence 128, masked."""
    spec = MODELS["bert_base"]
    L = keras.layers
    hidden, heads = BERT["hidden"], BERT["heads"]
    input_ids = keras.Input((BERT["seq"],), dtype="int32", name="input_ids")
    attention_mask = keras.Input((BERT["seq"],), dtype="int32", name="attention_mask")
    x = L.Embedding(BERT["vocab"], hidden, name="word_embeddings")(input_ids)
    x = AddPositionEmbedding(name="position_embeddings")(x)
    x = L.LayerNormalization(epsilon=BERT["layer_norm_eps"], name="embeddings_ln")(x)
    # [batch, 1, seq]: every query position sees the same unpadded keys.
    keys_mask = keras.ops.expand_dims(keras.ops.cast(attention_mask, "bool"), 1)
    for i in range(BERT["layers"]):
        attention = L.MultiHeadAttention(heads, hidden // heads, name=f"attention_{i}")(
            x, x, attention_mask=keys_mask)
        x = L.LayerNormalization(epsilon=BERT["layer_norm_eps"], name=f"attention_ln_{i}")(
            L.Add()([x, attention]))
        # BERT's GELU is the exact one (Erf), as Keras 3's "gelu" (approximate=False).
        h = L.Dense(BERT["intermediate"], activation="gelu", name=f"intermediate_{i}")(x)
        h = L.Dense(hidden, name=f"output_{i}")(h)
        x = L.LayerNormalization(epsilon=BERT["layer_norm_eps"], name=f"output_ln_{i}")(
            L.Add()([x, h]))
    model = keras.Model([input_ids, attention_mask], x)
    fx.export_keras(model, model_dir, signature_specs(spec), spec.output)
    return reference_cases(spec)


BUILDERS = {
    "resnet50": fx.build_resnet50,
    "mobilenet_v2": build_mobilenet_v2,
    "bert_base": build_bert_base,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--only", nargs="+", choices=list(BUILDERS), metavar="NAME")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in args.only or BUILDERS:
        model_dir = out / name
        # make_fixtures.py's stamp (its own hash, TF and Keras versions) plus this script's.
        stamp = json.dumps({"fixtures": fx.stamp_text(name), "make_models": SCRIPT_HASH})
        fx.run_fixture(name, model_dir,
                       lambda: fx.generate_fixture(name, BUILDERS[name], model_dir), stamp)


if __name__ == "__main__":
    main()
