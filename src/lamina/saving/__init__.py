"""`lamina.saving`: `.keras` files, weights files and the object registry.

Mirrors `keras.saving`: `save_model` / `load_model`, `save_weights` /
`load_weights`, `serialize_keras_object` / `deserialize_keras_object`, and the
custom-object registry (`register_keras_serializable`, `custom_object_scope`,
`get_custom_objects`, `get_registered_name`, `get_registered_object`).
"""

from lamina._registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.saving.file_editor import KerasFileEditor
from lamina.saving.saving_lib import load_model, load_weights, save_model, save_weights
from lamina.saving.serialization import deserialize_layer, serialize_layer
from lamina.saving.serialization_lib import (
    deserialize_keras_object,
    serialize_keras_object,
)

__all__ = [
    "CustomObjectScope",
    "KerasFileEditor",
    "custom_object_scope",
    "deserialize_keras_object",
    "deserialize_layer",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
    "serialize_layer",
]
