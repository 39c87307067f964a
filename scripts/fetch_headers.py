#!/usr/bin/env python3
"""Fetches the header-only C++ libraries the cuda backend compiles against into DEST:
  cudnn-frontend  NVIDIA's C++ API over cuDNN's graph API -> DEST/include
  cutlass         CUTLASS 3 / CuTe (the Hopper GELU matmul) -> DEST/include, DEST/util/include

Each comes from one pinned wheel on PyPI, downloaded with pip without its dependencies,
checked against its hash; only the header trees are kept. DEST/VERSION records the version;
an up-to-date DEST is left alone, and DEST is replaced whole or not at all.
scripts/setup.sh runs it into third_party/<package>; the Python package's build
(CMakeLists.txt, TFTRT_FETCH_CUDNN_FRONTEND) into its build directory.

Usage: fetch_headers.py {cudnn-frontend|cutlass} DEST
"""
import hashlib
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

# package: (pip requirement, wheel file, sha256, {prefix in the wheel: folder under DEST},
#           a header that must be there, pip platform arguments)
PACKAGES = {
    "cudnn-frontend": (
        "nvidia-cudnn-frontend==1.32.0",
        "nvidia_cudnn_frontend-1.32.0-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
        "c6006556017a4d1c914c52a556c71b1267f2d6a0500f742e7b4edef539878df0",
        {"include/": "include/"},
        "include/cudnn_frontend.h",
        # one CPython 3.11 manylinux wheel: the headers are the same in every wheel of a release
        ["--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
         "--implementation", "cp", "--abi", "cp311"]),
    "cutlass": (
        "nvidia-cutlass==4.2.0.0",
        "nvidia_cutlass-4.2.0.0-py3-none-any.whl",
        "f9599ada45c7bcb6bf53f7d3f0a7d154183e53451c01bfa59eecd37dd4a693f6",
        {"cutlass_library/source/include/": "include/",
         "cutlass_library/source/tools/util/include/": "util/include/"},
        "include/cutlass/cutlass.h",
        []),
}


def up_to_date(dest, version, header):
    stamp = dest / "VERSION"
    return ((dest / header).is_file() and stamp.is_file() and
            stamp.read_text().strip() == version)


def fetch(dest, requirement, wheel_name, sha256, trees, header, platform):
    with tempfile.TemporaryDirectory() as wheel_dir:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", *platform, "-d", wheel_dir, requirement],
                       check=True)
        wheel = pathlib.Path(wheel_dir) / wheel_name
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != sha256:
            sys.exit("fetch_headers: %s has sha256 %s, expected %s" % (wheel_name, digest, sha256))
        staging = pathlib.Path(tempfile.mkdtemp(dir=dest.parent))
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                for prefix, folder in trees.items():
                    if member.filename.startswith(prefix) and not member.is_dir():
                        target = staging / folder / member.filename[len(prefix):]
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(archive.read(member))
    if not (staging / header).is_file():
        shutil.rmtree(staging)
        sys.exit("fetch_headers: the wheel %s has no %s" % (wheel_name, header))
    (staging / "VERSION").write_text(requirement.split("==")[1] + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)  # whole or not at all


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in PACKAGES:
        sys.exit(__doc__.strip().splitlines()[-1])
    requirement, wheel_name, sha256, trees, header, platform = PACKAGES[sys.argv[1]]
    dest = pathlib.Path(sys.argv[2]).resolve()
    if up_to_date(dest, requirement.split("==")[1], header):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    print("fetching %s headers into %s" % (requirement, dest), file=sys.stderr)
    fetch(dest, requirement, wheel_name, sha256, trees, header, platform)


if __name__ == "__main__":
    main()
