"""tftrt.saved_model.load and the functions it returns: plain and converted models,
outputs that own their memory, signature errors, and the saved model in stock TensorFlow."""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

import tftrt

from conftest import (EXAMPLE_DIR, FIXTURES, REPO, assert_outputs_close, fixture_cases,
                      fixture_model)


def test_load_plain_model(example_input, example_probs):
    loaded = tftrt.saved_model.load(str(EXAMPLE_DIR))
    assert list(loaded.signatures) == ["serving_default"]
    fn = loaded.signatures["serving_default"]
    assert fn.inputs == [tftrt.TensorSpec("image", (1, 28, 28, 1), "float32")]
    assert list(fn.structured_outputs) == ["probs"]
    out = fn(image=example_input)["probs"]
    np.testing.assert_allclose(out, example_probs, atol=1e-5)
    # Outputs own their memory: writable, independent of tftrt.
    assert isinstance(out, np.ndarray) and out.flags.owndata and out.flags.writeable
    out[...] = 0
    np.testing.assert_allclose(fn(image=example_input)["probs"], example_probs, atol=1e-5)


def test_load_errors(tmp_path, example_input):
    with pytest.raises(tftrt.errors.OpError):
        tftrt.saved_model.load(str(tmp_path))
    loaded = tftrt.saved_model.load(EXAMPLE_DIR, tags=["serve"])
    with pytest.raises(KeyError, match="nope"):
        loaded.signatures["nope"]
    fn = loaded.signatures["serving_default"]
    with pytest.raises(TypeError, match="missing"):
        fn()
    with pytest.raises(TypeError, match="unexpected"):
        fn(image=example_input, other=example_input)
    with pytest.raises(TypeError, match="multiple values"):
        fn(example_input, image=example_input)


def test_multi_signature_model():
    loaded = tftrt.saved_model.load(fixture_model("multi_signature"))
    assert sorted(loaded.signatures) == ["ints", "scale", "serving_default"]
    for key in loaded.signatures:
        for inputs, outputs in fixture_cases("multi_signature", key):
            assert_outputs_close(loaded.signatures[key](**inputs), outputs)


def test_converted_model_loads_in_tftrt_and_stock_tensorflow(tmp_path):
    name = "cnn"
    model = fixture_model(name)
    cases = fixture_cases(name)
    c = tftrt.Converter(input_saved_model_dir=str(model),
                        conversion_params=tftrt.ConversionParams(maximum_cached_engines=4))
    c.convert()
    c.build(lambda: ({"image": inputs["image"]} for inputs, _ in cases))
    export = tmp_path / "export"
    c.save(export / "serving_default")
    fn = tftrt.saved_model.load(export / "serving_default").signatures["serving_default"]
    for inputs, outputs in cases:
        assert_outputs_close(fn(**inputs), outputs, rtol=1e-4, atol=1e-4)

    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow is not installed here")
    meta = json.loads((FIXTURES / name / "fixture.json").read_text())
    meta["fixture_dir"] = str(FIXTURES / name)
    (export / "fixture.json").write_text(json.dumps(meta))
    check = subprocess.run(
        [sys.executable, str(REPO / "tests" / "fixtures" / "check_tf_loads.py"),
         "--tolerance", "1e-4", str(export)], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr


def test_tensorflow_imported_first():
    """TF makes its protobuf global; tftrt's own SavedModel schema must not clash with it."""
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow is not installed here")
    script = (f"import tensorflow as tf, numpy as np, tftrt\n"
              f"f = tftrt.Converter({str(EXAMPLE_DIR)!r}).convert()\n"
              f"print(f(image=tf.zeros([1, 28, 28, 1]))['probs'].shape)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "(1, 10)" in out.stdout
