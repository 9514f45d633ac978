"""Regression metrics: absolute, squared, percentage and log errors, cosine similarity."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.backend import epsilon
from lamina.metrics._utils import as_tensor, squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper


def _pair(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    y_pred = as_tensor(y_pred)
    if not y_pred.is_floating_point():
        y_pred = as_tensor(y_pred, "float32")
    y_true = as_tensor(y_true, y_pred.dtype, y_pred.device)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`mean((y_true - y_pred) ** 2, axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.square(y_true - y_pred).mean(dim=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`mean(abs(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.abs(y_true - y_pred).mean(dim=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=epsilon()))
    return 100.0 * diff.mean(dim=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2, axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    first = torch.log(torch.clamp(y_pred, min=epsilon()) + 1.0)
    second = torch.log(torch.clamp(y_true, min=epsilon()) + 1.0)
    return torch.square(first - second).mean(dim=-1)


def log_cosh(y_true: Any, y_pred: Any) -> torch.Tensor:
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return (x + torch.nn.functional.softplus(-2.0 * x) - math.log(2.0)).mean(dim=-1)


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    square_sum = torch.sum(torch.square(x), dim=axis, keepdim=True)
    return x * torch.rsqrt(torch.clamp(square_sum, min=epsilon()))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """Cosine of the angle between `y_true` and `y_pred` along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return torch.sum(
        _l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), dim=axis
    )


class MeanSquaredError(MeanMetricWrapper):
    """Mean of `(y_true - y_pred) ** 2`.

    Args:
        name: name of the metric (default `"mean_squared_error"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "mean_squared_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_squared_error,
            name=name,
            dtype=dtype,
        )


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of `abs(y_true - y_pred)`.

    Args:
        name: name of the metric (default `"mean_absolute_error"`).
        dtype: dtype of the state and result.

    Example:
    >>> from lamina.metrics import MeanAbsoluteError
    >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "mean_absolute_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_absolute_error,
            name=name,
            dtype=dtype,
        )


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean of `100 * abs((y_true - y_pred) / y_true)`.

    Args:
        name: name of the metric (default `"mean_absolute_percentage_error"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "mean_absolute_percentage_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_absolute_percentage_error,
            name=name,
            dtype=dtype,
        )


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean of `(log(y_pred + 1) - log(y_true + 1)) ** 2`.

    Args:
        name: name of the metric (default `"mean_squared_logarithmic_error"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "mean_squared_logarithmic_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_squared_logarithmic_error,
            name=name,
            dtype=dtype,
        )


class LogCoshError(MeanMetricWrapper):
    """Mean of `log(cosh(y_pred - y_true))`.

    Args:
        name: name of the metric (default `"logcosh"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "logcosh",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            log_cosh,
            name=name,
            dtype=dtype,
        )


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions.

    Args:
        name: name of the metric (default `"cosine_similarity"`).
        dtype: dtype of the state and result.
        axis: axis along which the similarity is computed.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        name: str | None = "cosine_similarity",
        dtype: Any = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            cosine_similarity,
            name=name,
            dtype=dtype,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments (Keras omits `axis`)."""
        config = super().get_config()
        if config.get("axis") == -1:
            del config["axis"]
        return config


class RootMeanSquaredError(Mean):
    """Square root of the mean of `(y_true - y_pred) ** 2`.

    Args:
        name: name of the metric (default `"root_mean_squared_error"`).
        dtype: dtype of the state and result.
    """

    _direction = "down"  # for callbacks' mode="auto", as Keras

    def __init__(
        self, name: str = "root_mean_squared_error", dtype: Any = None
    ) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's squared errors to the mean."""
        y_true, y_pred = _pair(y_true, y_pred)
        super().update_state(torch.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> torch.Tensor:
        """Returns `sqrt(total / count)`."""
        return torch.sqrt(super().result())
