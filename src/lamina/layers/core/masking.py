"""Masking: marks timesteps whose features all equal `mask_value` as skipped."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer


class Masking(Layer):
    """Masks timesteps where every feature equals `mask_value`.

    The output is the input with masked timesteps set to zero, and carries the
    boolean mask `any(inputs != mask_value, axis=-1)` for following layers
    (e.g. `LSTM`, which then skips those steps).

    Args:
        mask_value: the padding value (default 0.0).

    Input shape:
        `(batch, timesteps, features)` (any rank of at least 2).

    Output shape:
        Same as the input.

    Example:
    >>> import lamina
    >>> import numpy as np
    >>> x = np.array([[[1.0], [0.0]]], "float32")
    >>> lamina.layers.Masking()(x)._keras_mask
    tensor([[ True, False]])
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def _keep(self, inputs: torch.Tensor) -> torch.Tensor:
        return (inputs != self.mask_value).any(dim=-1, keepdim=True)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs * self._keep(inputs).to(inputs.dtype)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return self._keep(torch.as_tensor(inputs))[..., 0]

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
