"""`layers.serialize` / `layers.deserialize`: a layer as Keras's config dict."""

from __future__ import annotations

from typing import Any

from lamina.saving import serialization as _saving


def serialize(layer: Any) -> dict:
    """Returns the Keras 3 config dict of `layer`.

    Args:
        layer: a lamina layer.

    Returns:
        `{"module", "class_name", "config", "registered_name"}`, the form
        `.keras` files hold; `deserialize` turns it back into a layer.

    Example:
    >>> import lamina
    >>> config = lamina.layers.serialize(lamina.layers.Dense(3))
    >>> config["class_name"], config["config"]["units"]
    ('Dense', 3)
    """
    if not hasattr(layer, "get_config"):
        raise TypeError(
            "`layers.serialize` expects a layer (an object with `get_config`). "
            f"Received: {layer!r} of type {type(layer).__name__}"
        )
    return _saving.serialize_layer(layer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Any:
    """Creates a layer from `serialize`'s output (or `{"class_name", "config"}`).

    Args:
        config: the config dict.
        custom_objects: names mapped to custom layer classes.

    Returns:
        A new, unbuilt layer.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.deserialize({"class_name": "ReLU", "config": {}})
    >>> type(layer).__name__
    'ReLU'
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`layers.deserialize` expects a dict with a 'class_name' and a "
            f"'config', as `layers.serialize` returns. Received: {config!r}"
        )
    config = {"config": {}, **config}
    return _saving.deserialize_layer(config, custom_objects=custom_objects)
