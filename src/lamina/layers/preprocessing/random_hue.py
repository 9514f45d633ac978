"""RandomHue: shifts colour hue by a random amount in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._color import hsv_to_rgb, rescale, rgb_to_hsv
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomHue(RandomImageLayer):
    """Rotates each image's hue by a random fraction of the colour circle.

    The shift is `+- f / 2` turns, `f` drawn per image from `factor` (a float
    `v` means `[0, v]`) and the sign at random, as in Keras. Seeded draws on the
    images' device; identity in inference.

    Args:
        factor: a float in `[0, 1]` or a pair.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomHue(0.5, seed=0)(np.ones((2, 3, 3, 3))).shape
    torch.Size([2, 3, 3, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.value_range = value_range

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        batch = (x.shape[0],)
        sign = torch.where(self._uniform(batch, 0.0, 1.0, x) > 0.5, -1.0, 1.0)
        shift = (sign * self._uniform(batch, *self.factor, x) * 0.5).reshape(-1, 1, 1)
        h, s, v = rgb_to_hsv(rescale(x, self.value_range, (0, 1))).unbind(-1)
        h = h + shift
        h = torch.where(h > 1.0, h - 1.0, h)
        h = torch.where(h < 0.0, h + 1.0, h)
        rgb = hsv_to_rgb(torch.stack([h, s, v], dim=-1)).clamp(0, 1)
        return rescale(rgb, (0, 1), self.value_range)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
