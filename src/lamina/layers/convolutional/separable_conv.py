"""SeparableConv1D, SeparableConv2D: depthwise then pointwise convolutions."""

from __future__ import annotations

from lamina.layers.convolutional._base_separable_conv import BaseSeparableConv

_ARGS = """
    Args:
        filters: number of output channels.
        kernel_size: int or tuple of ints, the size of the depthwise window.
        strides: int or tuple of ints, the step of the window (default 1).
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: int or tuple of ints, spacing of the kernel taps.
        depth_multiplier: depthwise output channels per input channel.
        activation: activation name or function; None means linear.
        use_bias: whether to add a bias vector after the pointwise step.
        depthwise_initializer, pointwise_initializer, bias_initializer:
            initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
            activity_regularizer: regularizers.
        depthwise_constraint, pointwise_constraint, bias_constraint:
            constraints.
"""


class SeparableConv1D(BaseSeparableConv):
    __doc__ = (
        """1D separable convolution: a depthwise then a pointwise convolution.

    `activation(pointwise(depthwise(x)) + bias)`, with kernels of shapes
    `(k, channels, depth_multiplier)` and `(1, channels * depth_multiplier,
    filters)`.
"""
        + _ARGS
        + """
    Input shape:
        `(batch, steps, channels)`, or `(batch, channels, steps)`.

    Output shape:
        `(batch, new_steps, filters)`, or channels first.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.SeparableConv1D(4, 3)(np.ones((1, 5, 3))).shape
    torch.Size([1, 3, 4])
    """
    )

    rank = 1


class SeparableConv2D(BaseSeparableConv):
    __doc__ = (
        """2D separable convolution: a depthwise then a pointwise convolution.

    `activation(pointwise(depthwise(x)) + bias)`, with kernels of shapes
    `(kh, kw, channels, depth_multiplier)` and `(1, 1, channels *
    depth_multiplier, filters)`.
"""
        + _ARGS
        + """
    Input shape:
        `(batch, height, width, channels)`, or channels first.

    Output shape:
        `(batch, new_height, new_width, filters)`, or channels first.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.SeparableConv2D(4, 3)(np.ones((1, 5, 5, 3))).shape
    torch.Size([1, 3, 3, 4])
    """
    )

    rank = 2
