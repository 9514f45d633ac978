"""`resolve_metric`: what `compile(metrics=[...])` makes of one entry, for one output."""

from __future__ import annotations

import inspect
from typing import Any

from lamina.metrics._serialization import get
from lamina.metrics._utils import to_snake_case
from lamina.metrics.accuracy_metrics import (
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
)
from lamina.metrics.metric import Metric
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _shape(x: Any) -> tuple:
    return tuple(getattr(x, "shape", ()) or ())


def _accuracy_class(y_true: Any, y_pred: Any) -> type:
    """Keras 3's choice for `"accuracy"`, from the shapes of labels and predictions.

    One prediction per sample (last axis 1) means binary accuracy; labels with
    fewer axes than the predictions, or a last axis of 1, mean integer labels;
    anything else means one-hot labels.
    """
    pred_shape = _shape(y_pred)
    true_shape = _shape(y_true) if y_true is not None else pred_shape
    if pred_shape and pred_shape[-1] == 1:
        return BinaryAccuracy
    if len(true_shape) < len(pred_shape) or (true_shape and true_shape[-1] == 1):
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def _callable_name(fn: Any) -> str:
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return to_snake_case(name)


def resolve_metric(
    identifier: Any, y_true: Any, y_pred: Any, loss: Any = None
) -> Metric:
    """Turns one `compile(metrics=...)` entry into a `Metric`, as Keras 3 does.

    - `"accuracy"` / `"acc"`: binary, sparse categorical or categorical
      accuracy, chosen from the shapes of `y_true` and `y_pred`, logged under
      the string given.
    - other strings (`"mae"`, `"AUC"`, `"precision"`): the metric of that
      name, logged under the string given (`"mae"`, not
      `"mean_absolute_error"`).
    - `Metric` instances: used as they are; `Metric` classes: instantiated.
    - other callables: wrapped in `MeanMetricWrapper`, named after the
      function (snake case; a lambda is named `"lambda"`).

    Args:
        identifier: the entry given to `compile`.
        y_true: a batch of labels (only shapes are read).
        y_pred: a batch of predictions (only shapes are read).
        loss: the output's loss; accepted for compatibility, Keras 3 does not
            use it to choose the accuracy.

    Returns:
        A `Metric`.

    Raises:
        ValueError: for an unknown name.
    """
    del loss
    if isinstance(identifier, Metric):
        return identifier
    if identifier in ("accuracy", "acc"):
        return _accuracy_class(y_true, y_pred)(name=identifier)
    if isinstance(identifier, str):
        metric = get(identifier)
        if isinstance(metric, Metric):
            metric.name = identifier
            return metric
        return MeanMetricWrapper(metric, name=identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, dict):
        identifier = get(identifier)
        if isinstance(identifier, Metric):
            return identifier
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=_callable_name(identifier))
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
