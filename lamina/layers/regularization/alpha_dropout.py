"""AlphaDropout: dropout that keeps SELU's self-normalizing mean and variance."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import draw_seed
from lamina.layers._checks import rate_in_unit_interval
from lamina.layers.base import Layer
from lamina.layers.regularization._noise import noise_shape_of, uniform

# -scale * alpha of SELU: the value SELU saturates to for very negative inputs.
_ALPHA_PRIME = -1.7580993408473766


class AlphaDropout(Layer):
    """Drops inputs to SELU's negative saturation value and re-normalizes.

    In training, dropped entries become `alpha' = -1.7581`, then the result is
    mapped by `a * x + b` with `a = ((1 - rate) * (1 + rate * alpha'**2))**-0.5`
    and `b = -a * alpha' * rate`, so zero-mean, unit-variance inputs keep
    their mean and variance (Klambauer et al., 2017). Inference is the identity.

    Args:
        rate: float in [0, 1), the drop probability.
        noise_shape: shape of the random mask, broadcast to the input (None
            entries take the input's size).
        seed: integer seed for the random draws.

    Input shape:
        any shape.

    Output shape:
        same as the input.
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
        rate = self.rate
        a = ((1.0 - rate) * (1.0 + rate * _ALPHA_PRIME**2)) ** -0.5
        b = -a * _ALPHA_PRIME * rate
        shape = noise_shape_of(self.noise_shape, inputs.shape)
        keep = (uniform(shape, self._generator, inputs) >= rate).to(inputs.dtype)
        dropped = inputs * keep + _ALPHA_PRIME * (1.0 - keep)
        return a * dropped + b

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }
