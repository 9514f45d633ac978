"""Pearson and concordance correlation between labels and predictions, per sample."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import epsilon
from lamina.losses._common import prepare
from lamina.metrics._utils import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper

Axis = int | tuple[int, ...] | list[int] | None


def _inputs(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Tensors of the predictions' float dtype, ranks matched by a trailing axis of 1."""
    y_true, y_pred = prepare(y_true, y_pred)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _dim(axis: Axis) -> int | tuple[int, ...] | None:
    return tuple(axis) if isinstance(axis, list) else axis


def _wide(x: torch.Tensor) -> torch.Tensor:
    """`x` in at least float32, where Keras computes means and variances."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def _mean(x: torch.Tensor, dim: Any, keepdim: bool = True) -> torch.Tensor:
    """Mean along `dim`, summed in at least float32, in `x`'s dtype."""
    return _wide(x).mean(dim=dim, keepdim=keepdim).to(x.dtype)


def _var(x: torch.Tensor, dim: Any) -> torch.Tensor:
    """Population variance along `dim` (kept), in at least float32, in `x`'s dtype."""
    return torch.var(_wide(x), dim=dim, keepdim=True, correction=0).to(x.dtype)


def pearson_correlation(y_true: Any, y_pred: Any, axis: Axis = -1) -> torch.Tensor:
    """Pearson correlation coefficient of labels and predictions along `axis`.

    `mean(z(y_true) * z(y_pred))`, where `z` centres its input on its mean
    and divides by its (population) standard deviation, both along `axis`.
    A constant input along `axis` gives NaN, as in Keras.

    Args:
        y_true: labels.
        y_pred: predictions.
        axis: axis or axes to correlate along (default `-1`).

    Returns:
        The coefficients, with `axis` reduced.

    Example:
    >>> from lamina.metrics import pearson_correlation
    >>> pearson_correlation([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
    tensor([1.0000, 0.9934])
    """
    y_true, y_pred = _inputs(y_true, y_pred)
    dim = _dim(axis)
    y_true = y_true - _mean(y_true, dim)
    y_pred = y_pred - _mean(y_pred, dim)
    y_true = y_true / y_true.std(dim=dim, correction=0, keepdim=True)
    y_pred = y_pred / y_pred.std(dim=dim, correction=0, keepdim=True)
    return _mean(y_true * y_pred, dim, keepdim=False)


def concordance_correlation(y_true: Any, y_pred: Any, axis: Axis = -1) -> torch.Tensor:
    """Lin's concordance correlation coefficient of labels and predictions along `axis`.

    `2 * cov(y_true, y_pred) / (var(y_true) + var(y_pred) + (mean(y_true) -
    mean(y_pred))^2 + epsilon)`, with population (co)variances along `axis`.

    Args:
        y_true: labels.
        y_pred: predictions.
        axis: axis or axes to correlate along (default `-1`).

    Returns:
        The coefficients, with `axis` reduced.

    Example:
    >>> from lamina.metrics import concordance_correlation
    >>> concordance_correlation([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
    tensor([0.9756, 0.9877])
    """
    y_true, y_pred = _inputs(y_true, y_pred)
    dim = _dim(axis)
    true_mean = _mean(y_true, dim)
    pred_mean = _mean(y_pred, dim)
    true_var = _var(y_true - true_mean, dim)
    pred_var = _var(y_pred - pred_mean, dim)
    # Centred on the predictions' mean on both sides: the mean along `axis` is
    # the covariance all the same, and the rounding is Keras's.
    products = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + torch.square(true_mean - pred_mean)
    return _mean(2 * products / (norm + epsilon()), dim, keepdim=False)


class _Correlation(MeanMetricWrapper):
    """Mean, over samples and batches, of a per-sample correlation function."""

    def __init__(self, fn: Any, name: str, dtype: Any, axis: Axis) -> None:
        super().__init__(fn, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"  # Keras's hint that larger values are better

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class PearsonCorrelation(_Correlation):
    """Mean Pearson correlation coefficient of labels and predictions.

    Each sample's coefficient is taken along `axis` (see
    `pearson_correlation`); the metric averages them over samples and
    batches, weighted by `sample_weight`.

    Args:
        name: name of the metric (default `"pearson_correlation"`).
        dtype: dtype of the state and result.
        axis: axis or axes to correlate along (default `-1`).

    Example:
    >>> from lamina.metrics import PearsonCorrelation
    >>> m = PearsonCorrelation()
    >>> round(float(m([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])), 5)
    0.9967
    """

    def __init__(
        self, name: str = "pearson_correlation", dtype: Any = None, axis: Axis = -1
    ) -> None:
        super().__init__(pearson_correlation, name, dtype, axis)


class ConcordanceCorrelation(_Correlation):
    """Mean concordance correlation coefficient of labels and predictions.

    Each sample's coefficient is taken along `axis` (see
    `concordance_correlation`); the metric averages them over samples and
    batches, weighted by `sample_weight`.

    Args:
        name: name of the metric (default `"concordance_correlation"`).
        dtype: dtype of the state and result.
        axis: axis or axes to correlate along (default `-1`).

    Example:
    >>> from lamina.metrics import ConcordanceCorrelation
    >>> m = ConcordanceCorrelation()
    >>> round(float(m([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])), 5)
    0.98163
    """

    def __init__(
        self, name: str = "concordance_correlation", dtype: Any = None, axis: Axis = -1
    ) -> None:
        super().__init__(concordance_correlation, name, dtype, axis)
