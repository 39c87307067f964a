"""Array-likes in, numpy arrays out: how Python values become tftrt input tensors.

Accepted inputs: numpy arrays and scalars, anything numpy can convert (``__array__``,
the buffer protocol, nested lists, Python numbers), and DLPack producers (``__dlpack__``:
torch, TensorFlow, JAX, CuPy tensors; device tensors are copied to the host where the
producer allows it). Inputs of generators (``build``/``convert`` input functions) come as
one of the forms the seed accepts: a tuple or list (positional, in the signature's order,
which is sorted by input name as TF orders a loaded signature's arguments), a dict (by
input name) or a single array-like (a signature with one input).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, Optional, Sequence, Tuple

import numpy as np


class TensorSpec(NamedTuple):
    """A signature input or output: its name, shape (None for unknown dimensions; None for
    an unknown rank) and dtype (a numpy dtype name such as ``"float32"``, or ``"string"``)."""

    name: str
    shape: Optional[Tuple[Optional[int], ...]]
    dtype: str


class InputConversionError(TypeError, RuntimeError):
    """An input could not be converted to a tensor (the seed raises RuntimeError here)."""


def _from_dlpack(value: Any) -> Optional[np.ndarray]:
    try:
        return np.from_dlpack(value)
    except (BufferError, RuntimeError, TypeError, ValueError):
        pass
    try:  # a device tensor: ask the producer for a host copy (DLPack 1.0)
        return np.from_dlpack(value, device="cpu", copy=True)
    except (BufferError, RuntimeError, TypeError, ValueError):
        return None


def to_array(value: Any, spec: Optional[TensorSpec] = None) -> np.ndarray:
    """`value` as a C-contiguous numpy array in native byte order.

    Values without a dtype of their own (Python numbers, lists) take the spec's dtype; arrays
    of another dtype of the same kind (float64 for a float32 input, int64 for int32) are
    cast to it; other mismatches (int32 for float32) are left for tftrt to report.
    """
    want = None
    if spec is not None and spec.dtype not in ("string", "invalid", "bfloat16"):
        want = np.dtype(spec.dtype)
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
    elif hasattr(value, "__dlpack__") and (from_dlpack := _from_dlpack(value)) is not None:
        array = from_dlpack
    else:
        has_own_dtype = hasattr(value, "__array__") or hasattr(value, "dtype")
        try:
            array = np.asarray(value, dtype=None if has_own_dtype else want)
        except (TypeError, ValueError, RuntimeError) as e:
            raise InputConversionError(
                f"Failed to convert input to tensor: {type(value).__name__}: {e}") from e
    if want is not None and array.dtype != want and array.dtype.kind != "O":
        if array.dtype.kind == want.kind:
            array = array.astype(want)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("="))
    if array.dtype.kind == "U":
        array = np.asarray(array.astype(object))
    return np.asarray(array, order="C")


def name_inputs(item: Any, specs: Sequence[TensorSpec], what: str) -> dict:
    """An input function's yield as {input name: value}."""
    names = [spec.name for spec in specs]
    if isinstance(item, Mapping):
        return dict(item)
    if isinstance(item, (tuple, list)):
        if len(item) != len(names):
            raise ValueError(
                f"{what} yielded {len(item)} input(s) but the signature takes {len(names)}: "
                f"{', '.join(names)} (in this order)")
        return dict(zip(names, item))
    if len(names) != 1:
        raise ValueError(
            f"{what} yielded a single value but the signature takes {len(names)} inputs: "
            f"{', '.join(names)}; yield a tuple (in this order) or a dict")
    return {names[0]: item}


def to_arrays(named: Mapping, specs: Sequence[TensorSpec]) -> dict:
    """{name: value} as {name: numpy array}, each converted with its spec (unknown names
    are converted too, and left for tftrt to reject with the signature's names)."""
    by_name = {spec.name: spec for spec in specs}
    return {str(name): to_array(value, by_name.get(name)) for name, value in named.items()}
