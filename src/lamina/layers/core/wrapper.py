"""Wrapper: the base class of layers that wrap another layer."""

from __future__ import annotations

from typing import Any

from lamina.layers.base import Layer
from lamina.saving import serialization as _serialization


class Wrapper(Layer):
    """Abstract base class of layers that take another layer and augment it.

    The wrapped layer is built on the wrapper's first input and its weights are
    the wrapper's weights. `get_config` holds the wrapped layer's serialized
    config under `"layer"`, and `from_config` rebuilds it.

    Args:
        layer: the layer to wrap (a lamina `Layer`).

    Raises:
        ValueError: if `layer` is not a lamina layer.

    Example:
    >>> import lamina
    >>> class Twice(lamina.layers.Wrapper):
    ...     def call(self, x):
    ...         return 2 * self.layer(x)
    >>> Twice(lamina.layers.Dense(3))(np.ones((1, 2))).shape
    torch.Size([1, 3])
    """

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. "
                "Please ensure wrapped layer is a valid lamina (Keras) layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.built = True

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "layer": _serialization.serialize_layer(self.layer),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> Wrapper:
        config = dict(config)
        layer = _serialization.deserialize_layer(
            config.pop("layer"), custom_objects=custom_objects
        )
        return cls(layer, **config)
