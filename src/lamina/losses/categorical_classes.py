"""Loss classes of the categorical cross-entropies."""

from __future__ import annotations

from typing import Any

from lamina.losses.categorical import (
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.loss import LossFunctionWrapper

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

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SOBS,
        name: str | None = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
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

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: Any = None,
        reduction: str | None = _SOBS,
        axis: int = -1,
        name: str | None = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis


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

    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _SOBS,
        name: str | None = "categorical_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


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
