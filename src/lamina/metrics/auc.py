"""`AUC`: area under the ROC or precision-recall curve, from thresholded counts."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import epsilon
from lamina.metrics._confusion import (
    bucket_counts,
    confusion_counts,
    evenly_distributed,
    prepare_inputs,
)
from lamina.metrics._utils import as_tensor, divide_no_nan
from lamina.metrics.metric import Metric

_CURVES = ("PR", "ROC", "PRGAIN")
_SUMMATIONS = ("interpolation", "majoring", "minoring")
_STATE = ("true_positives", "false_positives", "true_negatives", "false_negatives")


def _check_options(curve: str, summation_method: str) -> str:
    if not isinstance(curve, str) or curve.upper() not in _CURVES:
        raise ValueError(
            f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
        )
    if curve.upper() == "PRGAIN":
        raise ValueError("`curve='PRGAIN'` is not supported yet. Use 'ROC' or 'PR'.")
    if summation_method not in _SUMMATIONS:
        raise ValueError(
            f'Invalid AUC summation method value: "{summation_method}". Expected values '
            'are ["interpolation", "majoring", "minoring"]'
        )
    return curve.upper()


class AUC(Metric):
    """Approximate area under the ROC or precision-recall curve.

    Predictions are counted against `num_thresholds` thresholds spread
    evenly over [0, 1] (plus `-epsilon` and `1 + epsilon` at the ends); the
    area is a Riemann sum over those points, with Keras's interpolation
    (for PR, the interpolation of Davis & Goadrich, 2006).

    Args:
        num_thresholds: number of thresholds (> 1).
        curve: `"ROC"` or `"PR"`.
        summation_method: `"interpolation"`, `"minoring"` or `"majoring"`.
        name: name of the metric (default `"auc"`, made unique).
        dtype: dtype of the state and result.
        thresholds: explicit thresholds in [0, 1], used instead of
            `num_thresholds`.
        multi_label: treat each column as a separate label (one curve per
            label, averaged) instead of flattening.
        num_labels: number of labels when `multi_label`; else found on the
            first update.
        label_weights: per-label weights, for the average (multi-label) or
            the counts (single-label).
        from_logits: apply a sigmoid to the predictions first.

    Example:
    >>> from lamina.metrics import AUC
    >>> round(float(AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])), 4)
    0.75
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.curve = _check_options(curve, summation_method)
        self.summation_method = summation_method
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            num_thresholds = len(inner) + 2
            self._evenly = evenly_distributed([0.0, *inner, 1.0])
        else:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            inner = [
                (i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)
            ]
            self._evenly = True
        self.num_thresholds = num_thresholds
        self.thresholds = [0.0 - epsilon(), *inner, 1.0 + epsilon()]
        self._thresholds_tensor = torch.tensor(self.thresholds, dtype=torch.float32)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None
        if label_weights is not None:
            self.label_weights = as_tensor(label_weights, self.dtype).reshape(-1)
        self.from_logits = from_logits
        self._built = False
        if not multi_label:
            self._build(None)
        elif num_labels:
            self._build(num_labels)

    def _build(self, num_labels: int | None) -> None:
        shape = (
            (self.num_thresholds,)
            if num_labels is None
            else (self.num_thresholds, num_labels)
        )
        for name in _STATE:
            setattr(self, name, self.add_variable(shape, name=name))
        self.num_labels = num_labels
        self._built = True

    def to_device(self, device: Any) -> None:
        """Moves the counts, thresholds and label weights to `device`."""
        super().to_device(device)
        self._thresholds_tensor = self._thresholds_tensor.to(device)
        if self.label_weights is not None:
            self.label_weights = self.label_weights.to(device)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's weighted confusion counts at every threshold."""
        y_pred = as_tensor(y_pred, self.dtype)
        if not self._built:
            if y_pred.dim() != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 (batch, num_labels) when "
                    f"`multi_label=True`. Received: y_pred.shape={tuple(y_pred.shape)}"
                )
            self._build(y_pred.shape[-1])
        if self.from_logits:
            y_pred = torch.sigmoid(y_pred)
        labels, y_pred, weights = prepare_inputs(y_true, y_pred, sample_weight)
        if self.label_weights is not None and not self.multi_label:
            label_weights = self.label_weights.expand(y_pred.shape)
            weights = label_weights if weights is None else weights * label_weights
        if self._evenly:
            counts = bucket_counts(
                labels, y_pred, weights, self.num_thresholds, True, self.multi_label
            )
        else:
            counts = self._threshold_counts(labels, y_pred, weights)
        for name, value in zip(_STATE, counts, strict=True):
            getattr(self, name).add_(value)

    def _threshold_counts(
        self, labels: torch.Tensor, y_pred: torch.Tensor, weights: torch.Tensor | None
    ) -> tuple[torch.Tensor, ...]:
        """Counts by comparing every prediction with every threshold."""
        if not self.multi_label:
            counts = confusion_counts(labels, y_pred, self._thresholds_tensor, weights)
            return counts["tp"], counts["fp"], counts["tn"], counts["fn"]
        columns = [
            confusion_counts(
                labels[:, j],
                y_pred[:, j],
                self._thresholds_tensor,
                None if weights is None else weights[:, j],
            )
            for j in range(y_pred.shape[1])
        ]
        return tuple(
            torch.stack([c[k] for c in columns], dim=1)
            for k in ("tp", "fp", "tn", "fn")
        )

    def _aggregate(self, terms: torch.Tensor) -> torch.Tensor:
        if not self.multi_label:
            return terms.sum()
        by_label = terms.sum(0)
        if self.label_weights is None:
            return by_label.mean()
        return divide_no_nan(
            (by_label * self.label_weights).sum(), self.label_weights.sum()
        )

    def _interpolate_pr_auc(self) -> torch.Tensor:
        """PR-AUC with the precision interpolated between thresholds (Davis & Goadrich)."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, torch.clamp(dp, min=0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = torch.where(
            both,
            divide_no_nan(p[:-1], torch.clamp(p[1:], min=0)),
            torch.ones_like(p[1:]),
        )
        increment = divide_no_nan(
            slope * (dtp + intercept * torch.log(ratio)),
            torch.clamp(tp[1:] + fn[1:], min=0),
        )
        return self._aggregate(increment)

    def result(self) -> torch.Tensor:
        """Returns the area under the curve."""
        if not self._built:
            return torch.zeros((), dtype=torch.float32)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp = self.true_positives, self.false_positives
        recall = divide_no_nan(tp, tp + self.false_negatives)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + self.true_negatives), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[:-1], y[1:])
        else:
            heights = torch.maximum(y[:-1], y[1:])
        return self._aggregate((x[:-1] - x[1:]) * heights)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        label_weights = (
            None if self.label_weights is None else self.label_weights.tolist()
        )
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
