"""Shared machinery of the max and average pooling layers."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.input_spec import InputSpec

MAX_POOL_FNS = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL_FNS = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


class BasePooling(Layer):
    """Pooling over `rank` spatial axes with Keras's window and padding rules.

    `"same"` padding pads `total // 2` before and the rest after each axis.
    Max pooling pads with `-inf`; average pooling leaves the padding out of
    each average (as Keras does with its TensorFlow and JAX backends).
    """

    rank: int = 2
    mode: str = "max"

    def __init__(
        self,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        n = self.rank
        self.pool_size = cu.normalize_tuple(pool_size, n, "pool_size")
        strides = self.pool_size if strides is None else strides
        self.strides = cu.normalize_tuple(strides, n, "strides")
        self.padding = cu.normalize_padding(padding)
        self.data_format = cu.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=n + 2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = cu.to_channels_first(inputs, self.data_format)
        sizes = tuple(x.shape[2:])
        ones = (1,) * self.rank
        pads = cu.spatial_pads(sizes, self.padding, self.pool_size, self.strides, ones)
        out = [
            s + a + b - k + 1
            for s, (a, b), k in zip(sizes, pads, self.pool_size, strict=True)
        ]
        cu.check_output_size(self, tuple(inputs.shape), self.pool_size, out)
        if self.mode == "max":
            y = self._max_pool(x, pads)
        else:
            y = self._average_pool(x, pads)
        return cu.from_channels_first(y, self.data_format)

    def _max_pool(self, x: torch.Tensor, pads: list) -> torch.Tensor:
        fn = MAX_POOL_FNS[self.rank]
        if all(a == b for a, b in pads):
            return fn(x, self.pool_size, self.strides, tuple(a for a, _ in pads))
        return fn(cu.pad_spatial(x, pads, float("-inf")), self.pool_size, self.strides)

    def _average_pool(self, x: torch.Tensor, pads: list) -> torch.Tensor:
        fn = AVG_POOL_FNS[self.rank]
        if all(a == b for a, b in pads):
            padding = tuple(a for a, _ in pads)
            return fn(x, self.pool_size, self.strides, padding, False, False)
        # Torch pads symmetrically only: pad with zeros, then divide each window's
        # mean by the share of it that lies inside the input.
        ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
        sums = fn(cu.pad_spatial(x, pads), self.pool_size, self.strides)
        share = fn(cu.pad_spatial(ones, pads), self.pool_size, self.strides)
        return sums / share

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
