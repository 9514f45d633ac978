"""Categorical cross-entropy losses: one-hot, sparse, focal and generalized."""

from __future__ import annotations

from typing import Any

import torch

from lamina.losses._common import (
    as_tensor,
    broadcast_inputs,
    check_axis,
    check_same_shape,
    clip_probabilities,
    float_predictions,
    prepare,
    set_mask,
    shape_str,
    smooth_categorical,
)


def _log_probs(y_pred: torch.Tensor, from_logits: bool, axis: int) -> torch.Tensor:
    """Log-probabilities: log-softmax of logits, or log of renormalized, clipped probs."""
    if from_logits:
        return torch.log_softmax(y_pred, dim=axis)
    probs = y_pred / y_pred.sum(dim=axis, keepdim=True)
    return torch.log(clip_probabilities(probs))


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Categorical cross-entropy: `-sum(y_true * log(p), axis)`.

    Probabilities are renormalized to sum to 1 along `axis` and clipped to
    `[epsilon, 1 - epsilon]`; logits go through a log-softmax.

    Args:
        y_true: one-hot (or soft) targets, same shape as `y_pred`.
        y_pred: probabilities, or logits when `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets become `t * (1 - s) + s / classes`.
        axis: the class axis.

    Returns:
        Per-sample losses (`y_pred`'s shape without `axis`).

    Raises:
        ValueError: when the shapes differ or `axis` is a bool.
    """
    check_axis(axis)
    y_true, y_pred = prepare(y_true, y_pred)
    check_same_shape(y_true, y_pred)
    if y_pred.dim() < 1:
        raise ValueError("`y_pred` must have at least one axis. Received: a scalar")
    y_true = smooth_categorical(y_true, label_smoothing)
    return -(y_true * _log_probs(y_pred, from_logits, axis)).sum(dim=axis)


def _sparse_labels(y_true: Any, y_pred: torch.Tensor, axis: int) -> torch.Tensor:
    """Integer labels of `y_pred`'s shape without the class axis, checked."""
    y_true = as_tensor(y_true, device=y_pred.device)
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    expected = list(y_pred.shape)
    del expected[axis]
    if list(y_true.shape) != expected:
        raise ValueError(
            "`y_true` must have the shape of `y_pred` without its class axis "
            f"(axis={axis}). Received: y_true.shape={shape_str(y_true.shape)}, "
            f"y_pred.shape={shape_str(y_pred.shape)}"
        )
    return y_true


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> torch.Tensor:
    """Cross-entropy of integer labels: `-log(p[label])`.

    Args:
        y_true: integer class labels, `y_pred`'s shape without the class axis
            (a trailing axis of size 1 is accepted).
        y_pred: probabilities, or logits when `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label whose entries get loss 0 and are masked out of
            the mean (e.g. padding in segmentation maps).
        axis: the class axis.

    Returns:
        Per-sample losses (`y_pred`'s shape without `axis`).

    Raises:
        ValueError: when the label shape does not match `y_pred`.
    """
    check_axis(axis)
    y_pred = float_predictions(y_pred)
    labels = _sparse_labels(y_true, y_pred, axis)
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = torch.where(valid, labels, torch.zeros_like(labels))
    res = -_pick(_log_probs(y_pred, from_logits, axis), labels, axis)
    if valid is None:
        return res
    return set_mask(torch.where(valid, res, torch.zeros_like(res)), valid)


def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Categorical focal cross-entropy: `-sum(alpha * (1 - p)**gamma * t * log(p), axis)`.

    Args:
        y_true: one-hot (or soft) targets.
        y_pred: probabilities, or logits when `from_logits=True`.
        alpha: weighting factor.
        gamma: focusing parameter; down-weights well-classified examples.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1].
        axis: the class axis.

    Returns:
        Per-sample losses.
    """
    check_axis(axis)
    y_true, y_pred = broadcast_inputs(y_true, y_pred)
    y_true = smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = torch.softmax(y_pred, dim=axis)
    output = clip_probabilities(y_pred / y_pred.sum(dim=axis, keepdim=True))
    cce = -y_true * torch.log(output)
    weight = torch.pow(1.0 - output, gamma) * alpha
    return (weight * cce).sum(dim=axis)


def categorical_generalized_cross_entropy(
    y_true: Any, y_pred: Any, q: float
) -> torch.Tensor:
    """Generalized cross-entropy of integer labels: `(1 - p[label] ** q) / q`.

    Robust to noisy labels; `q -> 0` approaches cross-entropy, `q = 1` is
    the mean absolute error.

    Args:
        y_true: integer class labels, shape `(batch,)`.
        y_pred: probabilities, shape `(batch, classes)`.
        q: in (0, 1).

    Returns:
        Per-sample losses.
    """
    y_pred = float_predictions(y_pred)
    labels = _sparse_labels(y_true, y_pred, -1)
    p = _pick(y_pred, labels, -1)
    return (1.0 - torch.pow(p, q)) / q


def _pick(values: torch.Tensor, labels: torch.Tensor, axis: int) -> torch.Tensor:
    """`values[..., label, ...]` along `axis`; a label out of range is named.

    The range check costs nothing on the good path: torch refuses the index,
    and only then are the labels read to say which one is wrong.
    """
    index = labels.long().unsqueeze(axis)
    try:
        return values.gather(axis, index).squeeze(axis)
    except (RuntimeError, IndexError) as err:
        classes = values.shape[axis]
        bad = labels[(labels < 0) | (labels >= classes)]
        if bad.numel() == 0:
            raise
        raise ValueError(
            f"Received a label value of {int(bad.flatten()[0])} which is outside the "
            f"valid range of [0, {classes}): `y_pred` has {classes} classes. Sparse "
            "labels (`y_true`) are integer class indices from 0 to num_classes - 1. "
            "Check the labels, or give the output layer as many units as there "
            "are classes."
        ) from err
