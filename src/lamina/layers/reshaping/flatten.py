"""Flatten: collapses every axis but the batch axis."""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec


class Flatten(Layer):
    """Flattens the input to `(batch, -1)`. Does not affect the batch size.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`; with
            channels_first the channels axis is moved last before flattening,
            so weights keep their order when a model switches formats.

    Input shape:
        `(batch, ...)`, rank 1 or more.

    Output shape:
        `(batch, product of the other sizes)`; `(batch, 1)` for rank-1 input.
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = inputs.movedim(1, -1)
        if inputs.ndim == 1:
            return inputs.reshape(-1, 1)
        return inputs.flatten(1)  # unlike reshape(n, -1), works on 0 samples

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
