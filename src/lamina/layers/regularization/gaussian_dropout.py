"""GaussianDropout: multiplies inputs by Gaussian noise centred on 1 in training."""

from __future__ import annotations

import math

import torch

from lamina.layers._checks import rate_below_one
from lamina.layers.regularization._noise import NoiseLayer, normal


class GaussianDropout(NoiseLayer):
    """Multiplies inputs by `N(1, rate / (1 - rate))` noise in training.

    The noise has the mean and variance of dropout's `keep / (1 - rate)` mask.
    Inference is the identity.

    Args:
        rate: float in [0, 1), the equivalent drop probability.
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
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = normal(inputs.shape, self._generator, inputs) * stddev + 1.0
        return inputs * noise
