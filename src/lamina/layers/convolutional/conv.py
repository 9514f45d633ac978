"""Conv1D, Conv2D, Conv3D: convolutions over 1, 2 and 3 spatial axes."""

from __future__ import annotations

from lamina.layers.convolutional._base_conv import BaseConv

_ARGS = """
    Args:
        filters: number of output channels.
        kernel_size: int or tuple of ints, the size of the convolution window.
        strides: int or tuple of ints, the step of the window (default 1).
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(input / strides)`, padding more at the end when the total is
            odd, as Keras does){causal}.
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`.
        dilation_rate: int or tuple of ints, spacing of the kernel taps.
        groups: splits the channels into `groups` independent convolutions;
            must divide both the input channels and `filters`.
        activation: activation name or function; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
"""


class Conv1D(BaseConv):
    __doc__ = (
        """1D convolution (temporal convolution) over `(batch, steps, channels)`.

    The kernel has shape `(kernel_size, channels // groups, filters)`.
"""
        + _ARGS.format(
            causal=""", or `"causal"` (left padding only, so output `t`
            sees no input after `t`)"""
        )
        + """
    Input shape:
        `(batch, steps, channels)`, or `(batch, channels, steps)` with
        channels_first.

    Output shape:
        `(batch, new_steps, filters)`, or `(batch, filters, new_steps)`.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.Conv1D(4, 3)(np.ones((2, 10, 3))).shape
    torch.Size([2, 8, 4])
    """
    )

    rank = 1
    paddings = ("valid", "same", "causal")


class Conv2D(BaseConv):
    __doc__ = (
        """2D convolution over images `(batch, height, width, channels)`.

    The kernel has shape `(kh, kw, channels // groups, filters)`. A contiguous
    channels-last input reaches `F.conv2d` as a permuted view, which is
    PyTorch's `channels_last` memory format: no copy.
"""
        + _ARGS.format(causal="")
        + """
    Input shape:
        `(batch, height, width, channels)`, or `(batch, channels, height,
        width)` with channels_first.

    Output shape:
        `(batch, new_height, new_width, filters)`, or channels first.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.Conv2D(4, 3, padding="same")(np.ones((2, 8, 8, 3))).shape
    torch.Size([2, 8, 8, 4])
    """
    )

    rank = 2


class Conv3D(BaseConv):
    __doc__ = (
        """3D convolution over volumes `(batch, depth, height, width, channels)`.

    The kernel has shape `(kd, kh, kw, channels // groups, filters)`.
"""
        + _ARGS.format(causal="")
        + """
    Input shape:
        `(batch, depth, height, width, channels)`, or channels first.

    Output shape:
        `(batch, new_depth, new_height, new_width, filters)`, or channels first.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.Conv3D(2, 2)(np.ones((1, 3, 3, 3, 1))).shape
    torch.Size([1, 2, 2, 2, 2])
    """
    )

    rank = 3
