"""LeakyReLU: a rectifier with a small slope for negative inputs."""

from __future__ import annotations

import warnings
from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit: `x` if `x >= 0`, else `negative_slope * x`.

    Args:
        negative_slope: float >= 0, the slope for negative inputs (default 0.3).
            The deprecated name `alpha` is accepted, with a warning, as in Keras.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.LeakyReLU(0.5)(np.array([[-2.0, 3.0]])).tolist()
    [[-1.0, 3.0]]
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "Argument `alpha` is deprecated. Use `negative_slope` instead.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or "
                f"negative value. Expected a float. Received: "
                f"negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(inputs, self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}
