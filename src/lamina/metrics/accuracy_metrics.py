"""Accuracy metrics: exact, binary, categorical, sparse categorical and top-k."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import floatx, to_torch_dtype
from lamina.metrics._utils import as_tensor, squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _float(x: torch.Tensor) -> torch.Tensor:
    return x.to(to_torch_dtype(floatx()))


def _pair(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    y_pred = as_tensor(y_pred)
    return as_tensor(y_true, device=y_pred.device), y_pred


def accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where `y_pred` equals `y_true` exactly, else 0.0 (elementwise)."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _float(y_true == y_pred)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> torch.Tensor:
    """1.0 where `y_pred > threshold` matches the binary label (elementwise)."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = y_true.to(y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = (y_pred > threshold).to(y_true.dtype)
    return _float(y_true == predicted)


def _labels_match(labels: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Compares integer `labels` with `argmax(y_pred)`; labels `(..., 1)` are squeezed."""
    if labels.dim() == y_pred.dim() and labels.shape[-1] == 1:
        labels = labels.squeeze(-1)
    predicted = torch.argmax(y_pred, dim=-1).to(labels.dtype)
    return _float(labels == predicted)


def categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where `argmax(y_pred)` equals `argmax(y_true)` (one-hot labels)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _labels_match(torch.argmax(y_true, dim=-1), y_pred)


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where `argmax(y_pred)` equals the integer label `y_true`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _labels_match(y_true.to(y_pred.dtype), y_pred)


def _in_top_k(labels: torch.Tensor, y_pred: torch.Tensor, k: int) -> torch.Tensor:
    """Whether each label's score is at least the k-th largest (ties count)."""
    shape = labels.shape
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    labels = labels.reshape(-1, 1).long()
    kth = torch.topk(scores, k, dim=-1).values[:, -1:]
    hit = torch.gather(scores, 1, labels) >= kth
    return _float(hit).reshape(shape)


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """1.0 where the one-hot label is among the `k` highest predictions."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _in_top_k(torch.argmax(y_true, dim=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(
    y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
) -> torch.Tensor:
    """1.0 where the integer label is among the `k` highest predictions.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score
    (best first) and the label must be among its first `k` entries.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if from_sorted_ids:
        shape = y_true.shape
        ids = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
        hit = (ids == y_true.reshape(-1, 1).to(ids.dtype)).any(dim=-1)
        return _float(hit).reshape(shape)
    return _in_top_k(y_true, y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Args:
        name: name of the metric (default `"accuracy"`).
        dtype: dtype of the state and result.

    Example:
    >>> from lamina.metrics import Accuracy
    >>> float(Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]]))
    0.75
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "accuracy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            accuracy,
            name=name,
            dtype=dtype,
        )


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches binary labels.

    Args:
        name: name of the metric (default `"binary_accuracy"`).
        dtype: dtype of the state and result.
        threshold: predictions above it count as 1.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "binary_accuracy",
        dtype: Any = None,
        threshold: float = 0.5,
    ) -> None:
        super().__init__(
            binary_accuracy,
            name=name,
            dtype=dtype,
            threshold=threshold,
        )


class CategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches one-hot labels.

    Args:
        name: name of the metric (default `"categorical_accuracy"`).
        dtype: dtype of the state and result.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "categorical_accuracy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_accuracy,
            name=name,
            dtype=dtype,
        )


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches integer labels.

    Args:
        name: name of the metric (default `"sparse_categorical_accuracy"`).
        dtype: dtype of the state and result.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "sparse_categorical_accuracy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            sparse_categorical_accuracy,
            name=name,
            dtype=dtype,
        )


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often one-hot labels are among the `k` highest predictions.

    Args:
        k: how many top predictions count.
        name: name of the metric (default `"top_k_categorical_accuracy"`).
        dtype: dtype of the state and result.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        k: int = 5,
        name: str | None = "top_k_categorical_accuracy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
        )


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often integer labels are among the `k` highest predictions.

    Args:
        k: how many top predictions count.
        name: name of the metric (default `"sparse_top_k_categorical_accuracy"`).
        dtype: dtype of the state and result.
        from_sorted_ids: whether `y_pred` holds class ids sorted by score.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        kwargs = {"from_sorted_ids": True} if from_sorted_ids else {}
        super().__init__(
            sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, **kwargs
        )
