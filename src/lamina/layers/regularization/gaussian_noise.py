"""GaussianNoise: adds zero-centred Gaussian noise during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.regularization._noise import NoiseLayer, normal, unit_interval


class GaussianNoise(NoiseLayer):
    """Adds `N(0, stddev**2)` noise to the inputs in training; identity in inference.

    Args:
        stddev: float in [0, 1], standard deviation of the noise.
        seed: integer seed for the random draws.

    Input shape:
        any shape.

    Output shape:
        same as the input.
    """

    amount_name = "stddev"
    amount_check = staticmethod(unit_interval)

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(stddev, seed, **kwargs)

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not training or self.stddev == 0:
            return inputs
        return inputs + normal(inputs.shape, self._generator, inputs) * self.stddev
