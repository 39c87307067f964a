"""tftrt's C++ API (include/tftrt/); use the tftrt package, not this module.

Specs are (name, shape, dtype) tuples: shape None for an unknown rank, None for an unknown
dimension; dtype a numpy dtype name, or "string". Errors are tftrt.errors classes.
"""

from collections.abc import Callable, Set
from typing import Optional

import numpy as np

_Spec = tuple[str, Optional[tuple[Optional[int], ...]], str]
_InputSet = dict[str, np.ndarray]

class _ConversionParams:
    precision_mode: str
    max_workspace_size_bytes: int
    minimum_segment_size: int
    maximum_cached_engines: int
    use_calibration: bool
    allow_build_at_runtime: bool
    def __init__(self) -> None: ...

def validate_conversion_params(params: _ConversionParams, /) -> None: ...

class _Model:
    @staticmethod
    def load(saved_model_dir: str, signature_key: str, tags: Set[str]) -> _Model: ...
    def run(self, inputs: _InputSet) -> dict[str, np.ndarray]: ...
    @property
    def signature_key(self) -> str: ...
    @property
    def inputs(self) -> list[_Spec]: ...
    @property
    def outputs(self) -> list[_Spec]: ...

class _Converter:
    def __init__(self, input_saved_model_dir: str, tags: Set[str], signature_key: str,
                 params: _ConversionParams, disabled_passes: Set[str]) -> None: ...
    def convert(self, calibration_next: Optional[Callable[[], Optional[_InputSet]]]) -> _Model: ...
    def build(self, input_next: Optional[Callable[[], Optional[_InputSet]]]) -> None: ...
    def save(self, output_saved_model_dir: str, overwrite: bool) -> None: ...
    def summary(self, evaluation_next: Optional[Callable[[], Optional[_InputSet]]]) -> str: ...
    def limit_int8_error(self, evaluation_next: Optional[Callable[[], Optional[_InputSet]]],
                         max_output_error: float) -> None: ...

def list_signatures(saved_model_dir: str, tags: Set[str], /) -> list[tuple[str, list[_Spec], list[_Spec]]]: ...

def summarize_saved_model(saved_model_dir: str, signature_key: str, tags: Set[str],
                          evaluation_next: Optional[Callable[[], Optional[_InputSet]]] = None,
                          /) -> str: ...
