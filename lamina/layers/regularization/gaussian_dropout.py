"""GaussianDropout: multiplies inputs by Gaussian noise centred on 1 in training."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.backend import draw_seed
from lamina.layers._checks import rate_in_unit_interval
from lamina.layers.base import Layer
from lamina.layers.regularization._noise import normal


class GaussianDropout(Layer):
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

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = rate_in_unit_interval("rate", rate)
        self.seed = seed
        self._generator = draw_seed(seed)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = normal(inputs.shape, self._generator, inputs) * stddev + 1.0
        return inputs * noise

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
