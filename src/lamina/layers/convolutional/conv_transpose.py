"""Conv1DTranspose, Conv2DTranspose, Conv3DTranspose: transposed convolutions."""

from __future__ import annotations

from typing import Any

from lamina.layers.convolutional._base_conv_transpose import BaseConvTranspose

_ARGS = """
    Args:
        filters: number of output channels.
        kernel_size: int or tuple of ints, the size of the window.
        strides: int or tuple of ints, the upsampling factor (default 1).
        padding: `"valid"` or `"same"` (output size `input * strides`).
        output_padding: int or tuple of ints (each below its stride), extra
            size added at the end of each output axis; None infers it.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dilation_rate: int or tuple of ints, spacing of the kernel taps.
        activation: activation name or function; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
"""


class Conv1DTranspose(BaseConvTranspose):
    __doc__ = (
        """1D transposed convolution ("deconvolution") over `(batch, steps, channels)`.

    The kernel has shape `(kernel_size, filters, channels)`, as Keras stores it.
"""
        + _ARGS
        + """
    Input shape:
        `(batch, steps, channels)`, or `(batch, channels, steps)`.

    Output shape:
        `(batch, new_steps, filters)`, or `(batch, filters, new_steps)`.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.Conv1DTranspose(2, 3, strides=2)(np.ones((1, 4, 3))).shape
    torch.Size([1, 9, 2])
    """
    )

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    __doc__ = (
        """2D transposed convolution ("deconvolution") over images.

    The kernel has shape `(kh, kw, filters, channels)`, as Keras stores it.
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
    >>> layer = lamina.layers.Conv2DTranspose(2, 3, strides=2, padding="same")
    >>> layer(np.ones((1, 4, 4, 3))).shape
    torch.Size([1, 8, 8, 2])
    """
    )

    rank = 2


class Conv3DTranspose(BaseConvTranspose):
    __doc__ = (
        """3D transposed convolution ("deconvolution") over volumes.

    The kernel has shape `(kd, kh, kw, filters, channels)`, as Keras stores it.
"""
        + _ARGS
        + """
    Input shape:
        `(batch, depth, height, width, channels)`, or channels first.

    Output shape:
        `(batch, new_depth, new_height, new_width, filters)`, or channels first.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.Conv3DTranspose(1, 2)(np.ones((1, 2, 2, 2, 1))).shape
    torch.Size([1, 3, 3, 3, 1])
    """
    )

    rank = 3

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        output_padding: Any = None,
        dilation_rate: Any = (1, 1, 1),
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
        # Keras's Conv3DTranspose puts `data_format` before `output_padding`.
        args = {k: v for k, v in locals().items() if k not in ("self", "kwargs")}
        args.pop("__class__", None)
        super().__init__(**args, **kwargs)
