"""Adaptive average and max pooling: pool any input size to a fixed output size."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer
from lamina.layers.convolutional import _conv_utils as cu

_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}
_AXES = {1: "(length,)", 2: "(height, width)", 3: "(depth, height, width)"}


def _output_size(value: Any, rank: int) -> tuple:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    if isinstance(value, (tuple, list)) and len(value) == rank:
        return tuple(value)
    raise TypeError(
        f"`output_size` must be an integer or {_AXES[rank]} tuple. Received: "
        f"{value} of type {type(value)}"
    )


class BaseAdaptivePooling(Layer):
    """Pools each spatial axis into `output_size` bins of (nearly) equal width.

    Bin `i` of an axis of length `L` into `n` bins covers
    `[floor(i * L / n), ceil((i + 1) * L / n))`, PyTorch's (and Keras's) rule.
    """

    rank: int = 2
    mode: str = "average"

    def __init__(
        self, output_size: Any, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.output_size = _output_size(output_size, self.rank)
        self.data_format = cu.normalize_data_format(data_format)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dim() != self.rank + 2:
            raise ValueError(
                f"Layer '{self.name}' expects inputs of rank {self.rank + 2}. "
                f"Received input shape={tuple(inputs.shape)}"
            )
        x = cu.to_channels_first(inputs, self.data_format)
        fns: dict[int, Any] = _AVG if self.mode == "average" else _MAX
        return cu.from_channels_first(
            fns[self.rank](x, self.output_size), self.data_format
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "output_size": self.output_size,
            "data_format": self.data_format,
        }


def _doc(rank: int, mode: str) -> str:
    shape = {1: "steps", 2: "height, width", 3: "depth, height, width"}[rank]
    return f"""Adaptive {mode} pooling over {rank} spatial axes.

    Args:
        output_size: int or tuple of {rank} ints, the output's spatial size.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Input shape:
        `(batch, {shape}, channels)`, or channels first.

    Output shape:
        `(batch, *output_size, channels)`, or channels first.
    """


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    __doc__ = _doc(1, "average")
    rank, mode = 1, "average"


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    __doc__ = _doc(2, "average")
    rank, mode = 2, "average"


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    __doc__ = _doc(3, "average")
    rank, mode = 3, "average"


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    __doc__ = _doc(1, "max")
    rank, mode = 1, "max"


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    __doc__ = _doc(2, "max")
    rank, mode = 2, "max"


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    __doc__ = _doc(3, "max")
    rank, mode = 3, "max"
