"""Hinge losses for maximum-margin classification."""

from __future__ import annotations

from typing import Any

import torch

from lamina.losses._common import broadcast_inputs
from lamina.losses.loss import LossFunctionWrapper

_SOBS = "sum_over_batch_size"


def _to_signed_labels(y_true: torch.Tensor) -> torch.Tensor:
    """Maps 0/1 labels to -1/1 when every label is 0 or 1, on the device (no sync)."""
    is_binary = ((y_true == 0) | (y_true == 1)).all()
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def _margins(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Element-wise `max(1 - t * p, 0)`, labels mapped to -1/1 first."""
    y_true, y_pred = broadcast_inputs(y_true, y_pred)
    return torch.relu(1.0 - _to_signed_labels(y_true) * y_pred)


def hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Hinge loss: `mean(max(1 - t * p, 0), -1)`.

    Labels that are all 0 or 1 are first mapped to -1 and 1.

    Args:
        y_true: labels in {-1, 1} (or {0, 1}).
        y_pred: predicted scores.

    Returns:
        Per-sample losses.
    """
    return _margins(y_true, y_pred).mean(dim=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Squared hinge loss: `mean(square(max(1 - t * p, 0)), -1)`.

    Labels that are all 0 or 1 are first mapped to -1 and 1.

    Args:
        y_true: labels in {-1, 1} (or {0, 1}).
        y_pred: predicted scores.

    Returns:
        Per-sample losses.
    """
    return torch.square(_margins(y_true, y_pred)).mean(dim=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Categorical hinge loss: `max(max((1 - t) * p) - sum(t * p) + 1, 0)`.

    Args:
        y_true: one-hot labels.
        y_pred: predicted scores.

    Returns:
        Per-sample losses.
    """
    y_true, y_pred = broadcast_inputs(y_true, y_pred)
    pos = (y_true * y_pred).sum(dim=-1)
    neg = ((1.0 - y_true) * y_pred).amax(dim=-1)
    return torch.relu(neg - pos + 1.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss; see `hinge`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"hinge"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            hinge,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss; see `squared_hinge`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"squared_hinge"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "squared_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            squared_hinge,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss; see `categorical_hinge`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"categorical_hinge"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "categorical_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_hinge,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )
