"""The three usage examples of TF's tf.experimental.tensorrt.Converter page, as written
there apart from `tf.experimental.tensorrt` -> `tftrt` (and what the page leaves to the
reader: my_dir, output_saved_model_dir, num_runs, the inputs): the scripts of
examples/python, their main() on multi_signature's serving_default (inputs a, b: `inp1,
inp2`) with TensorFlow's recorded outputs, and the whole scripts on the bundled example
model (one input, no fixtures needed)."""

import runpy

import numpy as np
import pytest

import tftrt

from conftest import REPO, EXAMPLE_DIR, assert_outputs_close, fixture_cases, fixture_model


def example(script):
    """The functions of examples/python/`script` (its main() is the page's code), loaded
    without running the script's own part."""
    return runpy.run_path(str(REPO / "examples" / "python" / script), run_name="example")


@pytest.fixture
def two_inputs():
    my_dir = str(fixture_model("multi_signature"))
    cases = fixture_cases("multi_signature")
    runs = [(inputs["a"], inputs["b"]) for inputs, _ in cases]  # inp1, inp2
    return my_dir, cases, runs


def test_example1_fp32_fp16(two_inputs, tmp_path):
    my_dir, cases, _ = two_inputs
    loaded = example("example1_fp16.py")["main"](my_dir, str(tmp_path / "converted"))

    # No engines saved: they are built at the first run.
    assert not list((tmp_path / "converted" / "assets").glob("trt-serialized-engine.*"))
    fn = loaded.signatures["serving_default"]
    for inputs, outputs in cases:
        assert_outputs_close(fn(**inputs), outputs, rtol=2e-2, atol=2e-2)


def test_example2_fp16_prebuilt_engines(two_inputs, tmp_path):
    my_dir, cases, runs = two_inputs
    loaded = example("example2_fp16_prebuilt.py")["main"](my_dir, str(tmp_path / "converted"),
                                                          runs)

    assert list((tmp_path / "converted" / "assets").glob("trt-serialized-engine.*"))
    fn = loaded.signatures["serving_default"]
    for inputs, outputs in cases:
        assert_outputs_close(fn(**inputs), outputs, rtol=2e-2, atol=2e-2)
    assert "Total number of TensorRT engines" in loaded.summary()


def test_example3_int8_calibration(two_inputs, tmp_path):
    my_dir, cases, runs = two_inputs
    calibration_runs = [runs[0]] * len(runs)  # all input data of the same shape
    loaded = example("example3_int8.py")["main"](my_dir, str(tmp_path / "converted"),
                                                 calibration_runs)
    assert list((tmp_path / "converted" / "assets").glob("trt-serialized-engine.*"))
    fn = loaded.signatures["serving_default"]
    for inputs, outputs in cases:
        assert_outputs_close(fn(**inputs), outputs, rtol=5e-2, atol=5e-2)


@pytest.mark.parametrize("precision", ["FP32", "FP16"])
def test_bundled_example_model(precision, example_input, example_probs, tmp_path):
    """Example 2 on examples/small_cnn: no TensorFlow, no fixtures."""
    params = tftrt.ConversionParams(precision_mode=precision, maximum_cached_engines=16)
    converter = tftrt.Converter(input_saved_model_dir=str(EXAMPLE_DIR), conversion_params=params)
    fn = converter.convert()

    def my_input_fn():
        for _ in range(2):
            yield (example_input,)

    converter.build(input_fn=my_input_fn)
    converter.save(str(tmp_path / "trt"))
    tol = 2e-2 if precision == "FP16" else 1e-5
    np.testing.assert_allclose(fn(image=example_input)["probs"], example_probs, atol=tol)
    saved = tftrt.saved_model.load(str(tmp_path / "trt")).signatures["serving_default"]
    np.testing.assert_allclose(saved(image=example_input)["probs"], example_probs, atol=tol)


@pytest.mark.parametrize("script", ["example1_fp16.py", "example2_fp16_prebuilt.py",
                                    "example3_int8.py"])
def test_example_scripts(script, tmp_path):
    """examples/python/: the three examples on the bundled model, as a user runs them."""
    import subprocess
    import sys
    out = subprocess.run([sys.executable, str(REPO / "examples" / "python" / script),
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "example" in out.stdout
    if script == "example3_int8.py":
        assert "INT8" in out.stdout
