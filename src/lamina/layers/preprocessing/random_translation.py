"""RandomTranslation: shifts images by a random offset during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._affine_layer import AffineAugmentation
from lamina.layers.preprocessing._bounding_boxes import clip_to_image_size
from lamina.layers.preprocessing._image_base import symmetric_factor


class RandomTranslation(AffineAugmentation):
    """Shifts each image by a random fraction of its size, in training only.

    Offsets are drawn per image from `height_factor * height` and
    `width_factor * width` (a float `f` means `[-f, f]`; positive values move
    the content down/right). Seeded draws on the images' device; identity in
    inference.

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), the boxes move with the images and are clipped to them (a box left
    with no area gets label -1), and masks move with nearest neighbours, as in
    Keras.

    Args:
        height_factor: a float in `[-1, 1]` or a pair.
        width_factor: a float in `[-1, 1]` or a pair.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: integer seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

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

    def _apply_boxes(
        self, boxes: dict, transform: dict | None, height: int, width: int
    ) -> dict:
        """Boxes move with the content, then are clipped to the image (labels of
        boxes left with no area become -1), as Keras does."""
        if transform is None:
            return boxes
        boxes = self._to_xyxy(boxes, height, width)
        m = transform["matrix"].to(boxes["boxes"].dtype)
        # The output pixel (0, 0) reads the input at (a2, b2): content moves by minus that.
        origin = torch.stack([m[:, 2], m[:, 5], m[:, 2], m[:, 5]], dim=-1)
        boxes["boxes"] = boxes["boxes"] - origin[:, None, :]
        boxes = clip_to_image_size(boxes, height, width, "xyxy")
        return self._from_xyxy(boxes, height, width)

    def get_config(self) -> dict:
        return {
            **self._affine_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
