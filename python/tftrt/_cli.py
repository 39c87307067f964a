"""The ``tftrt`` console command: runs the command-line program bundled in the package."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def binary() -> Path:
    """The bundled ``tftrt`` program."""
    return Path(__file__).resolve().parent / "_bin" / "tftrt"


def main() -> None:
    program = binary()
    if not program.is_file():
        sys.exit(f"tftrt: the command-line program is not installed ({program})")
    args = [str(program)] + sys.argv[1:]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
