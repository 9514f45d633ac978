"""TimeDistributed: applies a layer to every temporal slice of an input."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.recurrent._cell_utils import build_sublayer
from lamina.saving import deserialize_layer, serialize_layer


class TimeDistributed(Layer):
    """Applies `layer` to each timestep: axis 1 is folded into the batch axis.

    Args:
        layer: a `Layer` instance.

    Input shape:
        `(batch, timesteps, ...)`, at least 3 dimensions.

    Output shape:
        `(batch, timesteps, ...)` with the layer's output per step.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> layer = lamina.layers.TimeDistributed(lamina.layers.Dense(4))
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    torch.Size([2, 5, 4])
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a "
                f"`lamina.layers.Layer` instance. Received: {layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _check_rank(self, shape: tuple) -> None:
        if len(shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at "
                f"least 3 dimensions, received: {tuple(shape)}"
            )

    def build(self, input_shape: tuple) -> None:
        self._check_rank(input_shape)
        b, t = input_shape[0], input_shape[1]
        folded = None if b is None or t is None else b * t
        build_sublayer(self.layer, (folded, *input_shape[2:]), self._build_device)
        self.built = True

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> Any:
        self._check_rank(tuple(inputs.shape))
        b, t = inputs.shape[0], inputs.shape[1]
        y = self.layer(inputs.reshape(b * t, *inputs.shape[2:]), training=training)
        return y.reshape(b, t, *y.shape[1:])

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(
        cls, config: dict, custom_objects: dict | None = None
    ) -> TimeDistributed:
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
