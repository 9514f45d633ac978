"""Confusion-matrix metrics: true/false positives/negatives, `Precision`, `Recall`."""

from __future__ import annotations

from typing import Any

import torch

from lamina.metrics._confusion import (
    NEG_INF,
    bucket_counts,
    confusion_counts,
    evenly_distributed,
    parse_thresholds,
    prepare_inputs,
)
from lamina.metrics._utils import as_tensor, divide_no_nan
from lamina.metrics.metric import Metric


class _ThresholdedMetric(Metric):
    """Counts confusion-matrix cells at one or several thresholds."""

    _counts: tuple[str, ...] = ()

    def __init__(
        self, thresholds: Any, default: float, name: str | None, dtype: Any
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, default)
        self._thresholds_tensor = torch.tensor(self.thresholds, dtype=torch.float32)
        self._evenly = evenly_distributed(self.thresholds)
        self.top_k: int | None = None
        self.class_id: int | None = None

    def to_device(self, device: Any) -> None:
        """Moves the counts and the thresholds to `device`."""
        super().to_device(device)
        self._thresholds_tensor = self._thresholds_tensor.to(device)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's weighted counts at every threshold.

        Predictions are cast to the state's dtype first, as Keras casts them:
        counts summed in bfloat16 would lose whole samples.
        """
        y_pred = as_tensor(y_pred, self._variables[0].dtype)
        labels, y_pred, weights = prepare_inputs(
            y_true, y_pred, sample_weight, self.top_k, self.class_id
        )
        if self._evenly:
            tp, fp, tn, fn = bucket_counts(
                labels, y_pred, weights, len(self.thresholds), False
            )
            counts = {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
        else:
            counts = confusion_counts(
                labels, y_pred, self._thresholds_tensor, weights, self._counts
            )
        for key in self._counts:
            getattr(self, _NAMES[key]).add_(counts[key])

    def _squeeze(self, value: torch.Tensor) -> torch.Tensor:
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {**super().get_config(), "thresholds": self.init_thresholds}


_NAMES = {
    "tp": "true_positives",
    "fp": "false_positives",
    "tn": "true_negatives",
    "fn": "false_negatives",
}


class _ConditionCount(_ThresholdedMetric):
    """Sums the weights of one confusion-matrix cell."""

    _key = "tp"

    def __init__(
        self, thresholds: Any = None, name: str | None = None, dtype: Any = None
    ) -> None:
        super().__init__(thresholds, 0.5, name, dtype)
        self._counts = (self._key,)
        self.accumulator = self.add_variable(
            (len(self.thresholds),), name="accumulator"
        )
        setattr(self, _NAMES[self._key], self.accumulator)

    def result(self) -> torch.Tensor:
        """Returns the count (one per threshold when several are given)."""
        return self._squeeze(self.accumulator).clone()


class TruePositives(_ConditionCount):
    """Weighted count of positive labels predicted above the threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5); a
            prediction is positive when it is above the threshold.
        name: name of the metric (default `"true_positives"`, made unique).
        dtype: dtype of the state and result.
    """

    _key = "tp"


class FalsePositives(_ConditionCount):
    """Weighted count of negative labels predicted above the threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5).
        name: name of the metric (default `"false_positives"`, made unique).
        dtype: dtype of the state and result.
    """

    _key = "fp"


class TrueNegatives(_ConditionCount):
    """Weighted count of negative labels predicted at or below the threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5).
        name: name of the metric (default `"true_negatives"`, made unique).
        dtype: dtype of the state and result.
    """

    _key = "tn"


class FalseNegatives(_ConditionCount):
    """Weighted count of positive labels predicted at or below the threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5).
        name: name of the metric (default `"false_negatives"`, made unique).
        dtype: dtype of the state and result.
    """

    _key = "fn"


class _PrecisionRecall(_ThresholdedMetric):
    """Shared constructor of `Precision` and `Recall`."""

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        default = 0.5 if top_k is None else NEG_INF
        super().__init__(thresholds, default, name, dtype)
        self.top_k = top_k
        self.class_id = class_id
        for key in self._counts:
            setattr(
                self,
                _NAMES[key],
                self.add_variable((len(self.thresholds),), name=_NAMES[key]),
            )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}

    def result(self) -> torch.Tensor:
        """Returns `tp / (tp + x)`, `x` the second count (one per threshold)."""
        other = getattr(self, _NAMES[self._counts[1]])
        value = divide_no_nan(self.true_positives, self.true_positives + other)
        return self._squeeze(value)


class Precision(_PrecisionRecall):
    """Fraction of positive predictions that are right: `tp / (tp + fp)`.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5, or
            none at all with `top_k`).
        top_k: only the `k` highest predictions of each sample count as
            positive.
        class_id: compute the metric for this class only.
        name: name of the metric (default `"precision"`, made unique).
        dtype: dtype of the state and result.

    Example:
    >>> from lamina.metrics import Precision
    >>> float(Precision()([0, 1, 1, 1], [1, 0, 1, 1]))
    0.6666666865348816
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    _counts = ("tp", "fp")


class Recall(_PrecisionRecall):
    """Fraction of positive labels that are found: `tp / (tp + fn)`.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5, or
            none at all with `top_k`).
        top_k: only the `k` highest predictions of each sample count as
            positive.
        class_id: compute the metric for this class only.
        name: name of the metric (default `"recall"`, made unique).
        dtype: dtype of the state and result.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    _counts = ("tp", "fn")
