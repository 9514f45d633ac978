"""Weight constraints with Keras 3's names, arguments and defaults.

Layers take them as `kernel_constraint="max_norm"` or `MaxNorm(3)`; training
applies them to the weights after each optimizer step. `get`, `serialize` and
`deserialize` convert between names, Keras's config dicts and instances.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lamina._identifiers import deserialize_object, get_object, serialize_object
from lamina.constraints.constraints import (
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
)

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

ALL_CONSTRAINTS: dict[str, type[Constraint]] = {
    "MaxNorm": MaxNorm,
    "MinMaxNorm": MinMaxNorm,
    "NonNeg": NonNeg,
    "UnitNorm": UnitNorm,
    "max_norm": MaxNorm,
    "min_max_norm": MinMaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
}


def serialize(constraint: Constraint) -> dict[str, Any] | None:
    """Returns Keras's config dict for a constraint.

    Args:
        constraint: a `Constraint`.

    Returns:
        `{"module": "keras.constraints", "class_name": ..., "config": ...,
        "registered_name": None}`.
    """
    return serialize_object(constraint, "keras.constraints")


def deserialize(
    config: str | Mapping[str, Any],
    custom_objects: Mapping[str, Any] | None = None,
) -> Constraint:
    """Builds a constraint from a name or a config dict.

    Args:
        config: a name such as `"max_norm"` or a dict from `serialize`.
        custom_objects: extra class names mapped to classes, searched first.

    Returns:
        A new constraint.

    Raises:
        ValueError: for an unknown name (with close matches).
    """
    return deserialize_object("constraint", config, ALL_CONSTRAINTS, custom_objects)


def get(identifier: object) -> Constraint | Callable[..., Any] | None:
    """Returns a constraint for a name, dict, class, instance or callable.

    Args:
        identifier: `None` (returned as is), a name, a config dict, a
            `Constraint` class (instantiated with defaults), or a callable.

    Returns:
        A constraint, the callable itself, or `None`.

    Raises:
        ValueError: for an unknown name or an identifier of another type.
    """
    expected = "a name, a dict, a Constraint or a callable"
    return get_object(
        "constraint", identifier, deserialize, Constraint, expected=expected
    )


__all__ = [
    "ALL_CONSTRAINTS",
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
