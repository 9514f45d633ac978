"""One rate read at the threshold where another rate reaches a target.

`PrecisionAtRecall`, `RecallAtPrecision`, `SensitivityAtSpecificity` and
`SpecificityAtSensitivity` count true/false positives/negatives at
`num_thresholds` thresholds spread evenly over [0, 1] (the counting of
`Precision` and `AUC`), then return the best value of one rate among the
thresholds where the other rate is at least the target, or 0 if none is.
"""

from __future__ import annotations

import numbers
from typing import Any

import torch

from lamina.metrics._utils import divide_no_nan
from lamina.metrics.confusion_metrics import _NAMES as _STATE
from lamina.metrics.confusion_metrics import _ThresholdedMetric


def _even_thresholds(num_thresholds: Any) -> list[float]:
    """`[0, 1/(n-1), ..., 1]`, or `[0.5]` for one threshold; checks `num_thresholds`."""
    if isinstance(num_thresholds, bool) or not isinstance(
        num_thresholds, numbers.Integral
    ):
        raise TypeError(
            "Argument `num_thresholds` must be an integer > 0. "
            f"Received: num_thresholds={num_thresholds!r}"
        )
    if num_thresholds <= 0:
        raise ValueError(
            "Argument `num_thresholds` must be an integer > 0. "
            f"Received: num_thresholds={num_thresholds}"
        )
    if num_thresholds == 1:
        return [0.5]
    num_thresholds = int(num_thresholds)
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0, *inner, 1.0]


def _check_target(arg: str, value: Any) -> Any:
    """Returns `value` as given (it goes into the config) once checked to lie in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Argument `{arg}` must be a number in the range [0, 1]. "
            f"Received: {arg}={value!r}"
        )
    if float(value) < 0 or float(value) > 1:
        raise ValueError(
            f"Argument `{arg}` must be in the range [0, 1]. Received: {arg}={value}"
        )
    return value


class _RateAtRate(_ThresholdedMetric):
    """Counts all four cells at even thresholds; `result` maximises under a constraint.

    Subclasses name the target argument (`_target`), the rate the target
    constrains (`_constrained`) and the rate returned (`_dependent`).
    """

    _counts = ("tp", "fp", "tn", "fn")
    _target = ""
    _constrained = ""
    _dependent = ""
    true_positives: torch.Tensor
    false_positives: torch.Tensor
    true_negatives: torch.Tensor
    false_negatives: torch.Tensor

    def __init__(
        self,
        value: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        value = _check_target(self._target, value)
        thresholds = _even_thresholds(num_thresholds)
        super().__init__(thresholds, 0.5, name, dtype)
        # Keras counts [0, 1] (two thresholds) by buckets too; 0.5 alone by comparison.
        self._evenly = len(thresholds) > 1
        setattr(self, self._target, value)
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        self._direction = "up"  # Keras's hint that larger values are better
        for key in self._counts:
            # float32 whatever `dtype` says, as in Keras
            variable = self.add_variable(
                (len(thresholds),), dtype="float32", name=_STATE[key]
            )
            setattr(self, _STATE[key], variable)

    def _rates(self) -> dict[str, torch.Tensor]:
        """Recall (= sensitivity), precision and specificity at every threshold."""
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        return {
            "recall": divide_no_nan(tp, tp + fn),
            "precision": divide_no_nan(tp, tp + fp),
            "specificity": divide_no_nan(tn, tn + fp),
        }

    def result(self) -> torch.Tensor:
        """Returns the largest dependent rate where the constrained rate >= target."""
        rates = self._rates()
        feasible = rates[self._constrained] >= self.value
        dependent = rates[self._dependent]
        return torch.where(feasible, dependent, torch.zeros_like(dependent)).max()

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            "name": self.name,
            "dtype": self.dtype,
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._target: self.value,
        }


class PrecisionAtRecall(_RateAtRate):
    """Best precision among the thresholds where recall is at least `recall`.

    Recall is `tp / (tp + fn)`, precision `tp / (tp + fp)`; a prediction is
    positive when it is above the threshold. Returns 0 when no threshold
    reaches the recall.

    Args:
        recall: the target recall, in [0, 1].
        num_thresholds: number of thresholds, evenly spaced over [0, 1]
            (one threshold means 0.5).
        class_id: compute the metric on this column of `(batch, classes)`
            inputs only.
        name: name of the metric (default `"precision_at_recall"`, made unique).
        dtype: dtype of the state and result.

    Raises:
        ValueError: when `recall` is outside [0, 1] or `num_thresholds` < 1.

    Example:
    >>> from lamina.metrics import PrecisionAtRecall
    >>> m = PrecisionAtRecall(0.5)
    >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.5
    """

    _target = "recall"
    _constrained = "recall"
    _dependent = "precision"

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_RateAtRate):
    """Best recall among the thresholds where precision is at least `precision`.

    Returns 0 when no threshold reaches the precision.

    Args:
        precision: the target precision, in [0, 1].
        num_thresholds: number of thresholds, evenly spaced over [0, 1]
            (one threshold means 0.5).
        class_id: compute the metric on this column of `(batch, classes)`
            inputs only.
        name: name of the metric (default `"recall_at_precision"`, made unique).
        dtype: dtype of the state and result.

    Raises:
        ValueError: when `precision` is outside [0, 1] or `num_thresholds` < 1.

    Example:
    >>> from lamina.metrics import RecallAtPrecision
    >>> m = RecallAtPrecision(0.8)
    >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
    0.5
    """

    _target = "precision"
    _constrained = "precision"
    _dependent = "recall"

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(precision, num_thresholds, class_id, name, dtype)


class SensitivityAtSpecificity(_RateAtRate):
    """Best sensitivity among the thresholds where specificity is at least `specificity`.

    Sensitivity is `tp / (tp + fn)`, specificity `tn / (tn + fp)`. Returns 0
    when no threshold reaches the specificity.

    Args:
        specificity: the target specificity, in [0, 1].
        num_thresholds: number of thresholds, evenly spaced over [0, 1]
            (one threshold means 0.5).
        class_id: compute the metric on this column of `(batch, classes)`
            inputs only.
        name: name of the metric (default `"sensitivity_at_specificity"`,
            made unique).
        dtype: dtype of the state and result.

    Raises:
        ValueError: when `specificity` is outside [0, 1] or
            `num_thresholds` < 1.

    Example:
    >>> from lamina.metrics import SensitivityAtSpecificity
    >>> m = SensitivityAtSpecificity(0.5)
    >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
    0.5
    """

    _target = "specificity"
    _constrained = "specificity"
    _dependent = "recall"

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_RateAtRate):
    """Best specificity among the thresholds where sensitivity is at least `sensitivity`.

    Returns 0 when no threshold reaches the sensitivity.

    Args:
        sensitivity: the target sensitivity, in [0, 1].
        num_thresholds: number of thresholds, evenly spaced over [0, 1]
            (one threshold means 0.5).
        class_id: compute the metric on this column of `(batch, classes)`
            inputs only.
        name: name of the metric (default `"specificity_at_sensitivity"`,
            made unique).
        dtype: dtype of the state and result.

    Raises:
        ValueError: when `sensitivity` is outside [0, 1] or
            `num_thresholds` < 1.

    Example:
    >>> from lamina.metrics import SpecificityAtSensitivity
    >>> m = SpecificityAtSensitivity(0.5)
    >>> round(float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])), 6)
    0.666667
    """

    _target = "sensitivity"
    _constrained = "recall"
    _dependent = "specificity"

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
