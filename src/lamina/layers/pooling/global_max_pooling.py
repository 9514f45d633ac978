"""GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D."""

from __future__ import annotations

import torch

from lamina.layers.pooling._base_global_pooling import BaseGlobalPooling

_ARGS = """
    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: keep the reduced spatial axes with size 1.
"""


class _GlobalMax(BaseGlobalPooling):
    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.amax(dim=self._spatial_axes, keepdim=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    __doc__ = (
        """The maximum over the steps of `(batch, steps, features)`.

    A mask on the input is ignored, as in Keras.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.GlobalMaxPooling1D()(np.ones((2, 5, 3))).shape
    torch.Size([2, 3])
    """
    )

    rank = 1


class GlobalMaxPooling2D(_GlobalMax):
    __doc__ = (
        """The maximum over the height and width of images.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.GlobalMaxPooling2D(keepdims=True)(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 1, 1, 3])
    """
    )

    rank = 2


class GlobalMaxPooling3D(_GlobalMax):
    __doc__ = (
        """The maximum over the three spatial axes of volumes.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.GlobalMaxPooling3D()(np.ones((2, 2, 2, 2, 3))).shape
    torch.Size([2, 3])
    """
    )

    rank = 3
