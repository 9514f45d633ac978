"""RandomTranslation: shifts images by a random offset during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._affine_layer import AffineAugmentation
from lamina.layers.preprocessing._image_base import symmetric_factor


class RandomTranslation(AffineAugmentation):
    """Shifts each image by a random fraction of its size, in training only.

    Offsets are drawn per image from `height_factor * height` and
    `width_factor * width` (a float `f` means `[-f, f]`; positive values move
    the content down/right). Seeded draws on the images' device; identity in
    inference.

    Args:
        height_factor: a float in `[-1, 1]` or a pair.
        width_factor: a float in `[-1, 1]` or a pair.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: integer seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.RandomTranslation(0.1, 0.1, seed=0)
    >>> layer(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 4, 4, 3])
    """

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            fill_mode, interpolation, seed, fill_value, data_format, **kwargs
        )
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height = symmetric_factor("height_factor", height_factor, (-1, 1))
        self._width = symmetric_factor("width_factor", width_factor, (-1, 1))

    def _matrix(self, x: torch.Tensor) -> torch.Tensor:
        B, H, W = x.shape[:3]  # batch, height, width
        dy = self._uniform((B,), *self._height, x) * H
        dx = self._uniform((B,), *self._width, x) * W
        ones, zeros = torch.ones_like(dx), torch.zeros_like(dx)
        return torch.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], dim=1)

    def get_config(self) -> dict:
        return {
            **self._affine_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
