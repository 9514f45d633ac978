"""`get`, `serialize` and `deserialize` for losses, with Keras 3's names and formats."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

from lamina._identifiers import (
    deserialize_error,
    get_object,
    object_dict,
    registered_class,
    registered_object,
    unknown_name_error,
)
from lamina.losses._common import function_config
from lamina.losses.loss import Loss, LossFunctionWrapper

_MODULE_NAMES = (
    "binary", "categorical", "categorical_classes", "hinge", "metric_learning",
    "overlap", "probabilistic", "regression",
)  # fmt: skip
_MODULES = tuple(import_module(f"lamina.losses.{name}") for name in _MODULE_NAMES)
_FUNCTION_NAMES = (
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "cosine_similarity",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy", "hinge", "squared_hinge",
    "categorical_hinge", "kl_divergence", "poisson", "dice", "tversky", "ctc",
    "circle",
)  # fmt: skip
_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "logcosh": "log_cosh",
    "huber_loss": "huber",
    "bce": "binary_crossentropy",
}


def _collect() -> tuple[dict[str, Callable[..., Any]], dict[str, type]]:
    functions: dict[str, Callable[..., Any]] = {}
    classes: dict[str, type] = {
        "Loss": Loss,
        "LossFunctionWrapper": LossFunctionWrapper,
    }
    for module in _MODULES:
        for name, obj in vars(module).items():
            if name in _FUNCTION_NAMES:
                functions[name] = obj
            elif inspect.isclass(obj) and issubclass(obj, LossFunctionWrapper):
                classes[name] = obj
    functions.update({alias: functions[name] for alias, name in _ALIASES.items()})
    return functions, classes


ALL_FUNCTIONS, ALL_CLASSES = _collect()
_BUILTIN_FUNCTIONS = frozenset(ALL_FUNCTIONS.values())


def _from_name(name: str, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """A loss function, or a new instance of a loss class, from its name."""
    found = registered_object(name, custom_objects)
    for key in (name, name.lower()):
        found = found or ALL_FUNCTIONS.get(key) or ALL_CLASSES.get(key)
    if found is None:
        names = [*ALL_FUNCTIONS, *ALL_CLASSES]
        names.remove("LossFunctionWrapper")
        raise unknown_name_error("loss function", name, names)
    return found() if inspect.isclass(found) else found


def serialize(loss: Any) -> Any:
    """Returns the Keras 3 serialization of a loss (stored in `.keras` files).

    Args:
        loss: a loss function, a `Loss` instance, a name or `None`.

    Returns:
        `{"module", "class_name", "config", "registered_name"}` for functions
        and `Loss` instances; names and `None` are returned as they are.
    """
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, Loss):
        return _serialize_instance(loss)
    if callable(loss) and hasattr(loss, "__name__"):
        return function_config(loss)
    raise TypeError(f"Could not serialize loss. Received: loss={loss!r}")


def _serialize_instance(loss: Loss) -> dict[str, Any]:
    cls = type(loss)
    registered = getattr(cls, "_registered_name", None)
    if cls is LossFunctionWrapper:
        module, registered = "keras.src.losses.losses", "LossFunctionWrapper"
    elif cls is Loss:
        module = "keras"
    elif ALL_CLASSES.get(cls.__name__) is cls:
        module = "keras.losses"
    else:
        module, registered = None, registered or cls.__name__
    return object_dict(loss, module, registered)


def deserialize(name: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """Rebuilds a loss from `serialize`'s output or from a name.

    Args:
        name: a dict from `serialize` (or Keras's older `{"class_name",
            "config"}` form), or a name.
        custom_objects: extra names mapped to loss classes or functions.

    Returns:
        A loss function or a `Loss` instance.

    Raises:
        ValueError: for an unknown name or a malformed dict.
    """
    config = name  # Keras calls the argument `name`; it may be a config dict
    if isinstance(config, str):
        return _from_name(config, custom_objects)
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise deserialize_error("loss", config)
    if config["class_name"] == "function":
        return _from_name(config["config"], custom_objects)
    cls = registered_class(config, custom_objects)
    cls = cls or _class_from_name(config["class_name"])
    inner = dict(config.get("config") or {})
    if inner.get("reduction") == "auto":  # Keras 2 files: "auto" was this default
        inner["reduction"] = "sum_over_batch_size"
    return cls.from_config(inner)


def _class_from_name(name: str) -> type:
    if name not in ALL_CLASSES:
        raise unknown_name_error("loss class", name, list(ALL_CLASSES))
    return ALL_CLASSES[name]


def get(identifier: Any) -> Any:
    """Returns a loss function or `Loss` from a name, dict, class or callable.

    Args:
        identifier: a function or class name (`"mse"`, `"MeanSquaredError"`),
            a serialized dict, a `Loss` class (instantiated with defaults), a
            callable (returned as is), or `None`.

    Returns:
        A loss function, a `Loss` instance, or `None`.

    Raises:
        ValueError: when the identifier cannot be interpreted; unknown names
            get close-match suggestions.

    Example:
    >>> from lamina import losses
    >>> losses.get("mse").__name__
    'mean_squared_error'
    """
    return get_object("loss", identifier, deserialize, Loss)
