"""Shared machinery of the depthwise convolution layers."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.convolutional._base_conv import (
    ConvGeometry,
    depthwise_order,
    lay_out,
    torch_kernel,
)


def depthwise_weight(kernel: torch.Tensor, rank: int) -> torch.Tensor:
    """Keras depthwise kernel `(*K, C, M)` as torch's `(C * M, 1, *K)`, a view.

    Output channel `c * M + m` applies multiplier `m` to input channel `c`, the
    order Keras uses, and a grouped convolution with `groups=C` keeps it.
    """
    *k, channels, mult = kernel.shape
    return torch_kernel(kernel.reshape(*k, 1, channels * mult), rank)


class BaseDepthwiseConv(ConvGeometry):
    """Depthwise convolution: each input channel convolved with its own filters.

    The kernel has shape `(*kernel_size, channels, depth_multiplier)` and the
    memory order of torch's weight (see `depthwise_order`).
    """

    strided_dilation = True
    weight_parts = ("depthwise", "bias")

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = cu.positive_count("depth_multiplier", depth_multiplier)
        self._set_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        self._set_weight_args(locals())

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        kernel_shape = (*self.kernel_size, channels, self.depth_multiplier)
        self.kernel = self._add_part("depthwise", kernel_shape, "kernel")
        lay_out(self.kernel, depthwise_order(self.rank))
        self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = self._channels_first_input(inputs, self.kernel)
        weight = depthwise_weight(self.kernel, self.rank)
        return self._output(self._conv(x, weight, self.bias, self._built_channels))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._geometry_config(),
            **self._weight_config(),
        }
