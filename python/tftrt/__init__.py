"""tftrt: TF-TRT's offline converter (``tf.experimental.tensorrt``) without TensorFlow.

    import tftrt
    params = tftrt.ConversionParams(precision_mode="FP16", maximum_cached_engines=16)
    converter = tftrt.Converter(input_saved_model_dir="my_dir", conversion_params=params)
    converter.convert()
    converter.build(input_fn=my_input_fn)
    converter.save("my_dir_trt")
    outputs = tftrt.saved_model.load("my_dir_trt").signatures["serving_default"](x=x)

Names, arguments, defaults and exceptions are those of ``tf.experimental.tensorrt`` in
TF 2.x; outputs are numpy arrays. See ``help(tftrt.Converter)``.
"""

import os as _os
import sys as _sys


def _import_extension():
    # TensorFlow, when imported first, makes its own protobuf's symbols global, and tftrt's
    # SavedModel schema (package `tensorflow`, as TF's) would then register into TF's
    # descriptor pool and abort on the duplicate names. RTLD_DEEPBIND binds the extension
    # and the libraries it loads to their own symbols first.
    flags = _sys.getdlopenflags()
    _sys.setdlopenflags(flags | getattr(_os, "RTLD_DEEPBIND", 0))
    try:
        from . import _tftrt  # noqa: F401
    finally:
        _sys.setdlopenflags(flags)


_import_extension()

from . import errors, saved_model  # noqa: E402
from ._arrays import TensorSpec  # noqa: E402
from .trt_convert import (  # noqa: E402
    DEFAULT_TRT_MAX_WORKSPACE_SIZE_BYTES, ConversionParams, Converter, SignatureFunction,
    TrtGraphConverterV2, TrtPrecisionMode)

__version__ = "0.1.0"

__all__ = [
    "ConversionParams", "Converter", "TrtGraphConverterV2", "TrtPrecisionMode",
    "DEFAULT_TRT_MAX_WORKSPACE_SIZE_BYTES", "SignatureFunction", "TensorSpec", "errors",
    "saved_model",
]
