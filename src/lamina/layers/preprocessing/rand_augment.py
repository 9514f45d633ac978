"""RandAugment: a few random augmentations per batch, from a fixed list."""

from __future__ import annotations

import random
from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor
from lamina.layers.preprocessing.auto_contrast import AutoContrast
from lamina.layers.preprocessing.equalization import Equalization
from lamina.layers.preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.random_color_degeneration import (
    RandomColorDegeneration,
)
from lamina.layers.preprocessing.random_contrast import RandomContrast
from lamina.layers.preprocessing.random_posterization import RandomPosterization
from lamina.layers.preprocessing.random_rotation import RandomRotation
from lamina.layers.preprocessing.random_sharpness import RandomSharpness
from lamina.layers.preprocessing.random_shear import RandomShear
from lamina.layers.preprocessing.random_translation import RandomTranslation
from lamina.layers.preprocessing.solarization import Solarization


def augmentation_ops(
    factor: tuple, value_range: Any, interpolation: str, seed: int
) -> dict:
    """The operations of RandAugment and AugMix, by Keras's names, all with
    magnitude `factor` and working on channels-last batches."""
    f, vr, s = factor, value_range, seed
    last = "channels_last"
    return {
        "random_shear": RandomShear(
            x_factor=f,
            y_factor=f,
            interpolation=interpolation,
            data_format=last,
            seed=s,
        ),
        "random_translation": RandomTranslation(
            f, f, interpolation=interpolation, data_format=last, seed=s + 1
        ),
        "random_rotation": RandomRotation(
            f, interpolation=interpolation, data_format=last, seed=s + 2
        ),
        "random_brightness": RandomBrightness(f, value_range=vr, seed=s + 3),
        "random_color_degeneration": RandomColorDegeneration(
            f, value_range=vr, seed=s + 4
        ),
        "random_contrast": RandomContrast(f, value_range=vr, seed=s + 5),
        "random_sharpness": RandomSharpness(f, value_range=vr, seed=s + 6),
        "random_posterization": RandomPosterization(
            max(1, int(8 * f[1])), value_range=vr, seed=s + 7
        ),
        "solarization": Solarization(
            addition_factor=f, threshold_factor=f, value_range=vr, seed=s + 8
        ),
        "auto_contrast": AutoContrast(value_range=vr),
        "equalization": Equalization(value_range=vr),
    }


class RandAugment(RandomImageLayer):
    """Applies `num_ops` operations, each picked at random per batch, from
    Keras's list: shear, translation, rotation, brightness, colour
    degeneration, contrast, sharpness, posterization, solarization,
    auto-contrast and equalization, all with magnitude `factor`.

    The operation indices are drawn on the host from a seeded Python RNG (a
    few integers: no device copy or sync); each operation draws its own
    parameters on the images' device. Identity in inference.

    Args:
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        num_ops: operations per batch (default 2).
        factor: magnitude, a float in `[0, 1]` or a pair (default 0.5).
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.RandAugment(seed=0)(np.ones((2, 6, 6, 3))).shape
    torch.Size([2, 6, 6, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        num_ops: int = 2,
        factor: Any = 0.5,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.interpolation = interpolation
        self._picker = random.Random(self._base_seed)
        self._ops = list(
            augmentation_ops(
                self.factor, value_range, interpolation, self._base_seed
            ).values()
        )

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        for _ in range(self.num_ops):
            x = self._ops[self._picker.randrange(len(self._ops))]._augment(x)
        return x

    def get_config(self) -> dict:
        return {
            **self._config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
