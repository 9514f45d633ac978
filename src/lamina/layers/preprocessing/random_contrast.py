"""RandomContrast: scales each image's contrast by a random factor in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomContrast(RandomImageLayer):
    """Adjusts contrast per image and channel mean: `(x - mean) * c + mean`.

    `c` is drawn per image from `[1 - lower, 1 + upper]`, where `factor` gives
    `(lower, upper)`; as in Keras 3, a single number `f` gives `(0, f)`, so
    `c` is in `[1, 1 + f]`. The result is clipped to `value_range`. Seeded
    draws on the images' device; identity in inference.

    Args:
        factor: a float in `[0, 1]`, or a pair.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        seed: integer seed.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomContrast(0.2, seed=0)(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 4, 4, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.value_range = value_range

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        lower, upper = self.factor
        c = self._uniform((x.shape[0], 1, 1, 1), 1.0 - lower, 1.0 + upper, x)
        mean = x.mean(dim=(1, 2), keepdim=True)
        out = (x - mean) * c + mean
        return out.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        config = {**self._config(), "factor": self.factor}
        config.pop("data_format")
        return {**config, "value_range": self.value_range, "seed": self.seed}
