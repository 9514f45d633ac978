"""Confusion-matrix counting shared by `TruePositives`, `Precision`, `Recall` and `AUC`."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.backend import epsilon
from lamina.metrics._utils import (
    as_tensor,
    broadcast_weights,
    squeeze_or_expand_to_same_rank,
)

NEG_INF = -1e10


def parse_thresholds(thresholds: Any, default: float = 0.5) -> list[float]:
    """Returns the thresholds as a list, checking that each lies in [0, 1]."""
    if thresholds is None:
        return [default]
    values = [
        float(t)
        for t in (thresholds if isinstance(thresholds, (list, tuple)) else [thresholds])
    ]
    invalid = [t for t in values if t < 0 or t > 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return values


def filter_top_k(x: torch.Tensor, k: int) -> torch.Tensor:
    """Keeps the `k` largest entries of the last axis; the others become `NEG_INF`."""
    indices = torch.topk(x, k, dim=-1).indices
    mask = torch.zeros_like(x).scatter_(-1, indices, 1.0)
    return x * mask + NEG_INF * (1.0 - mask)


def prepare_inputs(
    y_true: Any,
    y_pred: Any,
    sample_weight: Any,
    top_k: int | None = None,
    class_id: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Matches ranks, applies `top_k` / `class_id`, broadcasts the weights.

    Returns:
        `(labels, predictions, weights)`: `labels` is boolean, `weights` has
        the shape of `predictions` (or is `None`).
    """
    y_pred = as_tensor(y_pred, "float32") if not torch.is_tensor(y_pred) else y_pred
    y_true = as_tensor(y_true, device=y_pred.device)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.dim() == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]
    weights = None
    if sample_weight is not None:
        weights = as_tensor(sample_weight, y_pred.dtype, y_pred.device)
        if weights.dim() == y_pred.dim() + 1 and weights.shape[-1] == 1:
            weights = weights.squeeze(-1)
        weights = broadcast_weights(weights, y_pred.shape)
    return y_true != 0, y_pred, weights


def confusion_counts(
    labels: torch.Tensor,
    y_pred: torch.Tensor,
    thresholds: torch.Tensor,
    weights: torch.Tensor | None,
    which: tuple[str, ...] = ("tp", "fp", "tn", "fn"),
) -> dict[str, torch.Tensor]:
    """Weighted tp, fp, tn, fn per threshold; a prediction is positive if `> threshold`.

    Shapes: `labels`, `y_pred`, `weights` any (flattened); `thresholds` (T,);
    each count (T,).
    """
    dtype = thresholds.dtype
    positive = y_pred.reshape(1, -1) > thresholds.reshape(-1, 1)  # (T, M)
    label = labels.reshape(1, -1)
    w = None if weights is None else weights.reshape(1, -1).to(dtype)

    def count(mask: torch.Tensor) -> torch.Tensor:
        mask = mask.to(dtype)
        return (mask if w is None else mask * w).sum(dim=1)

    masks = {
        "tp": lambda: label & positive,
        "fp": lambda: ~label & positive,
        "tn": lambda: ~label & ~positive,
        "fn": lambda: label & ~positive,
    }
    return {key: count(masks[key]()) for key in which}


def evenly_distributed(thresholds: list[float]) -> bool:
    """Whether `thresholds` are `i / (n - 1)` for `i` in `0..n-1` (n >= 3)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=epsilon()))


def bucket_counts(
    labels: torch.Tensor,
    y_pred: torch.Tensor,
    weights: torch.Tensor | None,
    num_thresholds: int,
    with_epsilon: bool,
    multi_label: bool = False,
) -> tuple[torch.Tensor, ...]:
    """tp, fp, tn, fn at evenly spaced thresholds, from one scatter per batch.

    With thresholds `i / (n - 1)`, a prediction `p` (clipped to [0, 1]) is
    above threshold `i` for every `i <= ceil(p * (n - 1)) - 1`: each prediction
    adds its weight to that bucket, and a reversed cumulative sum gives the
    counts at every threshold. When the end thresholds are `-eps` and
    `1 + eps` (`with_epsilon`), bucket -1 becomes 0; otherwise predictions in
    it are above no threshold. Shapes: flattened (N,), or (N, L) with
    `multi_label`; counts (n,) or (n, L).
    """
    y = labels.to(y_pred.dtype)
    y_pred = torch.clamp(y_pred, 0.0, 1.0)
    true_labels = y if weights is None else y * weights
    false_labels = (1.0 - y) if weights is None else (1.0 - y) * weights
    buckets = torch.ceil(y_pred * (num_thresholds - 1.0)) - 1.0
    if with_epsilon:
        buckets = torch.relu(buckets)
    if not multi_label:
        true_labels, false_labels, buckets = (
            t.reshape(-1) for t in (true_labels, false_labels, buckets)
        )
    above_none = buckets < 0
    buckets = buckets.clamp(min=0).long()
    shape = (num_thresholds, *true_labels.shape[1:])
    tp_buckets = y_pred.new_zeros(shape).scatter_add_(
        0, buckets, true_labels.masked_fill(above_none, 0)
    )
    fp_buckets = y_pred.new_zeros(shape).scatter_add_(
        0, buckets, false_labels.masked_fill(above_none, 0)
    )
    tp = tp_buckets.flip(0).cumsum(0).flip(0)
    fp = fp_buckets.flip(0).cumsum(0).flip(0)
    return tp, fp, false_labels.sum(0) - fp, true_labels.sum(0) - tp
