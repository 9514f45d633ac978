"""RandomZoom: zooms images in or out by a random factor during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._affine_layer import AffineAugmentation
from lamina.layers.preprocessing._bounding_boxes import (
    clip_to_image_size,
    convert_format,
)
from lamina.layers.preprocessing._image_base import symmetric_factor


class RandomZoom(AffineAugmentation):
    """Zooms each image about its centre by a random factor, in training only.

    A factor is drawn from `1 + [lower, upper]` per image: positive values zoom
    out (the image shrinks), negative ones zoom in, as in Keras. Without
    `width_factor` both axes use the height's factor. Seeded draws on the
    images' device; identity in inference.

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), the boxes are zoomed with the images and clipped to them (a box left
    with no area gets label -1), and masks with nearest neighbours, as in
    Keras.

    Args:
        height_factor: a float in `(-1, 1]` (meaning `(-f, f)`) or a pair.
        width_factor: the same for the width, or None (keep the aspect ratio).
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: integer seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomZoom(0.2, seed=0)(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 4, 4, 3])
    """

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any = None,
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
        self._height = symmetric_factor("height_factor", height_factor, (-1, 1), True)
        self._width = None
        if width_factor is not None:
            self._width = symmetric_factor("width_factor", width_factor, (-1, 1), True)

    def _matrix(self, x: torch.Tensor) -> torch.Tensor:
        B, H, W = x.shape[:3]  # batch, height, width
        zy = self._uniform((B,), 1 + self._height[0], 1 + self._height[1], x)
        zx = zy
        if self._width is not None:
            zx = self._uniform((B,), 1 + self._width[0], 1 + self._width[1], x)
        zeros = torch.zeros_like(zx)
        x_off = (W - 1) / 2.0 * (1 - zx)
        y_off = (H - 1) / 2.0 * (1 - zy)
        return torch.stack([zx, zeros, x_off, zeros, zy, y_off, zeros, zeros], dim=1)

    def _apply_boxes(
        self, boxes: dict, transform: dict | None, height: int, width: int
    ) -> dict:
        """Boxes clipped to the input window the output shows, scaled to the
        output (Keras's steps); boxes left with no area get label -1."""
        if transform is None:
            return boxes
        boxes = self._to_xyxy(boxes, height, width)
        m = transform["matrix"].to(boxes["boxes"].dtype)[:, None, :]  # (B, 1, 8)
        # The input window seen by the output: [w0, w1] x [h0, h1].
        w0, h0 = m[..., 2], m[..., 5]
        w1, h1 = m[..., 0] * width + w0, m[..., 4] * height + h0
        x1, y1, x2, y2 = boxes["boxes"].unbind(-1)

        def inside(v: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor) -> torch.Tensor:
            return torch.minimum(torch.maximum(v, lo), hi) - lo

        rel = torch.stack(
            [
                inside(x1, w0, w1) / (w1 - w0),
                inside(y1, h0, h1) / (h1 - h0),
                inside(x2, w0, w1) / (w1 - w0),
                inside(y2, h0, h1) / (h1 - h0),
            ],
            dim=-1,
        )
        boxes = clip_to_image_size({**boxes, "boxes": rel}, None, None, "rel_xyxy")
        return convert_format(boxes, "rel_xyxy", self._box_format, height, width)

    def get_config(self) -> dict:
        return {
            **self._affine_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
