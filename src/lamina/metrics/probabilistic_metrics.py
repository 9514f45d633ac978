"""Probabilistic and hinge metrics: crossentropies, KL divergence, Poisson, hinges."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import epsilon
from lamina.metrics._utils import as_tensor, squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _pair(
    y_true: Any, y_pred: Any, same_rank: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    y_pred = as_tensor(y_pred)
    if not y_pred.is_floating_point():
        y_pred = as_tensor(y_pred, "float32")
    y_true = as_tensor(y_true, y_pred.dtype, y_pred.device)
    if same_rank:
        return squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Mean binary crossentropy over `axis`; predictions clipped to [eps, 1 - eps]."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        values = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        p = torch.clamp(y_pred, epsilon(), 1.0 - epsilon())
        values = -(y_true * torch.log(p) + (1.0 - y_true) * torch.log(1.0 - p))
    return values.mean(dim=axis)


def _log_probabilities(
    y_pred: torch.Tensor, from_logits: bool, axis: int
) -> torch.Tensor:
    if from_logits:
        return F.log_softmax(y_pred, dim=axis)
    p = y_pred / y_pred.sum(dim=axis, keepdim=True)
    return torch.log(torch.clamp(p, epsilon(), 1.0 - epsilon()))


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Crossentropy between one-hot (or soft) labels and predicted probabilities."""
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return -(y_true * _log_probabilities(y_pred, from_logits, axis)).sum(dim=axis)


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> torch.Tensor:
    """Crossentropy between integer labels and predicted probabilities.

    Entries whose label is `ignore_class` give 0 and are marked in the
    result's `_keras_mask`, so that weighted metrics leave them out.
    """
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, device=y_pred.device)
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    labels = y_true.long()
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = labels * valid
        y_pred = y_pred * valid.unsqueeze(-1).to(y_pred.dtype)
    log_prob = _log_probabilities(y_pred, from_logits, axis)
    values = -torch.gather(log_prob, -1, labels.unsqueeze(-1)).squeeze(-1)
    if valid is not None:
        values = torch.where(valid, values, torch.zeros_like(values))
        values._keras_mask = valid  # type: ignore[attr-defined]
    return values


def kl_divergence(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to [eps, 1]."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = torch.clamp(y_true, epsilon(), 1.0)
    y_pred = torch.clamp(y_pred, epsilon(), 1.0)
    return (y_true * torch.log(y_true / y_pred)).sum(dim=-1)


def poisson(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`mean(y_pred - y_true * log(y_pred + eps), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_pred - y_true * torch.log(y_pred + epsilon())).mean(dim=-1)


def _hinge_labels(y_true: torch.Tensor) -> torch.Tensor:
    """Labels in {0, 1} become {-1, 1}; other labels are kept as given."""
    is_binary = ((y_true == 0) | (y_true == 1)).all()
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`mean(max(1 - y_true * y_pred, 0), axis=-1)`, labels -1/1 (or 0/1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.relu(1.0 - _hinge_labels(y_true) * y_pred).mean(dim=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)`, labels -1/1 (or 0/1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.square(torch.relu(1.0 - _hinge_labels(y_true) * y_pred)).mean(dim=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`."""
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    positive = (y_true * y_pred).sum(dim=-1)
    negative = ((1.0 - y_true) * y_pred).amax(dim=-1)
    return torch.relu(negative - positive + 1.0)


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary crossentropy between labels and predictions.

    Args:
        name: name of the metric (default `"binary_crossentropy"`).
        dtype: dtype of the state and result.
        from_logits: whether predictions are logits.
        label_smoothing: squeeze labels towards 0.5 by this amount.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: int = 0,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean crossentropy between one-hot labels and predictions.

    Args:
        name: name of the metric (default `"categorical_crossentropy"`).
        dtype: dtype of the state and result.
        from_logits: whether predictions are logits.
        label_smoothing: mix labels with the uniform distribution by this amount.
        axis: the class axis.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: int = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean crossentropy between integer labels and predictions.

    Args:
        name: name of the metric (default `"sparse_categorical_crossentropy"`).
        dtype: dtype of the state and result.
        from_logits: whether predictions are logits.
        ignore_class: a label whose entries count as 0.
        axis: the class axis.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: Any = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence between labels and predictions.

    Args:
        name: name of the metric (default `"kl_divergence"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "kl_divergence",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            kl_divergence,
            name=name,
            dtype=dtype,
        )


class Poisson(MeanMetricWrapper):
    """Mean Poisson deviance term `y_pred - y_true * log(y_pred)`.

    Args:
        name: name of the metric (default `"poisson"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "poisson",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            poisson,
            name=name,
            dtype=dtype,
        )


class Hinge(MeanMetricWrapper):
    """Mean hinge loss `max(1 - y_true * y_pred, 0)`.

    Args:
        name: name of the metric (default `"hinge"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            hinge,
            name=name,
            dtype=dtype,
        )


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss `max(1 - y_true * y_pred, 0) ** 2`.

    Args:
        name: name of the metric (default `"squared_hinge"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "squared_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            squared_hinge,
            name=name,
            dtype=dtype,
        )


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss between one-hot labels and predictions.

    Args:
        name: name of the metric (default `"categorical_hinge"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "categorical_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_hinge,
            name=name,
            dtype=dtype,
        )
