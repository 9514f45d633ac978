"""Loss classes of the categorical cross-entropies."""

from __future__ import annotations

from typing import Any

from lamina.losses.categorical import (
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.loss import LossFunctionWrapper, loss_init

_SOBS = "sum_over_batch_size"


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy of one-hot targets; see `categorical_crossentropy`.

    Args:
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1].
        axis: the class axis.
        reduction: see `Loss`.
        name: defaults to `"categorical_crossentropy"`.
        dtype: see `Loss`.
    """

    __init__ = loss_init(
        categorical_crossentropy,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=_SOBS,
        name="categorical_crossentropy",
        dtype=None,
    )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels; see `sparse_categorical_crossentropy`.

    Args:
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label to leave out of the loss and of the mean.
        reduction: see `Loss`.
        axis: the class axis.
        name: defaults to `"sparse_categorical_crossentropy"`.
        dtype: see `Loss`.
    """

    __init__ = loss_init(
        sparse_categorical_crossentropy,
        from_logits=False,
        ignore_class=None,
        reduction=_SOBS,
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    )


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy; see `categorical_focal_crossentropy`.

    Args:
        alpha: weighting factor.
        gamma: focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1].
        axis: the class axis.
        reduction: see `Loss`.
        name: defaults to `"categorical_focal_crossentropy"`.
        dtype: see `Loss`.
    """

    __init__ = loss_init(
        categorical_focal_crossentropy,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=_SOBS,
        name="categorical_focal_crossentropy",
        dtype=None,
    )


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy, robust to noisy labels.

    See `categorical_generalized_cross_entropy`.

    Args:
        q: in (0, 1); near 0 behaves like cross-entropy, 1 like MAE.
        reduction: see `Loss`.
        name: defaults to `"categorical_generalized_cross_entropy"`.
        dtype: see `Loss`.

    Raises:
        ValueError: when `q` is not in (0, 1).
    """

    def __init__(
        self,
        q: float = 0.5,
        reduction: str | None = _SOBS,
        name: str = "categorical_generalized_cross_entropy",
        dtype: Any = None,
    ) -> None:
        if not 0 < q < 1:
            raise ValueError(f"`q` must be in the interval (0, 1). Received: q={q}")
        super().__init__(
            categorical_generalized_cross_entropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            q=q,
        )
        self.q = q
