"""RandomInvert: inverts images at random during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomInvert(RandomImageLayer):
    """Replaces an image `x` by `max - x` with a random probability.

    Per image, a probability `p` is drawn from `factor`'s range and the image
    is inverted when another uniform draw falls below it (Keras's scheme; a
    float `f` means `p` in `[0, f]`). Seeded draws on the images' device;
    identity in inference.

    Args:
        factor: a float in `[0, 1]` or a pair (default 1.0).
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomInvert(seed=0)(np.zeros((1, 2, 2, 3))).shape
    torch.Size([1, 2, 2, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        factor: Any = 1.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.value_range = value_range

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        batch = (x.shape[0],)
        probability = self._uniform(batch, *self.factor, x)
        apply = self._uniform(batch, 0.0, 1.0, x) < probability
        return torch.where(apply[:, None, None, None], self.value_range[1] - x, x)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
