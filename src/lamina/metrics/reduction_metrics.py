"""`Mean`, `Sum` and `MeanMetricWrapper`: metrics that reduce values over batches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from lamina._naming import auto_name
from lamina.metrics._utils import (
    as_tensor,
    divide_no_nan,
    squeeze_or_expand_to_same_rank,
)
from lamina.metrics.metric import Metric


def _reduce(
    values: torch.Tensor, start: int, reduce_fn: Callable[..., torch.Tensor]
) -> torch.Tensor:
    if values.dim() > start:
        return reduce_fn(values, dim=tuple(range(start, values.dim())))
    return values


def reduce_to_samplewise_values(
    values: torch.Tensor,
    sample_weight: Any,
    reduce_fn: Callable[..., torch.Tensor],
    dtype: str,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Weights `values` and reduces them (and the weights) to one entry per sample.

    Values with more axes than the weights are first reduced over the extra
    axes; the weights are broadcast to the values and multiplied in.

    Returns:
        `(values, sample_weight)`, both of shape `(batch,)` (or scalars).
    """
    mask = getattr(values, "_keras_mask", None)
    values = as_tensor(values, dtype)
    if sample_weight is not None:
        weight = as_tensor(sample_weight, dtype, values.device)
        if mask is not None:  # entries masked out by the metric function weigh 0
            weight, mask = squeeze_or_expand_to_same_rank(weight, mask.to(weight.dtype))
            weight = weight * mask
        values, weight = squeeze_or_expand_to_same_rank(values, weight)
        weight_ndim = weight.dim()
        values = _reduce(values, weight_ndim, reduce_fn)
        weight = weight.expand(values.shape)
        values = values * weight
        sample_weight = _reduce(weight, 1, reduce_fn) if weight_ndim > 1 else weight
    return _reduce(values, 1, reduce_fn), sample_weight


class Sum(Metric):
    """Computes the (weighted) sum of the given values.

    Args:
        name: name of the metric (default `"sum"`).
        dtype: dtype of the state and result.

    Example:
    >>> from lamina.metrics import Sum
    >>> float(Sum()([1.0, 3.0, 5.0]))
    9.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Adds the (weighted) sum of `values` to the total."""
        values, _ = reduce_to_samplewise_values(
            values, sample_weight, torch.sum, self.dtype
        )
        self.total.add_(values.sum())

    def result(self) -> torch.Tensor:
        """Returns the total."""
        return self.total.clone()


class Mean(Metric):
    """Computes the (weighted) mean of the given values.

    `result = sum(values * sample_weight) / sum(sample_weight)`, over every
    batch seen since the last `reset_state`.

    Args:
        name: name of the metric (default `"mean"`).
        dtype: dtype of the state and result.

    Example:
    >>> from lamina.metrics import Mean
    >>> float(Mean()([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0]))
    2.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Adds the batch's weighted sum and weight (or sample count)."""
        values, weight = reduce_to_samplewise_values(
            values, sample_weight, torch.mean, self.dtype
        )
        self.total.add_(values.sum())
        if weight is not None:
            self.count.add_(weight.sum())
        else:
            self.count.add_(values.shape[0] if values.dim() >= 1 else 1)

    def result(self) -> torch.Tensor:
        """Returns `total / count`, or 0 before any update."""
        return divide_no_nan(self.total, self.count)


class MeanMetricWrapper(Mean):
    """Wraps a function `fn(y_true, y_pred, **kwargs)` into a stateful mean metric.

    Each update computes the per-sample values of `fn` and averages them,
    weighted by `sample_weight`, over every batch.

    Args:
        fn: the metric function, returning one value per sample (or per
            element).
        name: name of the metric; defaults to `"mean_metric_wrapper"`, made
            unique.
        dtype: dtype of the state and result.
        **kwargs: keyword arguments passed to `fn`.

    Example:
    >>> import torch
    >>> from lamina.metrics import MeanMetricWrapper, mean_absolute_error
    >>> m = MeanMetricWrapper(mean_absolute_error)
    >>> float(m(torch.zeros(2, 2), torch.ones(2, 2)))
    1.0
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if name is None:
            name = auto_name(type(self).__name__)
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Computes `fn(y_true, y_pred)` and adds it to the mean."""
        y_pred = as_tensor(y_pred)
        y_true = as_tensor(y_true, device=y_pred.device)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        mask = getattr(y_pred, "_keras_mask", None)
        if mask is not None:  # masked predictions (e.g. padded timesteps) weigh 0
            mask = mask.to(values.dtype)
            if sample_weight is not None:
                weight = as_tensor(sample_weight, values.dtype, values.device)
                weight, mask = squeeze_or_expand_to_same_rank(weight, mask)
                mask = weight * mask
            sample_weight = mask
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments (and `fn` for a plain wrapper)."""
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            # Cycle: _serialization imports every metric module, this one among them.
            from lamina.metrics._serialization import serialize

            config["fn"] = serialize(self._fn)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """Builds the metric; a plain wrapper also rebuilds its function."""
        config = dict(config)
        if cls is MeanMetricWrapper and "fn" in config:
            # Cycle: _serialization imports every metric module, this one among them.
            from lamina.metrics._serialization import deserialize

            config["fn"] = deserialize(config["fn"])
        return cls(**config)
