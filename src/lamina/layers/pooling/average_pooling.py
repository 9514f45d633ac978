"""AveragePooling1D, AveragePooling2D, AveragePooling3D: the mean of each window."""

from __future__ import annotations

from lamina.layers.pooling._base_pooling import BasePooling

_ARGS = """
    Args:
        pool_size: int or tuple of ints, the window size.
        strides: int or tuple of ints, the window step; None means `pool_size`.
        padding: `"valid"` or `"same"` (output size `ceil(input / strides)`;
            padded positions are left out of each average).
        data_format: `"channels_last"` (default) or `"channels_first"`.
"""


class AveragePooling1D(BasePooling):
    __doc__ = (
        """Average pooling over the steps of `(batch, steps, features)`.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.AveragePooling1D(2)(np.ones((1, 6, 2))).shape
    torch.Size([1, 3, 2])
    """
    )

    rank = 1
    mode = "average"


class AveragePooling2D(BasePooling):
    __doc__ = (
        """Average pooling over the height and width of images.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.AveragePooling2D(2)(np.ones((1, 4, 4, 3))).shape
    torch.Size([1, 2, 2, 3])
    """
    )

    rank = 2
    mode = "average"


class AveragePooling3D(BasePooling):
    __doc__ = (
        """Average pooling over the three spatial axes of volumes.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.AveragePooling3D(2)(np.ones((1, 4, 4, 4, 1))).shape
    torch.Size([1, 2, 2, 2, 1])
    """
    )

    rank = 3
    mode = "average"
