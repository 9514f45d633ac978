"""Weighting, masking and reducing per-sample loss values, as Keras 3 does."""

from __future__ import annotations

from typing import Any

import torch

from lamina.losses._common import (
    as_tensor,
    broadcastable,
    shape_str,
    squeeze_or_expand_to_same_rank,
)

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none")
_MEAN_REDUCTIONS = ("sum_over_batch_size", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction: Any) -> str | None:
    """Validates a reduction name.

    Args:
        reduction: one of `"sum_over_batch_size"`, `"sum"`, `"mean"`,
            `"mean_with_sample_weight"`, `"none"` or `None`.

    Returns:
        The reduction unchanged.

    Raises:
        ValueError: for any other value.
    """
    if reduction is None or (isinstance(reduction, str) and reduction in REDUCTIONS):
        return reduction
    allowed = ", ".join(repr(r) for r in (*REDUCTIONS, None))
    raise ValueError(
        "Invalid value for argument `reduction`. "
        f"Expected one of {allowed}. Received: reduction={reduction!r}"
    )


def _apply_mask(
    sample_weight: torch.Tensor | None, mask: torch.Tensor, reduction: str | None
) -> torch.Tensor:
    """Folds a mask into the sample weights.

    For the mean reductions the mask is rescaled by `total / valid`, so the
    mean runs over the unmasked entries only.
    """
    if reduction in ("sum_over_batch_size", "mean"):
        valid = mask.sum().clamp_min(1.0)  # an all-masked batch then sums to 0
        mask = mask * (mask.numel() / valid)
    if sample_weight is None:
        return mask
    mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
    return sample_weight * mask


def _weigh(values: torch.Tensor, sample_weight: torch.Tensor) -> tuple:
    """Multiplies values by matching-rank sample weights, checking the shapes."""
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    if not broadcastable(values.shape, sample_weight.shape):
        raise ValueError(
            "`sample_weight` cannot be broadcast to the per-sample losses. "
            f"Received: sample_weight.shape={shape_str(sample_weight.shape)}, "
            f"losses.shape={shape_str(values.shape)}. Give one weight per sample "
            "(shape `(batch,)`) or per loss entry."
        )
    return values * sample_weight, sample_weight


def reduce_values(
    values: torch.Tensor,
    sample_weight: torch.Tensor | None = None,
    reduction: str | None = "sum_over_batch_size",
) -> torch.Tensor:
    """Reduces (already weighted) loss values to a scalar, per `reduction`."""
    if reduction in (None, "none") or values.dim() == 0 or values.shape == (0,):
        return values
    loss = values.sum()
    if reduction not in _MEAN_REDUCTIONS:
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = sample_weight.sum().to(loss.dtype)
        return torch.where(divisor == 0, torch.zeros_like(loss), loss / divisor)
    count = values.numel()
    return loss / count if count else torch.zeros_like(loss)


def reduce_weighted_values(
    values: torch.Tensor,
    sample_weight: Any = None,
    mask: torch.Tensor | None = None,
    reduction: str | None = "sum_over_batch_size",
    dtype: torch.dtype | None = None,
) -> torch.Tensor:
    """Weights per-sample losses by `sample_weight` and `mask`, then reduces them.

    Args:
        values: per-sample loss values.
        sample_weight: optional weights broadcastable to `values` (after
            squeezing or expanding a trailing axis of size 1).
        mask: optional boolean mask of the entries to keep.
        reduction: see `standardize_reduction`.
        dtype: dtype of the computation; defaults to the values' dtype.

    Returns:
        The reduced loss (a 0-d tensor), or the weighted values for `"none"`.
    """
    values = as_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = as_tensor(sample_weight, values.dtype, values.device)
    if mask is not None:
        sample_weight = _apply_mask(sample_weight, mask.to(values.dtype), reduction)
    if sample_weight is not None:
        values, sample_weight = _weigh(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)
