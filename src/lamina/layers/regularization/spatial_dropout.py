"""SpatialDropout1D/2D/3D: drops whole feature maps during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.input_spec import InputSpec
from lamina.layers.regularization._noise import NoiseLayer, uniform, unit_interval
from lamina.layers.reshaping._args import data_format_arg


class _SpatialDropout(NoiseLayer):
    """Dropout with one keep/drop draw per (sample, channel), shared over space."""

    rank = 0  # spatial axes
    amount_check = staticmethod(unit_interval)

    def __init__(
        self,
        rate: float,
        data_format: str | None = None,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(rate, seed, name=name, dtype=dtype, **kwargs)
        self.data_format = data_format_arg(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1:
            return torch.zeros_like(inputs)
        shape = [1] * inputs.ndim
        shape[0] = inputs.shape[0]
        channels = 1 if self.data_format == "channels_first" else -1
        shape[channels] = inputs.shape[channels]
        keep = uniform(shape, self._generator, inputs) >= self.rate
        return inputs * keep.to(inputs.dtype) / (1.0 - self.rate)

    def get_config(self) -> dict:
        config = super().get_config()
        # Keras's SpatialDropout takes no `trainable` and writes its dtype by
        # name; a config with them does not load in Keras.
        config.pop("trainable", None)
        config["dtype"] = self.dtype_policy.name
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops entire 1D feature maps (channels) of a sequence during training.

    Neighbouring timesteps are strongly correlated, so element-wise dropout
    barely regularizes; dropping whole channels does. Kept channels are scaled
    by `1 / (1 - rate)`; inference is the identity.

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        seed: integer seed for the random draws.
        name: the layer's name.
        dtype: the layer's dtype policy (name or `DTypePolicy`).

    Input shape:
        `(batch, steps, channels)`.

    Output shape:
        same as the input.
    """

    rank = 1

    def __init__(
        self,
        rate: float,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rate, "channels_last", seed=seed, name=name, dtype=dtype, **kwargs
        )


class SpatialDropout2D(_SpatialDropout):
    """Drops entire 2D feature maps (channels) of an image during training.

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).
        seed: integer seed for the random draws.
        name: the layer's name.
        dtype: the layer's dtype policy (name or `DTypePolicy`).

    Input shape:
        `(batch, rows, cols, channels)` (channels_last) or
        `(batch, channels, rows, cols)` (channels_first).

    Output shape:
        same as the input.
    """

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops entire 3D feature maps (channels) of a volume during training.

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).
        seed: integer seed for the random draws.
        name: the layer's name.
        dtype: the layer's dtype policy (name or `DTypePolicy`).

    Input shape:
        `(batch, d1, d2, d3, channels)` (channels_last) or
        `(batch, channels, d1, d2, d3)` (channels_first).

    Output shape:
        same as the input.
    """

    rank = 3


__all__ = ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]
