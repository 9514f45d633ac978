"""Solarization: inverts the pixels above a threshold, in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._color import check_value_range, rescale
from lamina.layers.preprocessing._image_base import RandomImageLayer


def _unit_factor(name: str, factor: Any) -> tuple:
    error = ValueError(
        f"The `{name}` argument should be a number (or a list of two numbers) in "
        f"the range [0.0, 1.0]. Received: {name}={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or any(not 0 <= v <= 1 for v in factor):
            raise error
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if not 0 <= factor <= 1:
            raise error
        return (0, factor)
    raise error


class Solarization(RandomImageLayer):
    """Adds a random offset, then inverts the values at or above a random threshold.

    On the `[0, 255]` scale: `y = clip(x + addition, 0, 255)`, then
    `y if y < threshold else 255 - y`. As in Keras 3, `addition` and
    `threshold` are drawn per image from `[lower, upper * 255]` of their
    factors (only the lower bound is not scaled by 255). Seeded draws on the images' device; identity in inference.

    Args:
        addition_factor: a float in `[0, 1]` or a pair (default 0).
        threshold_factor: a float in `[0, 1]` or a pair (default 0).
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        seed: integer seed.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.Solarization()  # threshold 0: invert everything
    >>> layer(np.array([[[[10.0], [200.0]]]])).tolist()
    [[[[245.0], [55.0]]]]
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        addition_factor: Any = 0.0,
        threshold_factor: Any = 0.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _unit_factor("addition_factor", addition_factor)
        self.threshold_factor = _unit_factor("threshold_factor", threshold_factor)
        self.value_range = check_value_range(value_range)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        shape = (x.shape[0], 1, 1, 1)
        add_lo, add_hi = self.addition_factor
        thr_lo, thr_hi = self.threshold_factor
        additions = self._uniform(shape, add_lo, add_hi * 255, x)
        thresholds = self._uniform(shape, thr_lo, thr_hi * 255, x)
        y = (rescale(x, self.value_range, (0, 255)) + additions).clamp(0, 255)
        y = torch.where(y < thresholds, y, 255 - y)
        return rescale(y, (0, 255), self.value_range)

    def get_config(self) -> dict:
        config = {**self._config()}
        config.pop("data_format")
        return {
            **config,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
