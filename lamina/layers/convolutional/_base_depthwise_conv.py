"""Shared machinery of the depthwise convolution layers."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.convolutional._base_conv import ConvGeometry, torch_kernel


def depthwise_weight(kernel: torch.Tensor, rank: int) -> torch.Tensor:
    """Keras depthwise kernel `(*K, C, M)` as torch's `(C * M, 1, *K)`, a view.

    Output channel `c * M + m` applies multiplier `m` to input channel `c`, the
    order Keras uses, and a grouped convolution with `groups=C` keeps it.
    """
    *k, channels, mult = kernel.shape
    return torch_kernel(kernel.reshape(*k, 1, channels * mult), rank)


class BaseDepthwiseConv(ConvGeometry):
    """Depthwise convolution: each input channel convolved with its own filters.

    The kernel is stored as `(*kernel_size, channels, depth_multiplier)`.
    """

    strided_dilation = True

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
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(channels * self.depth_multiplier,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        self._check_channels(inputs, self.kernel)
        x = cu.to_channels_first(inputs, self.data_format)
        weight = depthwise_weight(self.kernel, self.rank)
        y = self._conv(x, weight, self.bias, self._built_channels)
        return self.activation(cu.from_channels_first(y, self.data_format))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._geometry_config(),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
