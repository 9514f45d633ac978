"""Layer (de)serialization: `{"module", "class_name", "config", "registered_name"}`.

The layer-specific entry points that `Sequential`, the recurrent wrappers and
`layers.serialize` call; the general machinery is in `serialization_lib`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lamina._registry import get_registered_object, register_keras_serializable
from lamina.saving import serialization_lib

__all__ = [
    "deserialize_layer",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_layer",
]


def serialize_layer(layer: Any) -> dict:
    """The config dict of a layer, in the `.keras` file format (with its
    `build_config` once built)."""
    out = serialization_lib.serialize_keras_object(layer)
    out.pop("compile_config", None)  # only the saved model's own is kept
    return out


def deserialize_layer(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """Creates a layer from `serialize_layer`'s output.

    Raises:
        ValueError: for a class name that is neither built in nor registered.
    """
    try:
        return serialization_lib._deserialize(dict(config), custom_objects)
    except TypeError as err:
        if "Could not locate class" not in str(err):
            raise
        raise ValueError(
            f"Unknown layer: '{config['class_name']}'. Please ensure you are using "
            "a `lamina.saving.register_keras_serializable` on your custom class, "
            "or pass it in `custom_objects`."
        ) from err
