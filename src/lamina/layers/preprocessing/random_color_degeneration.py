"""RandomColorDegeneration: blends images toward grayscale in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._color import check_value_range, grayscale
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomColorDegeneration(RandomImageLayer):
    """Moves each image toward its grayscale: `x + f * (gray(x) - x)`.

    `f` is drawn per image from `factor` (a float `v` means `[-v, v]`, as in
    Keras); the result is clipped to `value_range`. Seeded draws on the
    images' device; identity in inference.

    Args:
        factor: a float in `[-1, 1]` or a pair.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.RandomColorDegeneration((1.0, 1.0))
    >>> layer(np.array([[[[100.0, 100.0, 100.0]]]])).shape
    torch.Size([1, 1, 1, 3])
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
        self.factor = symmetric_factor("factor", factor, (-1, 1))
        self.value_range = check_value_range(value_range)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        f = self._uniform((x.shape[0], 1, 1, 1), *self.factor, x)
        out = x + f * (grayscale(x) - x)
        return out.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
