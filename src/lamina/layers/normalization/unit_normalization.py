"""UnitNormalization: scales each sample to unit L2 norm along some axes."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.normalization import _axes

# Norms below 1e-12 are replaced by 1e-12 (so all-zero inputs stay zero).
_MIN_SQUARED_NORM = 1e-24


class UnitNormalization(Layer):
    """Divides the input by its L2 norm over `axis`: `x / max(||x||, 1e-12)`.

    Args:
        axis: integer or list of integers, the axes over which the norm is
            taken (default -1).

    Input shape:
        any rank.

    Output shape:
        same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.UnitNormalization()(np.array([[3.0, 4.0]]))
    tensor([[0.6000, 0.8000]])
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(_axes.axis_list(axis))
        self._axis_list = _axes.axis_list(axis)
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        self._axes = _axes.resolve_axes(self.name, self._axis_list, len(input_shape))
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs if inputs.is_floating_point() else inputs.to(torch.float32)
        squared = torch.sum(x.square(), dim=self._axes, keepdim=True)
        return x * torch.rsqrt(torch.clamp_min(squared, _MIN_SQUARED_NORM))

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
