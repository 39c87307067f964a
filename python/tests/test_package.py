"""The installed package: the bundled command-line program behind the `tftrt` console
entry point, the type stubs, and the public names."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tftrt
from tftrt import _cli

from conftest import EXAMPLE_DIR


def test_public_names():
    for name in ("ConversionParams", "Converter", "TrtGraphConverterV2", "TrtPrecisionMode",
                 "saved_model", "errors"):
        assert hasattr(tftrt, name), name
    assert tftrt.TrtGraphConverterV2 is tftrt.Converter
    assert "FP16" in tftrt.Converter.__doc__ and "calibration_input_fn" in tftrt.Converter.__doc__
    package = Path(tftrt.__file__).parent
    assert (package / "_tftrt.pyi").is_file() and (package / "py.typed").is_file()


def test_bundled_program_runs():
    if not _cli.binary().is_file():
        pytest.skip("the package was not installed with its command-line program")
    out = subprocess.run([sys.executable, "-m", "tftrt._cli", "inspect", str(EXAMPLE_DIR)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "serving_default" in out.stdout


def test_console_entry_point():
    script = Path(sys.executable).parent / "tftrt"
    if not script.is_file():
        script = shutil.which("tftrt")
        if script is None or not _cli.binary().is_file():
            pytest.skip("no tftrt console script installed beside this Python")
    out = subprocess.run([str(script), "summary", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "summary" in out.stdout + out.stderr
