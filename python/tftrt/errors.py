"""Exceptions raised by tftrt, one class per tftrt status code.

Each class derives from the built-in exception the TF-TRT seed raises in that case, so
code written for ``tf.experimental.tensorrt`` catches them as it did:

* ``InvalidArgumentError`` is a ``ValueError`` (bad conversion parameters, a missing or
  unexpected ``calibration_input_fn``, inputs that do not match the signature, a
  directory that is not a SavedModel);
* ``UnimplementedError`` is a ``NotImplementedError`` (``build()`` called twice, INT8
  engines);
* ``FailedPreconditionError`` is a ``RuntimeError`` (``build()``/``save()``/``summary()``
  before ``convert()``, ``build()`` without ``input_fn``).

The other codes (``NotFoundError``, ``AlreadyExistsError``, ``DataLossError``, ...) carry
tftrt's message as well; all derive from :class:`OpError`, as in ``tf.errors``.
"""

from __future__ import annotations


class OpError(Exception):
    """Base of the errors tftrt's C++ core reports; ``code`` is the status code name."""

    code = "Unknown"

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidArgumentError(OpError, ValueError):
    code = "InvalidArgument"


class NotFoundError(OpError, LookupError):
    code = "NotFound"


class AlreadyExistsError(OpError, FileExistsError):
    code = "AlreadyExists"


class FailedPreconditionError(OpError, RuntimeError):
    code = "FailedPrecondition"


class UnimplementedError(OpError, NotImplementedError):
    code = "Unimplemented"


class DataLossError(OpError):
    code = "DataLoss"


class OutOfRangeError(OpError, IndexError):
    code = "OutOfRange"


class ResourceExhaustedError(OpError, MemoryError):
    code = "ResourceExhausted"


class InternalError(OpError, RuntimeError):
    code = "Internal"


_CLASSES = {cls.code: cls for cls in (
    InvalidArgumentError, NotFoundError, AlreadyExistsError, FailedPreconditionError,
    UnimplementedError, DataLossError, OutOfRangeError, ResourceExhaustedError, InternalError)}


def error_class(code: str) -> type[OpError]:
    """The exception class for a tftrt status code name (used by the extension module)."""
    return _CLASSES.get(code, OpError)


__all__ = ["OpError"] + [cls.__name__ for cls in _CLASSES.values()]
