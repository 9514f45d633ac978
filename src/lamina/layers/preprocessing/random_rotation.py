"""RandomRotation: rotates images by a random angle during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._affine_layer import (
    AffineAugmentation,
    rotation_matrix,
)
from lamina.layers.preprocessing._image_base import symmetric_factor


class RandomRotation(AffineAugmentation):
    """Rotates each image about its centre by a random angle, in training only.

    The angle is drawn uniformly from `factor * 360` degrees: `factor=0.1`
    means `[-36, 36]` degrees, `factor=(-0.2, 0.3)` means `[-72, 108]`.
    Points outside the image are filled according to `fill_mode`. Seeded
    draws on the images' device; identity in inference.

    Args:
        factor: a float in `[-1, 1]`, or a pair `(lower, upper)`, as a fraction
            of a full turn.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: integer seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomRotation(0.1, seed=0)(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 4, 4, 3])
    """

    def __init__(
        self,
        factor: Any,
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
        self.factor = symmetric_factor("factor", factor, (-1, 1))

    def _matrix(self, x: torch.Tensor) -> torch.Tensor:
        lower, upper = self.factor
        angle = self._uniform((x.shape[0],), lower * 360.0, upper * 360.0, x)
        return rotation_matrix(angle, x.shape[1], x.shape[2])

    def get_config(self) -> dict:
        return {**self._affine_config(), "factor": self.factor}
