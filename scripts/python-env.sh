#!/usr/bin/env bash
# Creates .venv with the pinned TensorFlow (the test oracle) and numpy.
# Prints the venv's python path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=tests/requirements.txt
stamp=.venv/.requirements
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  echo "python-env: installing $(tr '\n' ' ' < "$requirements")" >&2
  .venv/bin/pip install -q --upgrade pip >&2
  .venv/bin/pip install -q -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$PWD/.venv/bin/python"
