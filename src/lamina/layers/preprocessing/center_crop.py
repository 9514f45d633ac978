"""CenterCrop: crops the central part of images to a target size."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._bounding_boxes import clip_to_image_size
from lamina.layers.preprocessing._image_base import ImageLayer
from lamina.layers.preprocessing._resize import _crop_box, resize


class CenterCrop(ImageLayer):
    """Crops the centre `(height, width)` of each image, in training and inference.

    An image smaller than the target on an axis is instead cropped to the
    target's aspect ratio and resized (bilinear), as Keras's `smart_resize`.
    Runs on torch tensors, on the inputs' device.

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), boxes are cropped with the images and clipped to the output (a box
    left with no area gets label -1), and masks are cropped as images (in the
    compute dtype), as in Keras, in training and inference alike.

    Args:
        height, width: the output size.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

    Example:
    >>> import lamina
    >>> lamina.layers.CenterCrop(2, 2)(np.ones((1, 4, 5, 3))).shape
    torch.Size([1, 2, 2, 3])
    """

    def __init__(
        self, height: int, width: int, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if isinstance(inputs, dict):
            return self._call_dict(inputs)
        x, single = self._as_batch(inputs)
        return self._from_batch(self._apply_images(x, None), single)

    def _draw(self, x: torch.Tensor, training: Any) -> None:
        return None  # not random: the same crop in training and inference

    def _apply_images(self, x: torch.Tensor, transform: Any) -> torch.Tensor:
        h_diff, w_diff = x.shape[1] - self.height, x.shape[2] - self.width
        if h_diff >= 0 and w_diff >= 0:
            top, left = h_diff // 2, w_diff // 2
            return x[:, top : top + self.height, left : left + self.width]
        return resize(x, (self.height, self.width), crop_to_aspect_ratio=True)

    def _apply_masks(self, masks: torch.Tensor, transform: Any) -> torch.Tensor:
        # Keras crops masks as images (cast to the compute dtype, and bilinear
        # when the image is smaller than the target).
        return self._apply_images(
            masks.to(self._dtype_policy.torch_compute_dtype), None
        )

    def _apply_boxes(
        self, boxes: dict, transform: Any, height: int, width: int
    ) -> dict:
        """Boxes clipped to the crop window and moved into it (scaled to the
        target when the window is resized), clipped to the output; a box left
        with no area gets label -1, as in Keras."""
        boxes = self._to_xyxy(boxes, height, width)
        h_diff, w_diff = height - self.height, width - self.width
        if h_diff >= 0 and w_diff >= 0:
            top, left = int(h_diff / 2), int(w_diff / 2)
            crop_h, crop_w = self.height, self.width
        else:
            top, left, crop_h, crop_w = _crop_box(
                height, width, (self.height, self.width)
            )
        x1, y1, x2, y2 = boxes["boxes"].unbind(-1)
        b = torch.stack(
            [
                x1.clamp(left, left + crop_w) - left,
                y1.clamp(top, top + crop_h) - top,
                x2.clamp(left, left + crop_w) - left,
                y2.clamp(top, top + crop_h) - top,
            ],
            dim=-1,
        )
        if (crop_h, crop_w) != (self.height, self.width):  # the window is resized
            sides = [crop_w, crop_h, crop_w, crop_h]
            b = b / torch.tensor(sides, dtype=b.dtype, device=b.device)
            target = [self.width, self.height, self.width, self.height]
            b = b * torch.tensor(target, dtype=b.dtype, device=b.device)
        boxes = clip_to_image_size(
            {**boxes, "boxes": b}, self.height, self.width, "xyxy"
        )
        return self._from_xyxy(boxes, self.height, self.width)

    def get_config(self) -> dict:
        return {**self._config(), "height": self.height, "width": self.width}
