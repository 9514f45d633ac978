"""Regression losses: squared, absolute, percentage, logarithmic, Huber, log-cosh, cosine."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import epsilon
from lamina.losses._common import elementwise_inputs
from lamina.losses.loss import LossFunctionWrapper

_SOBS = "sum_over_batch_size"


def mean_squared_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean squared error over the last axis: `mean(square(y_true - y_pred), -1)`.

    Args:
        y_true: targets, shape `(batch, ..., d)`.
        y_pred: predictions, same shape (a trailing axis of size 1 on either
            side is squeezed or expanded to match).

    Returns:
        Per-sample losses, shape `(batch, ...)`.
    """
    y_true, y_pred = elementwise_inputs(y_true, y_pred)
    return torch.square(y_true - y_pred).mean(dim=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean absolute error over the last axis: `mean(abs(y_true - y_pred), -1)`.

    Args:
        y_true: targets.
        y_pred: predictions.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = elementwise_inputs(y_true, y_pred)
    return torch.abs(y_true - y_pred).mean(dim=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean absolute percentage error: `100 * mean(abs((t - p) / max(abs(t), eps)), -1)`.

    Args:
        y_true: targets.
        y_pred: predictions.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = elementwise_inputs(y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.abs(y_true).clamp_min(epsilon()))
    return 100.0 * diff.mean(dim=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean squared log error: `mean(square(log(1 + p) - log(1 + t)), -1)`.

    Values are first clipped below at epsilon.

    Args:
        y_true: targets.
        y_pred: predictions.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = elementwise_inputs(y_true, y_pred)
    eps = epsilon()
    first = torch.log(y_pred.clamp_min(eps) + 1.0)
    second = torch.log(y_true.clamp_min(eps) + 1.0)
    return torch.square(first - second).mean(dim=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> torch.Tensor:
    """Huber loss: quadratic for errors up to `delta`, linear beyond.

    `0.5 * x**2` if `|x| <= delta`, else `delta * |x| - 0.5 * delta**2`, with
    `x = y_pred - y_true`, averaged over the last axis.

    Args:
        y_true: targets.
        y_pred: predictions.
        delta: where the loss turns from quadratic to linear.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = elementwise_inputs(y_true, y_pred)
    error = y_pred - y_true
    abs_error = torch.abs(error)
    quadratic = 0.5 * torch.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return torch.where(abs_error <= delta, quadratic, linear).mean(dim=-1)


def log_cosh(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean of `log(cosh(y_pred - y_true))` over the last axis, computed stably.

    Args:
        y_true: targets.
        y_pred: predictions.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = elementwise_inputs(y_true, y_pred)
    x = y_pred - y_true
    return (x + F.softplus(-2.0 * x) - math.log(2.0)).mean(dim=-1)


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    """`x / max(norm(x), epsilon)` along `axis`."""
    return F.normalize(x, p=2.0, dim=axis, eps=epsilon())


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """Negative cosine similarity: `-sum(l2_norm(y_true) * l2_norm(y_pred), axis)`.

    Values lie in [-1, 1]; -1 means the vectors point the same way, so
    minimizing the loss aligns them.

    Args:
        y_true: targets.
        y_pred: predictions.
        axis: the axis along which the similarity is computed.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = elementwise_inputs(y_true, y_pred)
    y_true = _l2_normalize(y_true, axis)
    y_pred = _l2_normalize(y_pred, axis)
    return -(y_true * y_pred).sum(dim=axis)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of the squared errors; see `mean_squared_error`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"mean_squared_error"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "mean_squared_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_squared_error,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of the absolute errors; see `mean_absolute_error`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"mean_absolute_error"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "mean_absolute_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_absolute_error,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error; see `mean_absolute_percentage_error`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"mean_absolute_percentage_error"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "mean_absolute_percentage_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_absolute_percentage_error,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error; see `mean_squared_logarithmic_error`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"mean_squared_logarithmic_error"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "mean_squared_logarithmic_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            mean_squared_logarithmic_error,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class Huber(LossFunctionWrapper):
    """Huber loss; see `huber`.

    Args:
        delta: where the loss turns from quadratic to linear.
        reduction: see `Loss`.
        name: defaults to `"huber_loss"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = _SOBS,
        name: str | None = "huber_loss",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            huber,
            reduction=reduction,
            name=name,
            dtype=dtype,
            delta=delta,
        )
        self.delta = delta


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error; see `log_cosh`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"log_cosh"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "log_cosh",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            log_cosh,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity; see `cosine_similarity`.

    Args:
        axis: the axis along which the similarity is computed.
        reduction: see `Loss`.
        name: defaults to `"cosine_similarity"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = _SOBS,
        name: str | None = "cosine_similarity",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            cosine_similarity,
            reduction=reduction,
            name=name,
            dtype=dtype,
            axis=axis,
        )
        self.axis = axis
