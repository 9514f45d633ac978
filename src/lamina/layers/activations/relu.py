"""ReLU: the rectified linear unit as a layer."""

from __future__ import annotations

from typing import Any

import torch

from lamina import activations
from lamina.layers.base import Layer


def _non_negative(name: str, value: Any, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if value is None or value < 0:
        raise ValueError(
            f"`{name}` of a ReLU layer cannot be None or a negative value. "
            f"Received: {name}={value}"
        )
    return value


class ReLU(Layer):
    """Rectified linear unit with an optional cap, leak and threshold.

    `f(x) = max_value` for `x >= max_value`, `x` for `threshold <= x < max_value`,
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: the largest output (`None`: no cap); must be >= 0.
        negative_slope: slope below the threshold; must be >= 0.
        threshold: the value below which outputs are damped; must be >= 0.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 3.0]])).tolist()
    [[0.0, 0.5, 1.0]]
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = _non_negative("max_value", max_value, allow_none=True)
        self.negative_slope = _non_negative("negative_slope", negative_slope)
        self.threshold = _non_negative("threshold", threshold)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }
