"""DepthwiseConv1D, DepthwiseConv2D: per-channel convolutions."""

from __future__ import annotations

from lamina.layers.convolutional._base_depthwise_conv import BaseDepthwiseConv

_ARGS = """
    Args:
        kernel_size: int or tuple of ints, the size of the window.
        strides: int or tuple of ints, the step of the window (default 1).
        padding: `"valid"` or `"same"`.
        depth_multiplier: number of output channels per input channel.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: int or tuple of ints, spacing of the kernel taps.
        activation: activation name or function; None means linear.
        use_bias: whether to add a bias vector of `channels * depth_multiplier`.
        depthwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, bias_regularizer, activity_regularizer:
            regularizers.
        depthwise_constraint, bias_constraint: constraints.
"""


class DepthwiseConv1D(BaseDepthwiseConv):
    __doc__ = (
        """1D depthwise convolution: each channel convolved separately.

    Output channel `c * depth_multiplier + m` is input channel `c` convolved
    with kernel `[:, c, m]`; the kernel has shape `(k, channels, multiplier)`.
"""
        + _ARGS
        + """
    Input shape:
        `(batch, steps, channels)`, or `(batch, channels, steps)`.

    Output shape:
        `(batch, new_steps, channels * depth_multiplier)`, or channels first.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.DepthwiseConv1D(3, depth_multiplier=2)(np.ones((1, 5, 3))).shape
    torch.Size([1, 3, 6])
    """
    )

    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    __doc__ = (
        """2D depthwise convolution: each channel convolved separately.

    Output channel `c * depth_multiplier + m` is input channel `c` convolved
    with kernel `[:, :, c, m]`; the kernel has shape `(kh, kw, channels,
    multiplier)`.
"""
        + _ARGS
        + """
    Input shape:
        `(batch, height, width, channels)`, or channels first.

    Output shape:
        `(batch, new_height, new_width, channels * depth_multiplier)`.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.DepthwiseConv2D(3)(np.ones((1, 5, 5, 3))).shape
    torch.Size([1, 3, 3, 3])
    """
    )

    rank = 2
