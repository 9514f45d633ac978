"""`get`, `serialize` and `deserialize` for metrics, with Keras 3's names and formats."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from lamina import losses
from lamina._identifiers import (
    deserialize_error,
    function_dict,
    get_object,
    lookup,
    object_dict,
    registered_class,
    registered_object,
)
from lamina.metrics._utils import to_snake_case
from lamina.metrics.metric import Metric

_MODULE_NAMES = (
    "accuracy_metrics", "auc", "confusion_metrics", "correlation_metrics",
    "f_score_metrics", "iou_metrics", "probabilistic_metrics", "r2_score",
    "reduction_metrics", "regression_metrics", "threshold_metrics",
)  # fmt: skip
# Loss functions that Keras also exports as metric functions.
_LOSS_FUNCTIONS = (
    losses.binary_focal_crossentropy,
    losses.categorical_focal_crossentropy,
    losses.huber,
)
_MODULES = tuple(import_module(f"lamina.metrics.{name}") for name in _MODULE_NAMES)
_ALIASES = {
    "bce": "BinaryCrossentropy",
    "BCE": "BinaryCrossentropy",
    "mse": "MeanSquaredError",
    "MSE": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "MAE": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError",
    "MAPE": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError",
    "MSLE": "MeanSquaredLogarithmicError",
}


def _collect() -> tuple[dict[str, type], dict[str, Any]]:
    classes: dict[str, type] = {}
    functions: dict[str, Any] = {}
    for module in _MODULES:
        for name, obj in vars(module).items():
            if (
                name.startswith("_")
                or getattr(obj, "__module__", None) != module.__name__
            ):
                continue
            if inspect.isclass(obj) and issubclass(obj, Metric):
                classes[name] = obj
                classes[to_snake_case(name)] = obj
            elif inspect.isfunction(obj) and name not in (
                "reduce_to_samplewise_values",
            ):
                functions[name] = obj
    classes.update({alias: classes[name] for alias, name in _ALIASES.items()})
    functions.update({fn.__name__: fn for fn in _LOSS_FUNCTIONS})
    return classes, functions


ALL_CLASSES, ALL_FUNCTIONS = _collect()


def serialize(metric: Any) -> Any:
    """Returns the Keras 3 serialization of a metric (stored in `.keras` files).

    Args:
        metric: a `Metric` instance, a metric function, a name or `None`.

    Returns:
        `{"module", "class_name", "config", "registered_name"}` for metrics
        and functions; names and `None` are returned as they are.

    Raises:
        TypeError: for anything else.
    """
    if metric is None or isinstance(metric, str):
        return metric
    if isinstance(metric, Metric):
        cls = type(metric)
        builtin = ALL_CLASSES.get(cls.__name__) is cls
        if builtin:
            return object_dict(metric, "keras.metrics", None)
        registered = getattr(cls, "_registered_name", None) or cls.__name__
        return object_dict(metric, cls.__module__, registered)
    if callable(metric) and hasattr(metric, "__name__"):
        return function_dict(metric.__name__)
    raise TypeError(f"Could not serialize metric. Received: metric={metric!r}")


def _from_name(name: str, custom_objects: Mapping[str, Any] | None) -> Any:
    found = registered_object(name, custom_objects)
    if found is None:
        found = lookup("metric", name, ALL_CLASSES)
    return found() if inspect.isclass(found) else found


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """Rebuilds a metric from `serialize`'s output or from a name.

    Args:
        config: a dict from `serialize` (or the older `{"class_name",
            "config"}` form), or a name such as `"mae"` or `"AUC"`.
        custom_objects: extra names mapped to metric classes or functions.

    Returns:
        A `Metric` instance, or a function for a serialized function.

    Raises:
        ValueError: for an unknown name or a malformed dict.
    """
    if isinstance(config, str):
        return _from_name(config, custom_objects)
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise deserialize_error("metric", config)
    if config["class_name"] == "function":
        name = config["config"]
        found = registered_object(name, custom_objects)
        return found or lookup("metric function", name, ALL_FUNCTIONS)
    cls = registered_class(config, custom_objects)
    cls = cls or lookup("metric", config["class_name"], ALL_CLASSES)
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Any:
    """Returns a metric from a name, dict, class or callable.

    Args:
        identifier: a class name or alias (`"mae"`, `"AUC"`, `"accuracy"`),
            a serialized dict, a `Metric` class (instantiated with
            defaults), a callable (returned as is), or `None`.

    Returns:
        A `Metric` instance, a function, or `None`.

    Raises:
        ValueError: when the identifier cannot be interpreted; unknown names
            get close-match suggestions.

    Example:
    >>> from lamina import metrics
    >>> metrics.get("mae").name
    'mean_absolute_error'
    """
    return get_object("metric", identifier, deserialize, Metric)
