"""MaxPooling1D, MaxPooling2D, MaxPooling3D: the maximum over each window."""

from __future__ import annotations

from typing import Any

from lamina.layers.pooling._base_pooling import BasePooling

_ARGS = """
    Args:
        pool_size: int or tuple of ints, the window size.
        strides: int or tuple of ints, the window step; None means `pool_size`.
        padding: `"valid"` or `"same"` (output size `ceil(input / strides)`,
            padding with `-inf`, more at the end when the total is odd).
        data_format: `"channels_last"` (default) or `"channels_first"`.
"""


class MaxPooling1D(BasePooling):
    __doc__ = (
        """Max pooling over the steps of `(batch, steps, features)`.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.MaxPooling1D()(np.ones((1, 6, 2))).shape
    torch.Size([1, 3, 2])
    """
    )

    rank = 1
    mode = "max"

    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class MaxPooling2D(BasePooling):
    __doc__ = (
        """Max pooling over the height and width of images.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.MaxPooling2D()(np.ones((1, 4, 4, 3))).shape
    torch.Size([1, 2, 2, 3])
    """
    )

    rank = 2
    mode = "max"

    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class MaxPooling3D(BasePooling):
    __doc__ = (
        """Max pooling over the three spatial axes of volumes.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.MaxPooling3D()(np.ones((1, 4, 4, 4, 1))).shape
    torch.Size([1, 2, 2, 2, 1])
    """
    )

    rank = 3
    mode = "max"

    def __init__(
        self,
        pool_size: Any = (2, 2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)
