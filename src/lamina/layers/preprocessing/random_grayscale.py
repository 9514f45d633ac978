"""RandomGrayscale: turns images to grayscale at random during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._color import grayscale
from lamina.layers.preprocessing._image_base import RandomImageLayer


class RandomGrayscale(RandomImageLayer):
    """Replaces each image by its grayscale version with probability `factor`.

    The gray value (`0.2989 R + 0.587 G + 0.114 B`) is repeated over the three
    channels, so the shape is kept. Seeded draws on the images' device;
    identity in inference.

    Args:
        factor: probability in `[0, 1]` (default 0.5).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomGrayscale(1.0)(np.ones((1, 2, 2, 3))).shape
    torch.Size([1, 2, 2, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        factor: float = 0.5,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(
                f"`factor` should be between 0 and 1. Received: factor={factor}"
            )
        self.factor = factor

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        apply = self._uniform((x.shape[0], 1, 1, 1), 0.0, 1.0, x) < self.factor
        return torch.where(apply, grayscale(x).expand_as(x), x)

    def get_config(self) -> dict:
        return {**self._config(), "factor": self.factor, "seed": self.seed}
