"""Utilities: seeding, one-hot labels, summaries."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend import set_random_seed
from lamina.utils.py_dataset import PyDataset, Sequence


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """Converts integer class labels to one-hot rows (float32).

    Example:
    >>> to_categorical([0, 2], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    labels = np.asarray(x, dtype="int64")
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(labels.max()) + 1
    out = np.zeros((labels.size, num_classes), dtype="float32")
    out[np.arange(labels.size), labels] = 1.0
    return out.reshape((*shape, num_classes))


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scales `x` to unit `order`-norm along `axis`."""
    arr = np.asarray(x, dtype="float32")
    norm = np.linalg.norm(arr, ord=order, axis=axis, keepdims=True)
    return arr / np.maximum(norm, 1e-12)


# Drawing lives in lamina.visualization, above models (which import utils): a
# true cycle, so these names are resolved on first use.
_VISUALIZATION = ("layer_outputs", "model_to_dot", "plot_model")


def __getattr__(name: str) -> Any:
    if name in _VISUALIZATION:
        from lamina import visualization

        return getattr(visualization, name)
    raise AttributeError(f"module 'lamina.utils' has no attribute '{name}'")


__all__ = [
    "PyDataset",
    "layer_outputs",
    "model_to_dot",
    "plot_model",
    "Sequence",
    "normalize",
    "set_random_seed",
    "to_categorical",
]
