"""AlphaDropout: dropout that keeps SELU's self-normalizing mean and variance."""

from __future__ import annotations

import torch

from lamina.layers._checks import rate_below_one
from lamina.layers.regularization._noise import MaskDropout, noise_shape_of, uniform

# -scale * alpha of SELU: the value SELU saturates to for very negative inputs.
_ALPHA_PRIME = -1.7580993408473766


class AlphaDropout(MaskDropout):
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

    amount_check = staticmethod(rate_below_one)

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
