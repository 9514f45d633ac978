"""Concatenate: joins a list of inputs along one axis."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.merging._merge import shape_list


class Concatenate(Layer):
    """Concatenates a list of inputs along `axis`.

    All inputs must have the same shape except along the concatenation axis.
    The output mask (when any input has one) marks a position valid when any
    concatenated feature there is valid, as Keras does.

    Args:
        axis: the concatenation axis (default: the last one).

    Raises:
        ValueError: for a non-list input or mismatched shapes.

    Example:
    >>> import lamina
    >>> lamina.layers.Concatenate()([np.ones((2, 3)), np.ones((2, 4))]).shape
    torch.Size([2, 7])
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        shapes = shape_list(self, input_shape)
        rank = len(shapes[0])
        axis = self.axis % rank if rank else 0
        for shape in shapes[1:]:
            if len(shape) != rank or any(
                a is not None and b is not None and a != b
                for i, (a, b) in enumerate(zip(shapes[0], shape, strict=True))
                if i != axis
            ):
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes "
                    "except for the concatenation axis. "
                    f"Received: input_shape={shapes}"
                )
        self.built = True

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat(list(inputs), dim=self.axis)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if previous_mask is None or all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask, strict=False):
            if m is None:
                masks.append(torch.ones(x.shape, dtype=torch.bool, device=x.device))
            elif m.dim() < x.dim():
                masks.append(torch.broadcast_to(m.bool().unsqueeze(-1), x.shape))
            else:
                masks.append(m.bool())
        return torch.cat(masks, dim=self.axis).any(dim=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
