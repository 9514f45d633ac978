"""GaussianNoise: adds zero-centred Gaussian noise during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import draw_seed
from lamina.layers.base import Layer
from lamina.layers.regularization._noise import normal, unit_interval


class GaussianNoise(Layer):
    """Adds `N(0, stddev**2)` noise to the inputs in training; identity in inference.

    Args:
        stddev: float in [0, 1], standard deviation of the noise.
        seed: integer seed for the random draws.

    Input shape:
        any shape.

    Output shape:
        same as the input.
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stddev = unit_interval("stddev", stddev)
        self.seed = seed
        self._generator = draw_seed(seed)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not training or self.stddev == 0:
            return inputs
        return inputs + normal(inputs.shape, self._generator, inputs) * self.stddev

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
