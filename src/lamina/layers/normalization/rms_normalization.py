"""RMSNormalization: scales inputs by the inverse root mean square."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer
from lamina.layers.normalization._axes import axis_list, resolve_axes


class RMSNormalization(Layer):
    """Root-mean-square normalization: `x * rsqrt(mean(x**2, axis) + eps) * scale`.

    Unlike LayerNormalization, nothing is subtracted and there is no offset.
    `scale` (initialized to ones) has the sizes of the normalized axes. The
    computation runs in at least float32.

    Args:
        axis: axis or list of axes to normalize over (default -1).
        epsilon: small float added to the mean square (default 1e-6).

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.RMSNormalization()(np.array([[3.0, 4.0]])).shape
    torch.Size([1, 2])
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        axis_list(axis)  # validates
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        axes = axis_list(self.axis)
        self._axes = resolve_axes(self.name, axes, rank)
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
        else:
            self.axis = [self.axis]
        shape = tuple(input_shape[a] for a in self._axes)
        self.scale = self.add_weight(shape=shape, initializer="ones", name="scale")
        # Trailing consecutive axes reach torch's fused kernel.
        self._trailing = self._axes == list(range(rank - len(self._axes), rank))
        self._scale_shape = [
            input_shape[d] if d in self._axes else 1 for d in range(rank)
        ]
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        dtype = torch.promote_types(inputs.dtype, torch.float32)
        x = inputs.to(dtype)
        scale = self.scale.to(dtype)
        if self._trailing:
            out = F.rms_norm(x, tuple(scale.shape), scale, self.epsilon)
        else:
            rrms = torch.rsqrt(
                x.square().mean(dim=self._axes, keepdim=True) + self.epsilon
            )
            out = x * rrms * scale.reshape(self._scale_shape)
        return out.to(inputs.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
