"""F-scores: `FBetaScore` and `F1Score`, per class or averaged."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import epsilon
from lamina.metrics._utils import as_tensor
from lamina.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")
_STATE = (
    "true_positives",
    "false_positives",
    "false_negatives",
    "intermediate_weights",
)


def _check_arguments(average: Any, beta: Any, threshold: Any) -> None:
    if average not in _AVERAGES:
        raise ValueError(
            "Invalid `average` argument value. Expected one of: "
            "{None, 'micro', 'macro', 'weighted'}. "
            f"Received: average={average}"
        )
    if not isinstance(beta, float):
        raise ValueError(
            "Invalid `beta` argument value. It should be a Python float. "
            f"Received: beta={beta} of type '{type(beta)}'"
        )
    if beta <= 0.0:
        raise ValueError(
            f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
        )
    if threshold is None:
        return
    if not isinstance(threshold, float):
        raise ValueError(
            "Invalid `threshold` argument value. It should be a Python float. "
            f"Received: threshold={threshold} of type '{type(threshold)}'"
        )
    if threshold > 1.0 or threshold <= 0.0:
        raise ValueError(
            "Invalid `threshold` argument value. It should verify "
            f"0 < threshold <= 1. Received: threshold={threshold}"
        )


class FBetaScore(Metric):
    """F-beta score, the weighted harmonic mean of precision and recall.

    `f = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)`,
    from true/false positives and false negatives counted per class (or over
    all classes with `average="micro"`). Inputs are 2D,
    `(batch_size, num_classes)`, for multi-class or multi-label tasks; the
    state is created on the first update, from the number of classes.

    Args:
        average: `None` (one score per class), `"micro"` (one score from the
            counts of all classes), `"macro"` (the mean of the per-class
            scores) or `"weighted"` (their mean weighted by each class's
            number of true labels).
        beta: weight of recall against precision, a float > 0 (default 1.0).
        threshold: a float in (0, 1]: predictions above it are positive. With
            `None` (the default), each row's largest prediction is positive
            (ties too, zeros never).
        name: name of the metric (default `"fbeta_score"`).
        dtype: dtype of the state and result.

    Raises:
        ValueError: for an unknown `average`, a `beta` or `threshold` that is
            not a float in range, and (on update) inputs that are not 2D.

    Example:
    >>> import numpy as np
    >>> from lamina.metrics import FBetaScore
    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> y_true = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]])
    >>> y_pred = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m.update_state(y_true, y_pred)
    >>> np.round(m.result().numpy(), 4)
    array([0.3846, 0.9091, 0.8333], dtype=float32)
    """

    # Created by `_build` on the first update: shape (num_classes,), or () for "micro".
    true_positives: torch.Tensor
    false_positives: torch.Tensor
    false_negatives: torch.Tensor
    intermediate_weights: torch.Tensor  # the weighted count of true labels

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        _check_arguments(average, beta, threshold)
        self._direction = "up"  # Keras's hint that larger values are better
        self.average = average
        self.beta = beta
        self.threshold = threshold
        # Counts are summed over the batch only (per class) unless "micro".
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape: torch.Size, y_pred_shape: torch.Size) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape "
                "(batch_size, output_dim). Received input shapes: "
                f"y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}. Give the labels the shape "
                "of the predictions: with one output per sample, labels of shape "
                "(batch_size,) become (batch_size, 1) with `y.reshape(-1, 1)`."
            )
        self._num_classes = y_pred_shape[-1]
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in _STATE:
            setattr(self, name, self.add_variable(shape, name=name))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's weighted true/false positives and false negatives.

        Args:
            y_true: 0/1 labels, `(batch_size, num_classes)`.
            y_pred: scores, `(batch_size, num_classes)`.
            sample_weight: optional weights, one per sample.
        """
        y_pred = as_tensor(y_pred, self.dtype)
        y_true = as_tensor(y_true, self.dtype, y_pred.device)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        elif y_pred.dim() != 2 or y_pred.shape[-1] != self._num_classes:
            raise ValueError(
                f"{type(self).__name__} was built for {self._num_classes} classes "
                "by its first update; this batch has predictions of shape "
                f"{tuple(y_pred.shape)}. `reset_state()` keeps the number of "
                "classes: make a new metric for a different one."
            )
        if self.threshold is None:
            top = y_pred.amax(dim=-1, keepdim=True)
            positive = (y_pred >= top) & (y_pred.abs() > 1e-9)
        else:
            positive = y_pred > self.threshold
        y_pred = positive.to(y_true.dtype)
        weights = None
        if sample_weight is not None:
            weights = as_tensor(sample_weight, self.dtype, y_pred.device)
            if weights.dim() == 1:  # one weight per sample, across the classes
                weights = weights.unsqueeze(1)

        def weighted_sum(value: torch.Tensor) -> torch.Tensor:
            if weights is not None:
                value = value * weights
            return value.sum() if self.axis is None else value.sum(dim=self.axis)

        self.true_positives.add_(weighted_sum(y_pred * y_true))
        self.false_positives.add_(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.add_(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.add_(weighted_sum(y_true))

    def result(self) -> torch.Tensor:
        """Returns the score per class (`average=None`) or averaged.

        Before the first update there are no classes yet: the result is 0.
        """
        if not self._built:
            return torch.zeros((), dtype=torch.float32)
        eps = epsilon()
        tp = self.true_positives
        precision = tp / (tp + self.false_positives + eps)
        recall = tp / (tp + self.false_negatives + eps)
        b2 = self.beta**2
        score = precision * recall / (b2 * precision + recall + eps) * (1 + b2)
        if self.average == "weighted":
            support = self.intermediate_weights
            return (score * (support / (support.sum() + eps))).sum()
        if self.average is not None:  # "micro" (already 0-d) or "macro"
            return score.mean()
        return score

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """F1 score, the harmonic mean of precision and recall (`FBetaScore`, beta 1).

    `f1 = 2 * precision * recall / (precision + recall)`.

    Args:
        average: `None`, `"micro"`, `"macro"` or `"weighted"`, as for
            `FBetaScore`.
        threshold: a float in (0, 1], or `None` for each row's largest
            prediction.
        name: name of the metric (default `"f1_score"`).
        dtype: dtype of the state and result.

    Example:
    >>> import numpy as np
    >>> from lamina.metrics import F1Score
    >>> m = F1Score(threshold=0.5)
    >>> y_true = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]])
    >>> y_pred = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m.update_state(y_true, y_pred)
    >>> np.round(m.result().numpy(), 4)
    array([0.5   , 0.8   , 0.6667], dtype=float32)
    """

    def __init__(
        self,
        average: str | None = None,
        threshold: float | None = None,
        name: str = "f1_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        config = super().get_config()
        del config["beta"]
        return config
