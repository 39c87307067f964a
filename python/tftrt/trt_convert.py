"""The seed's API: ``tf.experimental.tensorrt`` (TF 2.x) on tftrt's C++ converter.

Names, arguments and defaults are TF's (``ConversionParams``, ``TrtPrecisionMode``,
``Converter`` a.k.a. ``TrtGraphConverterV2``); the work is done by tftrt's C++ core
(include/tftrt/converter.h), without TensorFlow and without the GIL.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Iterator, List, NamedTuple, Optional, Sequence

import numpy as np

from . import _tftrt
from ._arrays import TensorSpec, name_inputs, to_arrays
from ._progress import Progress

DEFAULT_TRT_MAX_WORKSPACE_SIZE_BYTES = 1 << 30


class TrtPrecisionMode:
    """The precision modes of TF-TRT: ``FP32``, ``FP16`` and ``INT8`` (strings)."""

    FP32 = "FP32"
    FP16 = "FP16"
    INT8 = "INT8"

    @staticmethod
    def supported_precision_modes() -> List[str]:
        precisions = [TrtPrecisionMode.FP32, TrtPrecisionMode.FP16, TrtPrecisionMode.INT8]
        return precisions + [p.lower() for p in precisions]


class ConversionParams(NamedTuple):
    """Parameters that are used for TF-TRT conversion.

    An immutable namedtuple, as TF's: derive variants with ``params._replace(...)``.

    Fields:
      max_workspace_size_bytes: the maximum temporary memory that an engine can use at
        execution time (TensorRT's workspace size).
      precision_mode: one of the strings in
        ``TrtPrecisionMode.supported_precision_modes()``.
      minimum_segment_size: the minimum number of nodes required for a subgraph to be
        replaced by a TRTEngineOp; -1 converts nothing.
      maximum_cached_engines: the maximum number of engines (one per set of input shapes)
        that each TRTEngineOp caches. When the cache is full and no engine fits the
        inputs, the TRTEngineOp runs its original TF subgraph instead.
      use_calibration: ignored unless precision_mode is INT8. True: calibrate the ranges
        with ``calibration_input_fn`` in ``convert()``. False: take the ranges from the
        model's quantization nodes (FakeQuant*, QuantizeAndDequantize*), which must then
        cover every tensor.
      allow_build_at_runtime: whether to build engines at run time for input shapes that
        no saved engine fits. False runs the TRTEngineOp's native segment instead.
    """

    max_workspace_size_bytes: int = DEFAULT_TRT_MAX_WORKSPACE_SIZE_BYTES
    precision_mode: str = TrtPrecisionMode.FP32
    minimum_segment_size: int = 3
    maximum_cached_engines: int = 1
    use_calibration: bool = True
    allow_build_at_runtime: bool = True


def _int_param(params: Any, name: str) -> int:
    value = getattr(params, name)
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import operator
            value = operator.index(value)
        except TypeError:
            raise ValueError(
                f"{name} should be an integer, got {value!r}") from None
    return int(value)


def _cpp_params(params: Any) -> "_tftrt._ConversionParams":
    """`params` (a ConversionParams, or anything with its fields) checked and as C++'s."""
    if not all(hasattr(params, f) for f in ConversionParams._fields):
        raise ValueError(f"conversion_params should be a tftrt.ConversionParams, got {params!r}")
    precision = params.precision_mode
    if not isinstance(precision, str) or precision not in \
            TrtPrecisionMode.supported_precision_modes():
        raise ValueError(
            f"precision mode '{precision}' is not supported. It should be one of "
            f"{TrtPrecisionMode.supported_precision_modes()}")
    cpp = _tftrt._ConversionParams()
    cpp.precision_mode = precision.upper()
    for name in ("max_workspace_size_bytes", "minimum_segment_size", "maximum_cached_engines"):
        value = _int_param(params, name)
        limit = (1 << 63) - 1 if name == "max_workspace_size_bytes" else (1 << 31) - 1
        if not -limit - 1 <= value <= limit:
            raise ValueError(f"{name} is out of range: {value}")
        setattr(cpp, name, value)
    for name in ("use_calibration", "allow_build_at_runtime"):
        value = getattr(params, name)
        if not isinstance(value, (bool, int, np.bool_)):
            raise ValueError(f"{name} should be a bool, got {value!r}")
        setattr(cpp, name, bool(value))
    _tftrt.validate_conversion_params(cpp)
    return cpp


def _specs(raw: Sequence[tuple]) -> List[TensorSpec]:
    return [TensorSpec(name, shape, dtype) for name, shape, dtype in raw]


class SignatureFunction:
    """A signature of a SavedModel, loaded on tftrt's runtime: ``convert()`` returns the
    converted one, ``tftrt.saved_model.load(d).signatures[key]`` a saved one.

    Call it as TF's signature functions: with the inputs as keyword arguments (or
    positionally, in the order of ``inputs``); it returns ``{output name: numpy array}``.
    Any array-like is accepted. Runs release the GIL and may run concurrently.
    """

    def __init__(self, model: "_tftrt._Model"):
        self._model = model
        self.inputs: List[TensorSpec] = _specs(model.inputs)
        self.outputs: List[TensorSpec] = _specs(model.outputs)

    @property
    def signature_key(self) -> str:
        return self._model.signature_key

    @property
    def structured_input_signature(self) -> tuple:
        """``((), {name: TensorSpec})``: signature functions take keyword arguments."""
        return (), {spec.name: spec for spec in self.inputs}

    @property
    def structured_outputs(self) -> dict:
        return {spec.name: spec for spec in self.outputs}

    def __call__(self, *args: Any, **kwargs: Any) -> dict:
        names = [spec.name for spec in self.inputs]
        if len(args) > len(names):
            raise TypeError(f"{self.signature_key}() takes {len(names)} input(s) "
                            f"({', '.join(names)}) but {len(args)} were given")
        named = dict(zip(names, args))
        for name, value in kwargs.items():
            if name in named:
                raise TypeError(f"{self.signature_key}() got multiple values for input '{name}'")
            named[name] = value
        unknown = sorted(set(named) - set(names))
        if unknown:
            raise TypeError(f"{self.signature_key}() got unexpected input(s) {unknown}; "
                            f"its inputs are {names}")
        missing = [name for name in names if name not in named]
        if missing:
            raise TypeError(f"{self.signature_key}() is missing input(s) {missing}")
        return self._model.run(to_arrays(named, self.inputs))

    def __repr__(self) -> str:
        args = ", ".join(f"{s.name}: {s.dtype}{list(s.shape) if s.shape is not None else '?'}"
                         for s in self.inputs)
        return f"<tftrt.SignatureFunction {self.signature_key}({args})>"


class _InputPuller:
    """The callable the C++ core pulls input sets from: calls `input_fn()` once, on the first
    pull, and turns each yield into {name: numpy array}; None when exhausted."""

    def __init__(self, input_fn: Callable[[], Iterable], specs: Callable[[], Sequence[TensorSpec]],
                 what: str, progress: Progress):
        self._input_fn = input_fn
        self._specs = specs
        self._what = what
        self._progress = progress
        self._iterator: Optional[Iterator] = None

    def __call__(self) -> Optional[dict]:
        if self._iterator is None:
            self._iterator = iter(self._input_fn())
        try:
            item = next(self._iterator)
        except StopIteration:
            return None
        specs = self._specs()
        arrays = to_arrays(name_inputs(item, specs, self._what), specs)
        self._progress.step()
        return arrays


class Converter:
    """An offline converter for TF-TRT transformation for TF 2.0 SavedModels.

    tftrt does what ``tf.experimental.tensorrt.Converter`` does, without TensorFlow and
    without TensorRT: supported subgraphs become TRTEngineOp nodes whose engines run on
    tftrt's backends; the rest of the graph runs natively. Engines are built when a
    TRTEngineOp first runs with new input shapes, or ahead of time with ``build()``.

    There are several ways to run the conversion:

    1. FP32/FP16 precision

       ```python
       params = tftrt.ConversionParams(
           precision_mode='FP16')
       converter = tftrt.Converter(
           input_saved_model_dir="my_dir", conversion_params=params)
       converter.convert()
       converter.save(output_saved_model_dir)
       ```

       No engines are built or saved in the converted SavedModel here; with input data at
       hand, they can be built and saved at conversion time (option 2).

    2. FP32/FP16 precision with pre-built engines

       ```python
       params = tftrt.ConversionParams(
           precision_mode='FP16',
           # Set this to a large enough number so it can cache all the engines.
           maximum_cached_engines=16)
       converter = tftrt.Converter(
           input_saved_model_dir="my_dir", conversion_params=params)
       converter.convert()

       # Define a generator function that yields input data, and use it to execute
       # the graph to build TRT engines.
       def my_input_fn():
         for _ in range(num_runs):
           inp1, inp2 = ...
           yield inp1, inp2

       converter.build(input_fn=my_input_fn)  # Generate corresponding TRT engines
       converter.save(output_saved_model_dir)  # Generated engines will be saved.
       ```

       One engine is built per distinct set of input shapes the generator yields (up to
       ``maximum_cached_engines``) and saved in the SavedModel's assets; at inference,
       inputs of those shapes use them without building.

    3. INT8 precision and calibration with pre-built engines

       ```python
       params = tftrt.ConversionParams(
           precision_mode='INT8',
           # Currently only one INT8 engine is supported in this mode.
           maximum_cached_engines=1,
           use_calibration=True)
       converter = tftrt.Converter(
           input_saved_model_dir="my_dir", conversion_params=params)

       # Define a generator function that yields input data, and run INT8
       # calibration with the data. All input data should have the same shape.
       def my_calibration_input_fn():
         for _ in range(num_runs):
           inp1, inp2 = ...
           yield inp1, inp2

       converter.convert(calibration_input_fn=my_calibration_input_fn)

       # (Optional) Generate more TRT engines offline (same as the previous
       # option), to avoid the cost of generating them during inference.
       def my_input_fn():
         for _ in range(num_runs):
           inp1, inp2 = ...
           yield inp1, inp2
       converter.build(input_fn=my_input_fn)

       # Save the TRT engine and the engines.
       converter.save(output_saved_model_dir)
       ```

       ``convert()`` runs the calibration data through the engines' native segments,
       keeps each engine's entropy-calibrated ranges in the converted model (Build() and
       engines built later for other shapes reuse them) and builds one INT8 engine per
       segment for the calibration shapes. INT8 engines run on the CPU (exact integer
       arithmetic); on GPUs they run their native segments for now.

    Input functions are generators (or any callable returning an iterable) whose items are
    a tuple or list of array-likes (positional, in the order of the signature's inputs,
    sorted by name), a dict {input name: array-like}, or one array-like for a signature
    with a single input. Array-likes are numpy arrays, anything with ``__array__`` or
    ``__dlpack__`` (torch, TensorFlow, JAX tensors), or nested lists and numbers.

    Args:
      input_saved_model_dir: the directory to load the SavedModel which contains the input
        graph to transforms.
      input_saved_model_tags: list of tags to load the SavedModel (default ``["serve"]``).
      input_saved_model_signature_key: the key of the signature to optimize the graph for
        (default ``"serving_default"``).
      conversion_params: a ``tftrt.ConversionParams`` instance (default
        ``ConversionParams()``).

    Raises:
      ValueError: a bad parameter, or a directory, tag set or signature key that does not
        name a SavedModel's signature.
    """

    def __init__(self, input_saved_model_dir: Optional[str | os.PathLike] = None,
                 input_saved_model_tags: Optional[Sequence[str]] = None,
                 input_saved_model_signature_key: Optional[str] = None,
                 conversion_params: Optional[ConversionParams] = None):
        if conversion_params is None:
            conversion_params = ConversionParams()
        cpp_params = _cpp_params(conversion_params)
        if input_saved_model_dir is None:
            raise ValueError("input_saved_model_dir is required: the SavedModel to convert")
        if isinstance(input_saved_model_tags, str):
            input_saved_model_tags = [input_saved_model_tags]
        self._input_saved_model_dir = os.fspath(input_saved_model_dir)
        self._input_saved_model_tags = list(input_saved_model_tags or ["serve"])
        self._input_saved_model_signature_key = (input_saved_model_signature_key or
                                                 "serving_default")
        self._conversion_params = conversion_params
        disabled = os.environ.get("TFTRT_DISABLED_PASSES", "")
        self._converter = _tftrt._Converter(
            self._input_saved_model_dir, set(self._input_saved_model_tags),
            self._input_saved_model_signature_key, cpp_params,
            {p for p in disabled.split(",") if p})
        self._converted_func: Optional[SignatureFunction] = None
        self._signature_inputs: Optional[List[TensorSpec]] = None

    @property
    def conversion_params(self) -> ConversionParams:
        return self._conversion_params

    def _input_specs(self) -> List[TensorSpec]:
        """The signature's inputs (from the converted function once there is one)."""
        if self._converted_func is not None:
            return self._converted_func.inputs
        if self._signature_inputs is None:
            for key, inputs, _ in _tftrt.list_signatures(self._input_saved_model_dir,
                                                         set(self._input_saved_model_tags)):
                if key == self._input_saved_model_signature_key:
                    self._signature_inputs = _specs(inputs)
        return self._signature_inputs or []

    def convert(self, calibration_input_fn: Optional[Callable[[], Iterable]] = None
                ) -> SignatureFunction:
        """Converts the graph: the TF-TRT conversion (engine segments) of the signature.

        Args:
          calibration_input_fn: a generator function that yields input data as a list or
            tuple or dict, which will be used to execute the converted signature to
            calibrate INT8 engines. All yields must have the same shapes. Required, and
            only allowed, when precision_mode is INT8 and use_calibration is True.

        Returns:
          The converted function: call it with the signature's inputs (keyword arguments)
          to get {output name: numpy array}.

        Raises:
          ValueError: calibration_input_fn is missing although INT8 calibration is needed,
            or given although it is not, or yields nothing or inputs of different shapes.
          RuntimeError: convert() was already called.
        """
        puller = None
        progress = None
        if calibration_input_fn is not None:
            progress = Progress("calibrating")
            puller = _InputPuller(calibration_input_fn, self._input_specs,
                                  "calibration_input_fn", progress)
        try:
            model = self._converter.convert(puller)
        finally:
            if progress is not None:
                progress.close()
        self._converted_func = SignatureFunction(model)
        return self._converted_func

    def build(self, input_fn: Callable[[], Iterable]) -> None:
        """Runs inference with the converted graph so that engines are built and cached.

        One engine per TRTEngineOp and distinct set of input shapes, up to
        ``maximum_cached_engines``; ``save()`` then saves them. May be called once.

        Args:
          input_fn: a generator function that yields input data as a list or tuple or
            dict (or one array-like for a single input).

        Raises:
          NotImplementedError: build() was already called.
          RuntimeError: input_fn is None, or convert() was not called.
        """
        self._with_inputs(input_fn, "input_fn", "building engines", self._converter.build)

    def _with_inputs(self, input_fn: Optional[Callable[[], Iterable]], what: str, label: str,
                     call: Callable[[Optional[_InputPuller]], Any]) -> Any:
        """Calls `call` with a puller over `input_fn` (None for None), showing progress."""
        progress = Progress(label)
        puller = None if input_fn is None else _InputPuller(input_fn, self._input_specs, what,
                                                           progress)
        try:
            return call(puller)
        finally:
            progress.close()

    def save(self, output_saved_model_dir: str | os.PathLike, save_gpu_specific_engines: bool = True,
             options: Any = None, *, overwrite: bool = False) -> None:
        """Saves the converted SavedModel (graph, segment functions, built engines).

        Args:
          output_saved_model_dir: the directory to write the converted SavedModel to. It
            must not exist or be empty, unless ``overwrite``.
          save_gpu_specific_engines: whether to save the built engines (only True is
            supported).
          options: accepted for compatibility; must be None.
          overwrite: (tftrt) replace a non-empty output directory.

        Raises:
          RuntimeError: convert() was not called.
          FileExistsError: the output directory is not empty and overwrite is False.
        """
        if not save_gpu_specific_engines:
            raise NotImplementedError("save_gpu_specific_engines=False is not supported by tftrt")
        if options is not None:
            raise NotImplementedError("tf.saved_model.SaveOptions are not supported by tftrt")
        self._converter.save(os.fspath(output_saved_model_dir), bool(overwrite))

    def summary(self, line_length: int = 160, detailed: bool = True,
                print_fn: Optional[Callable[[str], Any]] = None, *,
                evaluation_input_fn: Optional[Callable[[], Iterable]] = None) -> None:
        """Prints a summary of the conversion: each engine with its inputs, outputs and
        (with ``detailed``) op counts and INT8 layers, the engine count and % of ops
        converted, and why the other nodes stay native.

        Args:
          line_length: the width of the table (at least 160).
          detailed: also list each engine's op types and INT8 layers.
          print_fn: the print function to use (default ``print``).
          evaluation_input_fn: (tftrt) a generator function as ``build()`` takes: each INT8
            layer's error against FP32 is measured on its input sets and printed.

        Raises:
          RuntimeError: convert() was not called.
          ValueError: line_length < 160.
        """
        if line_length < 160:
            raise ValueError(f"Invalid `line_length` value has been received: {line_length}. "
                             "Minimum: 160.")
        text = self._with_inputs(evaluation_input_fn, "evaluation_input_fn",
                                 "measuring INT8 accuracy", self._converter.summary)
        if not detailed:
            text = "\n".join(line for line in text.splitlines()
                             if not line.startswith(("\t- ", "\tINT8 layers", "\t  ")))
        (print_fn or print)(text.rstrip("\n"))

    def limit_int8_error(self, evaluation_input_fn: Callable[[], Iterable],
                         max_output_error: float) -> None:
        """(tftrt) Keeps the most sensitive INT8 layers of each INT8 engine in FP16, fewest
        first, until the relative L2 error of the engine's outputs against FP32 on the
        input sets of ``evaluation_input_fn`` is at most ``max_output_error``.

        Call it after ``convert()`` and before ``build()`` and ``save()``: the choice is
        kept on the engine nodes, so built, saved and run-time engines follow it.
        ``summary(evaluation_input_fn=...)`` shows each layer's error and sensitivity.

        Raises:
          ValueError: precision_mode is not INT8, max_output_error is not positive, or
            evaluation_input_fn is None or yields nothing.
          RuntimeError: convert() was not called, build() was, or even with every INT8
            layer in FP16 the error is above the bound.
        """
        self._with_inputs(evaluation_input_fn, "evaluation_input_fn", "limiting INT8 error",
                          lambda puller: self._converter.limit_int8_error(
                              puller, float(max_output_error)))


TrtGraphConverterV2 = Converter
