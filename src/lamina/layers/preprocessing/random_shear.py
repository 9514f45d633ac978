"""RandomShear: shears images by random factors during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._affine_layer import AffineAugmentation
from lamina.layers.preprocessing._bounding_boxes import (
    clip_to_image_size,
    convert_format,
)


def _shear_factor(name: str, factor: Any) -> tuple[float, float]:
    error = ValueError(
        f"The `{name}` argument should be a number (or a list of two numbers) in "
        f"the range [0, 1]. Received: {name}={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or any(not 0 <= v <= 1 for v in factor):
            raise error
        lower, upper = sorted(factor)
        return (lower, upper)
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if not 0 <= factor <= 1:
            raise error
        return (-abs(factor), abs(factor))
    raise error


class RandomShear(AffineAugmentation):
    """Shears each image along x and y by random factors, in training only.

    Factors are drawn per image from `x_factor` and `y_factor` (a float `f`
    means `[-f, f]`) and, as in Keras, both are negated together for half of
    the images. The input point of output pixel `(x, y)` is
    `(x + sx * y, sy * x + y)`. Seeded draws on the images' device; identity in
    inference.

    Args:
        x_factor, y_factor: a float in `[0, 1]` or a pair (default 0).
        interpolation: `"bilinear"` (default) or `"nearest"`.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        fill_value: the value for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomShear(0.2, seed=0)(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 4, 4, 3])
    """

    def __init__(
        self,
        x_factor: Any = 0.0,
        y_factor: Any = 0.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            fill_mode, interpolation, seed, fill_value, data_format, **kwargs
        )
        self.x_factor = _shear_factor("x_factor", x_factor)
        self.y_factor = _shear_factor("y_factor", y_factor)
        # The config keeps the arguments: Keras's (-f, f) would not re-validate.
        self._args = {"x_factor": x_factor, "y_factor": y_factor}

    def _matrix(self, x: torch.Tensor) -> torch.Tensor:
        B = x.shape[0]  # batch
        sign = torch.where(self._uniform((B,), 0.0, 1.0, x) > 0.5, -1.0, 1.0)
        sy = self._uniform((B,), *self.y_factor, x) * sign
        sx = self._uniform((B,), *self.x_factor, x) * sign
        ones, zeros = torch.ones_like(sx), torch.zeros_like(sx)
        return torch.stack([ones, sx, zeros, sy, ones, zeros, zeros, zeros], dim=1)

    def _apply_boxes(
        self, boxes: dict, transform: dict | None, height: int, width: int
    ) -> dict:
        """Keras's sheared boxes: corners moved in relative coordinates by the
        shear amounts (exact for square images, as Keras's), then clipped (a
        box left with no area gets label -1)."""
        if transform is None:
            return boxes
        fmt = self._box_format
        boxes = convert_format(dict(boxes), fmt, "rel_xyxy", height, width)
        m = transform["matrix"].to(boxes["boxes"].dtype)
        sx, sy = m[:, 1:2], m[:, 3:4]  # (B, 1)
        x1, y1, x2, y2 = boxes["boxes"].unbind(-1)
        x1, x2 = (
            torch.where(sx < 0, x1 - sx * y1, x1 - sx * y2),
            torch.where(sx < 0, x2 - sx * y2, x2 - sx * y1),
        )
        y1, y2 = (
            torch.where(sy > 0, y1 - sy * x2, y1 - sy * x1),
            torch.where(sy > 0, y2 - sy * x1, y2 - sy * x2),
        )
        boxes["boxes"] = torch.stack([x1, y1, x2, y2], dim=-1)
        boxes = clip_to_image_size(boxes, height, width, "rel_xyxy")
        return convert_format(boxes, "rel_xyxy", fmt, height, width)

    def get_config(self) -> dict:
        return {
            **self._affine_config(),
            **self._args,
        }
