"""ConversionParams and TrtPrecisionMode: TF's names and defaults, immutability, and the
validation of every parameter (ValueError, as the seed)."""

import numpy as np
import pytest

import tftrt

from conftest import EXAMPLE_DIR


def test_defaults_are_tf_defaults():
    p = tftrt.ConversionParams()
    assert p == (1 << 30, "FP32", 3, 1, True, True)
    assert p._fields == ("max_workspace_size_bytes", "precision_mode", "minimum_segment_size",
                         "maximum_cached_engines", "use_calibration", "allow_build_at_runtime")
    assert tftrt.DEFAULT_TRT_MAX_WORKSPACE_SIZE_BYTES == 1 << 30
    assert p.precision_mode == tftrt.TrtPrecisionMode.FP32


def test_immutable_with_replace():
    p = tftrt.ConversionParams(precision_mode="FP16")
    with pytest.raises(AttributeError):
        p.precision_mode = "FP32"
    q = p._replace(maximum_cached_engines=16)
    assert (p.maximum_cached_engines, q.maximum_cached_engines) == (1, 16)
    assert q.precision_mode == "FP16"
    assert q._asdict()["maximum_cached_engines"] == 16


def test_precision_modes():
    assert tftrt.TrtPrecisionMode.FP16 == "FP16"
    assert tftrt.TrtPrecisionMode.INT8 == "INT8"
    assert tftrt.TrtPrecisionMode.supported_precision_modes() == [
        "FP32", "FP16", "INT8", "fp32", "fp16", "int8"]


def converter(**params):
    return tftrt.Converter(input_saved_model_dir=str(EXAMPLE_DIR),
                           conversion_params=tftrt.ConversionParams(**params))


@pytest.mark.parametrize("params, match", [
    ({"precision_mode": "FP64"}, "precision mode"),
    ({"precision_mode": "Fp16"}, "precision mode"),
    ({"precision_mode": None}, "precision mode"),
    ({"minimum_segment_size": 0}, "minimum segment size"),
    ({"minimum_segment_size": -2}, "minimum segment size"),
    ({"minimum_segment_size": 2.5}, "minimum_segment_size"),
    ({"minimum_segment_size": 1 << 40}, "minimum_segment_size"),
    ({"maximum_cached_engines": 0}, "maximum_cached_engines"),
    ({"maximum_cached_engines": "16"}, "maximum_cached_engines"),
    ({"max_workspace_size_bytes": 0}, "max_workspace_size_bytes"),
    ({"max_workspace_size_bytes": -1}, "max_workspace_size_bytes"),
    ({"max_workspace_size_bytes": 1 << 64}, "max_workspace_size_bytes"),
    ({"use_calibration": "yes"}, "use_calibration"),
    ({"allow_build_at_runtime": None}, "allow_build_at_runtime"),
])
def test_bad_parameters_are_value_errors(params, match):
    with pytest.raises(ValueError, match=match):
        converter(**params)


def test_not_conversion_params():
    with pytest.raises(ValueError, match="ConversionParams"):
        tftrt.Converter(input_saved_model_dir=str(EXAMPLE_DIR), conversion_params={"a": 1})


@pytest.mark.parametrize("params", [
    {"precision_mode": "fp16"}, {"precision_mode": tftrt.TrtPrecisionMode.FP16},
    {"minimum_segment_size": -1}, {"minimum_segment_size": 1}, {"maximum_cached_engines": 100},
    {"max_workspace_size_bytes": (1 << 63) - 1}, {"use_calibration": False},
    {"allow_build_at_runtime": False}, {"precision_mode": "INT8", "use_calibration": False},
    {"allow_build_at_runtime": np.bool_(False)}, {"maximum_cached_engines": np.int64(4)},
])
def test_good_parameters(params):
    converter(**params)


def test_minimum_segment_size_minus_one_converts_nothing(capsys):
    c = converter(minimum_segment_size=-1)
    c.convert()
    c.summary()
    assert "Total number of TensorRT engines: 0" in capsys.readouterr().out
