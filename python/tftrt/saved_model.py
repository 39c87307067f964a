"""``tftrt.saved_model.load``: SavedModels (converted or not) on tftrt's runtime, as
``tf.saved_model.load`` gives them: ``load(dir).signatures[key](**inputs)``."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

from . import _tftrt
from ._progress import Progress
from .trt_convert import SignatureFunction, _InputPuller, _specs

__all__ = ["load", "LoadedSavedModel"]


class _Signatures(Mapping):
    """{signature key: SignatureFunction}; each signature is loaded on first use."""

    def __init__(self, export_dir: str, tags: List[str], keys: Sequence[str]):
        self._export_dir = export_dir
        self._tags = tags
        self._keys = list(keys)
        self._loaded: Dict[str, SignatureFunction] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> SignatureFunction:
        if key not in self._keys:
            raise KeyError(f"no signature '{key}' in {self._export_dir}; "
                           f"it has {self._keys}")
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = SignatureFunction(
                    _tftrt._Model.load(self._export_dir, key, set(self._tags)))
            return self._loaded[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"_SignatureMap({self._keys})"


class LoadedSavedModel:
    """What ``load`` returns: ``signatures`` maps each signature key to its function."""

    def __init__(self, export_dir: str, tags: List[str]):
        self.export_dir = export_dir
        self.tags = tags
        keys = [key for key, _, _ in _tftrt.list_signatures(export_dir, set(tags))]
        self.signatures: Mapping = _Signatures(export_dir, tags, keys)

    def summary(self, signature_key: str = "serving_default", *,
                evaluation_input_fn: Optional[Callable[[], Iterable]] = None) -> str:
        """The conversion summary of a converted SavedModel (as ``tftrt summary DIR``).

        Given ``evaluation_input_fn`` (a generator function as ``Converter.build`` takes),
        each INT8 layer's error against FP32 is measured on its input sets (as ``tftrt
        summary DIR --evaluation-inputs-dir``)."""
        if evaluation_input_fn is None:
            return _tftrt.summarize_saved_model(self.export_dir, signature_key, set(self.tags))
        specs = [_specs(inputs) for key, inputs, _ in
                 _tftrt.list_signatures(self.export_dir, set(self.tags)) if key == signature_key]
        progress = Progress("measuring INT8 accuracy")
        puller = _InputPuller(evaluation_input_fn, lambda: specs[0] if specs else [],
                              "evaluation_input_fn", progress)
        try:
            return _tftrt.summarize_saved_model(self.export_dir, signature_key, set(self.tags),
                                                puller)
        finally:
            progress.close()

    def __repr__(self) -> str:
        return f"<tftrt.saved_model.LoadedSavedModel {self.export_dir} {list(self.signatures)}>"


def load(export_dir: Union[str, os.PathLike], tags: Optional[Union[str, Sequence[str]]] = None,
         options: object = None) -> LoadedSavedModel:
    """Loads a SavedModel from ``export_dir`` to run its signatures on tftrt.

    Args:
      export_dir: the SavedModel directory (converted by tftrt or TF-TRT, or not).
      tags: the tag set of the MetaGraph to load (a string or list; default ``serve``).
      options: accepted for compatibility with ``tf.saved_model.load``; must be None.

    Returns:
      An object whose ``signatures`` maps keys to functions: ``fn(**inputs)`` returns
      ``{output name: numpy array}``.
    """
    if options is not None:
        raise NotImplementedError("tf.saved_model.LoadOptions are not supported by tftrt")
    if tags is None:
        tags = ["serve"]
    elif isinstance(tags, str):
        tags = [tags]
    return LoadedSavedModel(os.fspath(export_dir), list(tags))
