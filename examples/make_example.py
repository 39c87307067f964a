#!/usr/bin/env python3
"""Write the bundled example model: a small Keras CNN exported as a TF SavedModel.

Outputs (next to this script; they are committed so that a machine without
TensorFlow still has a model to run):

    small_cnn/               SavedModel, signature serving_default:
                             image [1,28,28,1] float32 -> probs [1,10] float32
    small_cnn_input.npy      one seeded input for 'image'
    small_cnn_probs.npy      TensorFlow's 'probs' for that input (reference)

Usage: make_example.py [--out DIR]   (default: the directory of this script)
"""

import argparse
import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

SEED = 1234


def build_model(rng):
    """Conv/BN/ReLU/MaxPool x2 -> Flatten -> Dense(10) -> Softmax (~10k parameters)."""
    L = keras.layers
    inp = keras.Input((28, 28, 1), batch_size=1, name="image")
    x = L.Conv2D(8, 3, padding="same", use_bias=False)(inp)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.MaxPool2D(2)(x)                               # 14x14x8
    x = L.Conv2D(16, 3, padding="same")(x)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.MaxPool2D(2)(x)                               # 7x7x16
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    out = L.Softmax()(x)
    model = keras.Model(inp, out)
    # Non-trivial BatchNorm parameters and statistics (an untrained model
    # would have identity BN, hiding BN-folding mistakes).
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            n = layer.moving_mean.shape[0]
            layer.gamma.assign(rng.uniform(0.5, 1.5, n).astype(np.float32))
            layer.beta.assign(rng.uniform(-0.5, 0.5, n).astype(np.float32))
            layer.moving_mean.assign(rng.uniform(-0.5, 0.5, n).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.5, 2.0, n).astype(np.float32))
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args()

    keras.utils.set_random_seed(SEED)
    tf.random.set_seed(SEED)
    rng = np.random.default_rng(SEED)
    model = build_model(rng)

    model_dir = args.out / "small_cnn"
    if model_dir.exists():
        shutil.rmtree(model_dir)
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        name="serving_default",
        fn=lambda image: {"probs": model(image, training=False)},
        input_signature=[tf.TensorSpec([1, 28, 28, 1], tf.float32, name="image")])
    archive.write_out(str(model_dir), verbose=False)

    image = rng.uniform(0, 1, (1, 28, 28, 1)).astype(np.float32)
    probs = tf.saved_model.load(str(model_dir)).signatures["serving_default"](
        image=tf.constant(image))["probs"].numpy()
    np.save(args.out / "small_cnn_input.npy", image)
    np.save(args.out / "small_cnn_probs.npy", probs)
    print(f"wrote {model_dir}; probs = {np.array2string(probs[0], precision=4)}")


if __name__ == "__main__":
    main()
