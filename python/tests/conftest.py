"""Shared helpers: the bundled example model (examples/small_cnn, always there) and the
TensorFlow fixtures of scripts/test.sh (TFTRT_FIXTURES_DIR, default .fixtures/models;
tests that need them skip where they are absent)."""

import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = REPO / "examples" / "small_cnn"
FIXTURES = Path(os.environ.get("TFTRT_FIXTURES_DIR", REPO / ".fixtures" / "models"))

# tftrt's info lines (engines built, ...) would only clutter pytest's captured output.
os.environ.setdefault("TFTRT_LOG_LEVEL", "warning")


@pytest.fixture
def example_input():
    return np.load(REPO / "examples" / "small_cnn_input.npy")


@pytest.fixture
def example_probs():
    return np.load(REPO / "examples" / "small_cnn_probs.npy")


def fixture_model(name):
    model = FIXTURES / name / "model"
    if not model.is_dir():
        pytest.skip(f"{model} is absent (scripts/test.sh makes it with TensorFlow)")
    return model


def fixture_cases(name, key="serving_default"):
    """[(inputs, outputs)] of a fixture signature: dicts of numpy arrays TF recorded."""
    cases = []
    root = FIXTURES / name / "cases" / key
    for case in sorted(root.iterdir(), key=lambda p: int(p.name)):
        load = lambda d: {p.stem: np.load(p) for p in sorted((case / d).glob("*.npy"))}
        cases.append((load("inputs"), load("outputs")))
    return cases


def assert_outputs_close(actual, expected, rtol=1e-5, atol=1e-5):
    assert sorted(actual) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(actual[key], expected[key], rtol=rtol, atol=atol, err_msg=key)
