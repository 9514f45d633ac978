"""Optimizers: Keras 3's update rules on PyTorch multi-tensor kernels.

`get(identifier)` resolves a name (any case: "adam", "Adam", "SGD"), a config
dict, or an `Optimizer` instance; `serialize` / `deserialize` convert to and
from Keras 3's config dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lamina._identifiers import (
    deserialize_object,
    serialize_object,
    unknown_name_error,
)
from lamina.optimizers import schedules
from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adafactor import Adafactor
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam, AdamW
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.ftrl import Ftrl
from lamina.optimizers.lamb import Lamb
from lamina.optimizers.lion import Lion
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from lamina.optimizers.muon import Muon
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from lamina.optimizers.sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "MultiOptimizer",
    "Muon",
    "Nadam",
    "Optimizer",
    "OptimizerMap",
    "RMSprop",
    "ScheduleFreeAdamW",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

_OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.__name__: cls
    for cls in (
        SGD,
        Adadelta,
        Adafactor,
        Adagrad,
        Adam,
        AdamW,
        Adamax,
        Ftrl,
        Lamb,
        Lion,
        LossScaleOptimizer,
        MultiOptimizer,
        Muon,
        Nadam,
        RMSprop,
        ScheduleFreeAdamW,
    )
}
# Lower-case aliases ("adam", "sgd", "rmsprop", ...), as Keras accepts them.
_BY_LOWER = {name.lower(): cls for name, cls in _OPTIMIZERS.items()}
# Wrappers need their optimizer(s): a bare name cannot build them.
_WRAPPERS = {"LossScaleOptimizer": "inner_optimizer", "MultiOptimizer": "optimizer_map"}


def _unknown_name(identifier: str) -> ValueError:
    """Returns the error for an unknown name, with case-insensitive suggestions."""
    return unknown_name_error("optimizer", identifier, list(_OPTIMIZERS))


def serialize(optimizer: Optimizer) -> dict[str, Any] | None:
    """Returns the Keras 3 serialization dict of an optimizer.

    Args:
        optimizer: the optimizer.

    Returns:
        `{"module", "class_name", "config", "registered_name"}`.
    """
    return serialize_object(optimizer, "keras.optimizers")


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Optimizer:
    """Rebuilds an optimizer from a name or a serialization dict.

    Args:
        config: a name (any case) or a dict from `serialize`.
        custom_objects: extra class names mapped to optimizer classes.

    Returns:
        A new optimizer.

    Raises:
        ValueError: when the name is unknown.
    """
    table: dict[str, Any] = {
        **_OPTIMIZERS,
        "OptimizerMap": OptimizerMap,  # nested in a MultiOptimizer's config
        **(custom_objects or {}),
    }
    if isinstance(config, str):
        cls = table.get(config) or _BY_LOWER.get(config.lower())
        if cls is None:
            raise _unknown_name(config)
        if cls.__name__ in _WRAPPERS:
            raise ValueError(
                f"Optimizer '{config}' wraps other optimizers and cannot be made "
                f"from its name: pass an instance, e.g. {cls.__name__}"
                f"({_WRAPPERS[cls.__name__]}=...)."
            )
        return cls()
    if isinstance(config, Mapping) and isinstance(config.get("class_name"), str):
        name = config["class_name"]
        if name not in table and name.lower() in _BY_LOWER:
            config = {**config, "class_name": _BY_LOWER[name.lower()].__name__}
    return deserialize_object("optimizer", config, table, custom_objects)


def get(identifier: Any) -> Optimizer:
    """Returns an optimizer from a name, a config dict or an instance.

    Args:
        identifier: an `Optimizer` (returned as is), a name such as `"adam"`
            or `"SGD"`, or a dict from `serialize`.

    Returns:
        An optimizer.

    Raises:
        ValueError: for an unknown name or an identifier of another type.

    Example:

    >>> type(get("rmsprop")).__name__
    'RMSprop'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, Mapping)):
        return deserialize(identifier)
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r}. Pass an "
        "`Optimizer` instance, a name such as 'adam', or a config dict."
    )
