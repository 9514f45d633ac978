"""Permute: reorders the non-batch axes of the input."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec


class Permute(Layer):
    """Permutes the axes of each sample according to `dims` (1-based).

    `Permute((2, 1))` swaps the two axes of `(batch, steps, features)` inputs.
    The result is a view of the input (no copy).

    Args:
        dims: a permutation of `1..rank` (the batch axis, 0, stays first).

    Input shape:
        `(batch, *sizes)` with `len(sizes) == len(dims)`.

    Output shape:
        `(batch, *(sizes[d - 1] for d in dims))`.

    Example:
    >>> import lamina
    >>> lamina.layers.Permute((2, 1))(np.ones((2, 3, 4))).shape
    torch.Size([2, 4, 3])
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of "
                "indices in `dims` must be consecutive and start from 1. "
                f"Received dims={dims}"
            )
        self.dims = tuple(int(d) for d in dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.permute(0, *self.dims)

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}
