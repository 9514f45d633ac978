"""Binary cross-entropy losses, plain and focal."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.losses._common import (
    check_same_shape,
    clip_probabilities,
    prepare,
    smooth_binary,
)
from lamina.losses.loss import LossFunctionWrapper

_SOBS = "sum_over_batch_size"


def _binary_inputs(
    y_true: Any, y_pred: Any, label_smoothing: float
) -> tuple[torch.Tensor, torch.Tensor]:
    y_true, y_pred = prepare(y_true, y_pred)
    check_same_shape(y_true, y_pred)
    return smooth_binary(y_true, label_smoothing), y_pred


def _elementwise_bce(
    y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool
) -> torch.Tensor:
    """Element-wise binary cross-entropy, probabilities clipped to [eps, 1 - eps]."""
    if from_logits:
        return F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    p = clip_probabilities(y_pred)
    return -(y_true * torch.log(p) + (1.0 - y_true) * torch.log1p(-p))


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary cross-entropy, averaged over `axis`.

    `-(t * log(p) + (1 - t) * log(1 - p))` with `p` clipped to
    `[epsilon, 1 - epsilon]` (or computed from logits stably).

    Args:
        y_true: targets in [0, 1], same shape as `y_pred`.
        y_pred: probabilities, or logits when `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets become `t * (1 - s) + 0.5 * s`.
        axis: the axis averaged over.

    Returns:
        Per-sample losses.

    Raises:
        ValueError: when the shapes of `y_true` and `y_pred` differ.
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred, label_smoothing)
    return _elementwise_bce(y_true, y_pred, from_logits).mean(dim=axis)


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary focal cross-entropy, averaged over `axis`.

    The cross-entropy times `(1 - p_t) ** gamma`, with
    `p_t = t * p + (1 - t) * (1 - p)`, down-weighting easy examples; with
    class balancing, also times `t * alpha + (1 - t) * (1 - alpha)`.

    Args:
        y_true: targets in [0, 1], same shape as `y_pred`.
        y_pred: probabilities, or logits when `from_logits=True`.
        apply_class_balancing: whether to weight classes by `alpha`.
        alpha: weight of the positive class when balancing.
        gamma: focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets become `t * (1 - s) + 0.5 * s`.
        axis: the axis averaged over.

    Returns:
        Per-sample losses.

    Raises:
        ValueError: when the shapes of `y_true` and `y_pred` differ.
    """
    y_true, y_pred = _binary_inputs(y_true, y_pred, label_smoothing)
    if from_logits:
        y_pred = torch.sigmoid(y_pred)
    bce = _elementwise_bce(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = torch.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return focal.mean(dim=axis)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy; see `binary_crossentropy`.

    Args:
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1].
        axis: the axis averaged over.
        reduction: see `Loss`.
        name: defaults to `"binary_crossentropy"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SOBS,
        name: str | None = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy; see `binary_focal_crossentropy`.

    Args:
        apply_class_balancing: whether to weight classes by `alpha`.
        alpha: weight of the positive class when balancing.
        gamma: focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1].
        axis: the axis averaged over.
        reduction: see `Loss`.
        name: defaults to `"binary_focal_crossentropy"`.
        dtype: see `Loss`.
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SOBS,
        name: str | None = "binary_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
