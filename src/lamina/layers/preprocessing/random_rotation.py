"""RandomRotation: rotates images by a random angle during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._affine_layer import (
    AffineAugmentation,
    rotation_matrix,
)
from lamina.layers.preprocessing._bounding_boxes import (
    affine_transform,
    clip_to_image_size,
)
from lamina.layers.preprocessing._image_base import symmetric_factor


class RandomRotation(AffineAugmentation):
    """Rotates each image about its centre by a random angle, in training only.

    The angle is drawn uniformly from `factor * 360` degrees: `factor=0.1`
    means `[-36, 36]` degrees, `factor=(-0.2, 0.3)` means `[-72, 108]`.
    Points outside the image are filled according to `fill_mode`. Seeded
    draws on the images' device; identity in inference.

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), each box becomes the axis-aligned box around its rotated corners,
    clipped to the image (a box left with no area gets label -1), and masks
    rotate with nearest neighbours, as in Keras.

    Args:
        factor: a float in `[-1, 1]`, or a pair `(lower, upper)`, as a fraction
            of a full turn.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: integer seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

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

    def _draw(self, x: torch.Tensor, training: Any) -> dict | None:
        """`{"angle": (B,) degrees, "matrix": (B, 8)}` in training."""
        if not training or x.device.type == "meta":
            return None
        lower, upper = self.factor
        angle = self._uniform((x.shape[0],), lower * 360.0, upper * 360.0, x)
        return {
            "angle": angle,
            "matrix": rotation_matrix(angle, x.shape[1], x.shape[2]),
        }

    def _apply_boxes(
        self, boxes: dict, transform: dict | None, height: int, width: int
    ) -> dict:
        """The box around each rotated box, clipped to the image (labels of
        boxes left with no area become -1), as Keras does."""
        if transform is None:
            return boxes
        boxes = self._to_xyxy(boxes, height, width)
        angle = transform["angle"]
        zeros, ones = torch.zeros_like(angle), torch.ones_like(angle)
        boxes["boxes"] = affine_transform(
            boxes["boxes"], angle, zeros, zeros, ones, zeros, zeros, height, width
        )
        boxes = clip_to_image_size(boxes, height, width, "xyxy")
        return self._from_xyxy(boxes, height, width)

    def get_config(self) -> dict:
        return {**self._affine_config(), "factor": self.factor}
