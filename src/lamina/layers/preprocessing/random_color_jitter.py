"""RandomColorJitter: random brightness, contrast, saturation and hue."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer
from lamina.layers.preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.random_contrast import RandomContrast
from lamina.layers.preprocessing.random_hue import RandomHue
from lamina.layers.preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(RandomImageLayer):
    """Applies RandomBrightness, RandomContrast, RandomSaturation and RandomHue
    in that order, each only when its factor is given, in training only.

    Each part draws from its own seeded generator on the images' device (seeded
    from `seed`); identity in inference.

    Args:
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        brightness_factor, contrast_factor, saturation_factor, hue_factor: the
            factors of the four parts, or None to skip a part.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.RandomColorJitter(brightness_factor=0.2, seed=0)
    >>> layer(np.ones((2, 3, 3, 3))).shape
    torch.Size([2, 3, 3, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        value_range: Any = (0, 255),
        brightness_factor: Any = None,
        contrast_factor: Any = None,
        saturation_factor: Any = None,
        hue_factor: Any = None,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        parts = [
            (RandomBrightness, brightness_factor),
            (RandomContrast, contrast_factor),
            (RandomSaturation, saturation_factor),
            (RandomHue, hue_factor),
        ]
        self._parts = [
            cls(factor, value_range=value_range, seed=self._base_seed + i)
            for i, (cls, factor) in enumerate(parts)
            if factor is not None
        ]

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        for part in self._parts:
            x = part._augment(x)
        return x

    def get_config(self) -> dict:
        return {
            **self._config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
            "seed": self.seed,
        }
