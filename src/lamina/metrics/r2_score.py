"""`R2Score`, the coefficient of determination."""

from __future__ import annotations

from typing import Any

import torch

from lamina.metrics._utils import as_tensor, squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """Coefficient of determination, `1 - SS_res / SS_tot`, per output then aggregated.

    Inputs are 2D, `(batch_size, num_outputs)`. With `num_regressors > 0`
    the adjusted score `1 - (1 - R2) * (n - 1) / (n - p - 1)` is returned,
    where `n` counts every label entry seen; when `n - 1 <= p` it falls back
    to the plain score.

    Args:
        class_aggregation: `"uniform_average"` (mean over outputs),
            `"variance_weighted_average"` (weighted by each output's
            variance), or `None` (one score per output).
        num_regressors: number of independent regressors, for the adjusted score.
        name: name of the metric (default `"r2_score"`).
        dtype: dtype of the state and result.
    """

    _direction = "up"  # for callbacks' mode="auto", as Keras

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{_AGGREGATIONS}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(
            (), "zeros", dtype="int64", name="num_samples"
        )
        self._built = False

    def _build(self, y_true_shape: torch.Size, y_pred_shape: torch.Size) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}."
            )
        num_outputs = y_pred_shape[-1]
        self.squared_sum = self.add_variable((num_outputs,), name="squared_sum")
        self.sum = self.add_variable((num_outputs,), name="sum")
        self.total_mse = self.add_variable((num_outputs,), name="residual")
        self.count = self.add_variable((num_outputs,), name="count")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Accumulates sums, squared sums, residuals and weights per output."""
        y_pred = as_tensor(y_pred, self.dtype)
        y_true = as_tensor(y_true, self.dtype, y_pred.device)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if sample_weight is None:
            weight = torch.ones_like(y_true)
        else:
            weight = as_tensor(sample_weight, self.dtype, y_true.device)
            if weight.dim() == 1:
                weight = weight.unsqueeze(1)
            weight = weight.expand(y_true.shape)
        weighted = y_true * weight
        self.sum.add_(weighted.sum(dim=0))
        self.squared_sum.add_((y_true * weighted).sum(dim=0))
        self.total_mse.add_((torch.square(y_true - y_pred) * weight).sum(dim=0))
        self.count.add_(weight.sum(dim=0))
        self.num_samples.add_(y_true.numel())

    def result(self) -> torch.Tensor:
        """Returns the (aggregated, possibly adjusted) R2 score."""
        if not self._built:
            return torch.zeros((), dtype=torch.float32)
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw = 1.0 - self.total_mse / total
        raw = torch.where(torch.isinf(raw), torch.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * raw).sum() / total.sum()
        else:
            score = raw
        if self.num_regressors:
            n = self.num_samples.to(score.dtype)
            p = float(self.num_regressors)
            adjusted = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
            score = torch.where(n - 1.0 > p, adjusted, score)
        return score

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
