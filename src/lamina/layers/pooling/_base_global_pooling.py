"""Shared machinery of the global pooling layers."""

from __future__ import annotations

from typing import Any

from lamina.layers.base import Layer
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.input_spec import InputSpec


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis of a `rank`-D input to one value per channel."""

    rank: int = 2

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = cu.normalize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    @property
    def _spatial_axes(self) -> tuple:
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "data_format": self.data_format,
            "keepdims": self.keepdims,
        }
