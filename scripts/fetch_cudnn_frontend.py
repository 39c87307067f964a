#!/usr/bin/env python3
"""Fetches the cudnn-frontend headers (NVIDIA's header-only C++ API over cuDNN's graph API),
which the cuda backend compiles against, into DEST/include.

They sit at the root `include/` of the nvidia-cudnn-frontend wheel on PyPI. One pinned wheel
(CPython 3.11, manylinux 2.28 x86_64: the headers are the same in every wheel of a release)
is downloaded with pip without its dependencies, checked against its hash, and only
`include/` is kept. DEST/VERSION records the version; an up-to-date DEST is left alone.
scripts/setup.sh runs it for third_party/cudnn-frontend; the Python package's build
(CMakeLists.txt, TFTRT_FETCH_CUDNN_FRONTEND) for its build directory.

Usage: fetch_cudnn_frontend.py DEST      exit status 0 when DEST/include/cudnn_frontend.h is there
"""
import hashlib
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

VERSION = "1.32.0"
WHEEL = ("nvidia_cudnn_frontend-%s-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"
         % VERSION)
SHA256 = "c6006556017a4d1c914c52a556c71b1267f2d6a0500f742e7b4edef539878df0"


def up_to_date(dest):
    stamp = dest / "VERSION"
    return ((dest / "include" / "cudnn_frontend.h").is_file() and stamp.is_file() and
            stamp.read_text().strip() == VERSION)


def fetch(dest):
    with tempfile.TemporaryDirectory() as wheel_dir:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--platform", "manylinux_2_28_x86_64", "--python-version",
             "3.11", "--implementation", "cp", "--abi", "cp311", "-d", wheel_dir,
             "nvidia-cudnn-frontend==" + VERSION],
            check=True)
        wheel = pathlib.Path(wheel_dir) / WHEEL
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != SHA256:
            sys.exit("fetch_cudnn_frontend: %s has sha256 %s, expected %s" % (WHEEL, digest, SHA256))
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith("include/")]
            if "include/cudnn_frontend.h" not in members:
                sys.exit("fetch_cudnn_frontend: the wheel has no include/cudnn_frontend.h")
            staging = pathlib.Path(tempfile.mkdtemp(dir=dest.parent))
            archive.extractall(staging, members)
    (staging / "VERSION").write_text(VERSION + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)  # whole or not at all


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    dest = pathlib.Path(sys.argv[1]).resolve()
    if up_to_date(dest):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    print("fetching cudnn-frontend %s headers into %s" % (VERSION, dest), file=sys.stderr)
    fetch(dest)


if __name__ == "__main__":
    main()
