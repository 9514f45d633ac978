"""Overlap losses for segmentation (Dice, Tversky) and the CTC sequence loss."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import epsilon
from lamina.losses._common import as_tensor, prepare, shape_str
from lamina.losses.loss import LossFunctionWrapper

_SOBS = "sum_over_batch_size"
Axis = int | tuple[int, ...] | None


def _sum(x: torch.Tensor, axis: Axis) -> torch.Tensor:
    return x.sum() if axis is None else x.sum(dim=axis)


def dice(y_true: Any, y_pred: Any, axis: Axis = None) -> torch.Tensor:
    """Dice loss: `1 - 2 * sum(t * p) / (sum(t) + sum(p) + epsilon)`.

    Args:
        y_true: target masks.
        y_pred: predicted masks.
        axis: axes summed over; `None` sums over everything (one value).

    Returns:
        The loss, reduced over `axis`.
    """
    y_true, y_pred = prepare(y_true, y_pred)
    intersection = _sum(y_true * y_pred, axis)
    total = _sum(y_true, axis) + _sum(y_pred, axis) + epsilon()
    return 1.0 - 2.0 * intersection / total


def tversky(
    y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Axis = None
) -> torch.Tensor:
    """Tversky loss: `1 - tp / (tp + alpha * sum(t * (1 - p)) + beta * sum((1 - t) * p))`.

    With `alpha = beta = 0.5` it equals the Dice loss.

    Args:
        y_true: target masks.
        y_pred: predicted masks.
        alpha: weight of the missed target mass.
        beta: weight of the predicted mass outside the target.
        axis: axes summed over; `None` sums over everything (one value).

    Returns:
        The loss, reduced over `axis`.
    """
    y_true, y_pred = prepare(y_true, y_pred)
    tp = _sum(y_true * y_pred, axis)
    missed = _sum(y_true * (1.0 - y_pred), axis)
    extra = _sum((1.0 - y_true) * y_pred, axis)
    return 1.0 - tp / (tp + alpha * missed + beta * extra + epsilon())


def ctc(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Connectionist temporal classification loss, with label 0 as the blank.

    Args:
        y_true: integer labels, shape `(batch, max_label_length)`, padded with 0.
        y_pred: logits, shape `(batch, timesteps, classes)`.

    Returns:
        Per-sample losses, shape `(batch,)`.

    Raises:
        ValueError: when the ranks are not 2 and 3.
    """
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, device=y_pred.device)
    if y_true.dim() != 2 or y_pred.dim() != 3:
        raise ValueError(
            "`ctc` expects `y_true` of shape (batch, max_label_length) and `y_pred` "
            f"of shape (batch, timesteps, classes). Received: "
            f"y_true.shape={shape_str(y_true.shape)}, y_pred.shape={shape_str(y_pred.shape)}"
        )
    y_true = y_true.long()
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    log_probs = torch.log_softmax(y_pred, dim=-1).transpose(0, 1)
    input_lengths = torch.full((batch,), steps, dtype=torch.long, device=y_pred.device)
    label_lengths = (y_true != 0).sum(dim=-1)
    return F.ctc_loss(
        log_probs, y_true, input_lengths, label_lengths, blank=0, reduction="none"
    )


class Dice(LossFunctionWrapper):
    """Dice loss; see `dice`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"dice"`.
        axis: axes summed over; `None` sums over everything.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "dice",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            dice,
            reduction=reduction,
            name=name,
            dtype=dtype,
            axis=axis,
        )
        self.axis = axis


class Tversky(LossFunctionWrapper):
    """Tversky loss; see `tversky`.

    Args:
        alpha: weight of the missed target mass.
        beta: weight of the predicted mass outside the target.
        reduction: see `Loss`.
        name: defaults to `"tversky"`.
        axis: axes summed over; `None` sums over everything.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: str | None = _SOBS,
        name: str | None = "tversky",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            tversky,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            beta=beta,
            axis=axis,
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis


class CTC(LossFunctionWrapper):
    """CTC loss; see `ctc`.

    Args:
        reduction: see `Loss`.
        name: defaults to `"ctc"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        reduction: str | None = _SOBS,
        name: str | None = "ctc",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            ctc,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )
