"""Saving: layer and model (de)serialization."""

from lamina.saving.serialization import (
    deserialize_layer,
    get_registered_object,
    register_keras_serializable,
    serialize_layer,
)

__all__ = [
    "deserialize_layer",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_layer",
]
