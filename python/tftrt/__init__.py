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

from . import errors, saved_model
from ._arrays import TensorSpec
from .trt_convert import (DEFAULT_TRT_MAX_WORKSPACE_SIZE_BYTES, ConversionParams, Converter,
                          SignatureFunction, TrtGraphConverterV2, TrtPrecisionMode)

__version__ = "0.1.0"

__all__ = [
    "ConversionParams", "Converter", "TrtGraphConverterV2", "TrtPrecisionMode",
    "DEFAULT_TRT_MAX_WORKSPACE_SIZE_BYTES", "SignatureFunction", "TensorSpec", "errors",
    "saved_model",
]
