"""Dropout: randomly zeroes inputs during training."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import draw_seed
from lamina.layers._checks import rate_in_unit_interval
from lamina.layers.base import Layer


class Dropout(Layer):
    """Sets inputs to 0 with probability `rate` in training, scaling the rest by
    `1 / (1 - rate)` so the expected sum is unchanged. Inference is the identity.

    Args:
        rate: float in [0, 1), the fraction of inputs to drop.
        noise_shape: shape of the binary mask, broadcast to the input (None
            entries take the input's size), e.g. `(batch, 1, features)`.
        seed: integer seed for the random mask.

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to drop (True) or pass through (False).
    """

    def __init__(
        self,
        rate: float,
        noise_shape: Any = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rate = rate_in_unit_interval("rate", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._generator = draw_seed(seed)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not training or self.rate == 0:
            return inputs
        if self.noise_shape is None and self._generator is None:
            return F.dropout(inputs, self.rate, training=True)
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(
                s if n is None else n for n, s in zip(self.noise_shape, shape)
            )
        keep = torch.rand(shape, generator=self._generator).to(inputs.device)
        keep = (keep >= self.rate).to(inputs.dtype)
        return inputs * keep / (1.0 - self.rate)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }
