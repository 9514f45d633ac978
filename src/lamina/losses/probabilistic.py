"""Divergence and count losses: Kullback-Leibler divergence and Poisson."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import epsilon
from lamina.losses._common import broadcast_inputs
from lamina.losses.loss import LossFunctionWrapper

_SOBS = "sum_over_batch_size"


def kl_divergence(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Kullback-Leibler divergence: `sum(t * log(t / p), -1)`.

    Both distributions are clipped to `[epsilon, 1]` first.

    Args:
        y_true: target distributions.
        y_pred: predicted distributions.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = broadcast_inputs(y_true, y_pred)
    eps = epsilon()
    y_true = y_true.clamp(eps, 1.0)
    y_pred = y_pred.clamp(eps, 1.0)
    return (y_true * torch.log(y_true / y_pred)).sum(dim=-1)


def poisson(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Poisson loss: `mean(p - t * log(p + epsilon), -1)`.

    Args:
        y_true: observed counts.
        y_pred: predicted rates.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = broadcast_inputs(y_true, y_pred)
    return (y_pred - y_true * torch.log(y_pred + epsilon())).mean(dim=-1)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence; see `kl_divergence`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"kl_divergence"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "kl_divergence",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            kl_divergence,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class Poisson(LossFunctionWrapper):
    """Poisson loss; see `poisson`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"poisson"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "poisson",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            poisson,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )
