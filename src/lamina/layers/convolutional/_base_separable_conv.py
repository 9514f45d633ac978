"""Shared machinery of the separable convolution layers."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.convolutional._base_conv import (
    CONV_FNS,
    ConvGeometry,
    depthwise_order,
    kernel_order,
    lay_out,
    torch_kernel,
)
from lamina.layers.convolutional._base_depthwise_conv import depthwise_weight


class BaseSeparableConv(ConvGeometry):
    """Depthwise convolution followed by a pointwise (1x1) convolution and bias.

    Weights, in Keras's order and layouts: `depthwise_kernel`
    `(*kernel_size, channels, depth_multiplier)`, `pointwise_kernel`
    `(1, ..., 1, channels * depth_multiplier, filters)` and `bias` `(filters,)`;
    both kernels in the memory order of their torch weights (see `KERNEL_ORDERS`).
    """

    strided_dilation = True
    weight_parts = ("depthwise", "pointwise", "bias")

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = cu.positive_count("depth_multiplier", depth_multiplier)
        self.filters = cu.positive_count("filters", filters)
        self._set_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        self._set_weight_args(locals())

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self._add_part(
            "depthwise",
            (*self.kernel_size, channels, self.depth_multiplier),
            "depthwise_kernel",
        )
        self.pointwise_kernel = self._add_part(
            "pointwise",
            (*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
            "pointwise_kernel",
        )
        lay_out(self.depthwise_kernel, depthwise_order(self.rank))
        lay_out(self.pointwise_kernel, kernel_order(self.rank, self.data_format))
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = self._channels_first_input(inputs, self.depthwise_kernel)
        depthwise = depthwise_weight(self.depthwise_kernel, self.rank)
        y = self._conv(x, depthwise, None, self._built_channels)
        pointwise = torch_kernel(self.pointwise_kernel, self.rank)
        return self._output(CONV_FNS[self.rank](y, pointwise, self.bias))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            **self._geometry_config(),
            **self._weight_config(),
        }
