"""RandomBrightness: adds a random offset to each image in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomBrightness(RandomImageLayer):
    """Adds `delta * (max - min)` to each image, `delta` drawn from `factor`.

    A float `f` means `delta` in `[-f, f]`; a pair gives the range. The result
    is clipped to `value_range`. Seeded draws on the images' device; identity
    in inference.

    Args:
        factor: a float in `[-1, 1]`, or a pair.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        seed: integer seed.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomBrightness(0.2, seed=0)(np.ones((2, 4, 4, 3))).shape
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
        self.factor = symmetric_factor("factor", factor, (-1, 1))
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                "The `value_range` argument should be a list of two numbers. "
                f"Received: value_range={value_range}"
            )
        self.value_range = sorted(value_range)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        low, high = self.value_range
        delta = self._uniform((x.shape[0], 1, 1, 1), *self.factor, x) * (high - low)
        return (x + delta).clamp(low, high)

    def get_config(self) -> dict:
        config = {**self._config(), "factor": self.factor}
        config.pop("data_format")
        return {**config, "value_range": self.value_range, "seed": self.seed}
