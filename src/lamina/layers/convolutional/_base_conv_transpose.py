"""Shared machinery of the transposed convolution layers."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.convolutional._base_conv import (
    ConvGeometry,
    kernel_order,
    lay_out,
    torch_kernel,
)

CONV_TRANSPOSE_FNS = {
    1: F.conv_transpose1d,
    2: F.conv_transpose2d,
    3: F.conv_transpose3d,
}


def transpose_axis(
    size: int, kernel: int, stride: int, dilation: int, padding: str, extra: Any
) -> tuple:
    """Torch (padding, output_padding) and Keras's output length for one axis.

    The full transposed convolution has `(size - 1) * stride + k` positions
    (`k` the dilated kernel). Keras's output of length `n` starts `crop` places
    in, where `crop` is half the surplus for `"same"` (the smaller half, as
    TensorFlow does) and 0 for `"valid"`. Torch crops `padding` on both sides
    and adds `output_padding` at the end, so `output_padding` may come out as
    -1: the caller then slices the last position off.
    """
    k = dilation * (kernel - 1) + 1
    full = (size - 1) * stride + k
    if extra is None:
        n = size * stride + (max(k - stride, 0) if padding == "valid" else 0)
    else:
        n = full - 2 * (0 if padding == "valid" else k // 2) + extra
    crop = 0 if padding == "valid" else max(full - n, 0) // 2
    return crop, n - full + 2 * crop, n


class BaseConvTranspose(ConvGeometry):
    """Transposed convolution (the gradient of a convolution), with a bias.

    The kernel has Keras's shape `(*kernel_size, filters, input_channels)` and
    torch's memory order (see `KERNEL_ORDERS`): it reaches `F.conv_transposeNd`
    as a permuted view that torch uses without a copy.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = cu.positive_count("filters", filters)
        self._set_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        self.output_padding = self._check_output_padding(output_padding)
        self._set_weight_args(locals())

    def _check_output_padding(self, value: Any) -> tuple | None:
        if value is None:
            return None
        pads = cu.normalize_tuple(value, self.rank, "output_padding", allow_zero=True)
        for axis, (p, s) in enumerate(zip(pads, self.strides, strict=True)):
            if p >= s:
                raise ValueError(
                    "`output_padding` must be strictly less than `strides` for all "
                    f"dimensions. At dimension {axis}, `output_padding` is {p} but "
                    f"`strides` is {s}. Received: output_padding={pads}, "
                    f"strides={self.strides}"
                )
        return pads

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        kernel_shape = (*self.kernel_size, self.filters, channels)
        self.kernel = self._add_part("kernel", kernel_shape, "kernel")
        lay_out(self.kernel, kernel_order(self.rank, self.data_format))
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = self._channels_first_input(inputs, self.kernel)
        extras = self.output_padding or (None,) * self.rank
        axes = [
            transpose_axis(*args, self.padding, e)
            for *args, e in zip(
                x.shape[2:],
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                extras,
                strict=True,
            )
        ]
        fn = CONV_TRANSPOSE_FNS[self.rank]
        weight = torch_kernel(self.kernel, self.rank)
        padding = tuple(a[0] for a in axes)
        output_padding = tuple(max(a[1], 0) for a in axes)
        y = fn(
            x,
            weight,
            self.bias,
            self.strides,
            padding,
            output_padding,
            1,
            self.dilation_rate,
        )
        if any(a[1] < 0 for a in axes):
            y = y[(slice(None), slice(None), *(slice(0, a[2]) for a in axes))]
        return self._output(y)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._geometry_config(),
            "output_padding": self.output_padding,
            **self._weight_config(),
        }
