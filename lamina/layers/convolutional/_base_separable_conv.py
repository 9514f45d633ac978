"""Shared machinery of the separable convolution layers."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.convolutional._base_conv import CONV_FNS, ConvGeometry, torch_kernel
from lamina.layers.convolutional._base_depthwise_conv import depthwise_weight


class BaseSeparableConv(ConvGeometry):
    """Depthwise convolution followed by a pointwise (1x1) convolution and bias.

    Weights, in Keras's order and layouts: `depthwise_kernel`
    `(*kernel_size, channels, depth_multiplier)`, `pointwise_kernel`
    `(1, ..., 1, channels * depth_multiplier, filters)` and `bias` `(filters,)`.
    """

    strided_dilation = True

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
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=(*self.kernel_size, channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            name="depthwise_kernel",
        )
        self.pointwise_kernel = self.add_weight(
            shape=(*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
            name="pointwise_kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        self._check_channels(inputs, self.depthwise_kernel)
        x = cu.to_channels_first(inputs, self.data_format)
        depthwise = depthwise_weight(self.depthwise_kernel, self.rank)
        y = self._conv(x, depthwise, None, self._built_channels)
        pointwise = torch_kernel(self.pointwise_kernel, self.rank)
        y = CONV_FNS[self.rank](y, pointwise, self.bias)
        return self.activation(cu.from_channels_first(y, self.data_format))

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            **self._geometry_config(),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        }
        for part in ("depthwise", "pointwise", "bias"):
            config[f"{part}_initializer"] = initializers.serialize(
                getattr(self, f"{part}_initializer")
            )
        for part in ("depthwise", "pointwise", "bias", "activity"):
            config[f"{part}_regularizer"] = regularizers.serialize(
                getattr(self, f"{part}_regularizer")
            )
        for part in ("depthwise", "pointwise", "bias"):
            config[f"{part}_constraint"] = constraints.serialize(
                getattr(self, f"{part}_constraint")
            )
        return config
