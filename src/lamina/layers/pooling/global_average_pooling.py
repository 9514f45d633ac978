"""GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D."""

from __future__ import annotations

import torch

from lamina.layers.pooling._base_global_pooling import BaseGlobalPooling

_ARGS = """
    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: keep the reduced spatial axes with size 1.
"""


class _GlobalAverage(BaseGlobalPooling):
    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.mean(dim=self._spatial_axes, keepdim=self.keepdims)


class GlobalAveragePooling1D(_GlobalAverage):
    __doc__ = (
        """The mean over the steps of `(batch, steps, features)`, honouring masks.

    With a mask `(batch, steps)`, masked steps are left out of the mean (a
    sample with every step masked gives NaN, as in Keras).
"""
        + _ARGS
        + """
    Call arguments:
        inputs: a 3D tensor.
        mask: optional boolean tensor `(batch, steps)`; True keeps a step.

    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.GlobalAveragePooling1D()(np.ones((2, 5, 3))).shape
    torch.Size([2, 3])
    """
    )

    rank = 1

    def call(
        self, inputs: torch.Tensor, mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        if mask is None:
            return super().call(inputs)
        step_axis = self._spatial_axes[0]
        # (batch, steps) -> broadcastable against the input, channels on the other axis
        weights = mask.to(inputs.dtype).unsqueeze(3 - step_axis)
        total = (inputs * weights).sum(dim=step_axis, keepdim=self.keepdims)
        return total / weights.sum(dim=step_axis, keepdim=self.keepdims)


class GlobalAveragePooling2D(_GlobalAverage):
    __doc__ = (
        """The mean over the height and width of images.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.GlobalAveragePooling2D()(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 3])
    """
    )

    rank = 2


class GlobalAveragePooling3D(_GlobalAverage):
    __doc__ = (
        """The mean over the three spatial axes of volumes.
"""
        + _ARGS
        + """
    Example:
    >>> import numpy as np
    >>> import lamina
    >>> lamina.layers.GlobalAveragePooling3D()(np.ones((2, 2, 2, 2, 3))).shape
    torch.Size([2, 3])
    """
    )

    rank = 3
