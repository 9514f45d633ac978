"""Weight regularizers with Keras 3's names, arguments and defaults.

Layers take them as `kernel_regularizer="l2"` or `L2(1e-4)`; the penalty of
each is added to the training loss. `get`, `serialize` and `deserialize`
convert between names, Keras's config dicts and instances.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lamina._identifiers import deserialize_object, get_object, serialize_object
from lamina.regularizers.regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
)

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_REGULARIZERS: dict[str, type[Regularizer]] = {
    "L1": L1,
    "L2": L2,
    "L1L2": L1L2,
    "OrthogonalRegularizer": OrthogonalRegularizer,
    "l1": L1,
    "l2": L2,
    "l1_l2": L1L2,
    "l1l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}


def serialize(regularizer: Regularizer) -> dict[str, Any] | None:
    """Returns Keras's config dict for a regularizer.

    Args:
        regularizer: a `Regularizer`.

    Returns:
        `{"module": "keras.regularizers", "class_name": ..., "config": ...,
        "registered_name": None}`.
    """
    return serialize_object(regularizer, "keras.regularizers")


def deserialize(
    config: str | Mapping[str, Any],
    custom_objects: Mapping[str, Any] | None = None,
) -> Regularizer:
    """Builds a regularizer from a name or a config dict.

    Args:
        config: a name such as `"l2"` or a dict from `serialize`.
        custom_objects: extra class names mapped to classes, searched first.

    Returns:
        A new regularizer.

    Raises:
        ValueError: for an unknown name (with close matches).
    """
    return deserialize_object("regularizer", config, ALL_REGULARIZERS, custom_objects)


def get(identifier: object) -> Regularizer | Callable[..., Any] | None:
    """Returns a regularizer for a name, dict, class, instance or callable.

    Args:
        identifier: `None` (returned as is), a name, a config dict, a
            `Regularizer` class (instantiated with defaults), or a callable.

    Returns:
        A regularizer, the callable itself, or `None`.

    Raises:
        ValueError: for an unknown name or an identifier of another type.
    """
    expected = "a name, a dict, a Regularizer or a callable"
    return get_object(
        "regularizer", identifier, deserialize, Regularizer, expected=expected
    )


__all__ = [
    "ALL_REGULARIZERS",
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
