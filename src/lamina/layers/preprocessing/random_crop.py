"""RandomCrop: crops a random `(height, width)` window in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer
from lamina.layers.preprocessing._resize import _crop_box, resize


class RandomCrop(RandomImageLayer):
    """Crops one random `(height, width)` window from the batch, in training.

    As in Keras 3, the window's offset is drawn once per batch; an image not
    larger than the target on both axes is instead sliced from the corner of
    the centred aspect-ratio box and resized to the target, as Keras does. In
    inference the images pass unchanged (cast to float). Seeded draws on the
    images' device.

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), boxes move by the window's offset and are floored at 0, labels are
    kept, and masks are cropped with the images, as Keras does in training.
    Unlike Keras 3.15, x is moved by the left offset and y by the top one
    (Keras swaps them), relative formats are read at the input size (Keras
    reads them at the crop size), and masks pass unchanged in inference (Keras
    crops them while leaving the images whole).

    Args:
        height, width: the crop size.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomCrop(2, 2, seed=0)(np.ones((1, 4, 4, 3))).shape
    torch.Size([1, 2, 2, 3])
    """

    def __init__(
        self,
        height: int,
        width: int,
        seed: int | None = None,
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = height, width

    def _draw(self, x: torch.Tensor, training: Any) -> tuple | None:
        """The window's `(top, left)`, one per batch (None in inference)."""
        if not training:
            return None
        in_h, in_w = x.shape[1], x.shape[2]
        if in_h > self.height and in_w > self.width and x.device.type != "meta":
            top_t = self._uniform((), 0.0, float(in_h - self.height + 1), x).long()
            left_t = self._uniform((), 0.0, float(in_w - self.width + 1), x).long()
            return top_t, left_t
        # Keras slices the target size from the aspect-ratio box's corner.
        top, left, _, _ = _crop_box(in_h, in_w, (self.height, self.width))
        return top, left

    def _apply_images(self, x: torch.Tensor, transform: tuple | None) -> torch.Tensor:
        if transform is None:
            return x
        top, left = transform
        if isinstance(top, torch.Tensor):  # a drawn window: no host sync
            rows = top + torch.arange(self.height, device=x.device)
            cols = left + torch.arange(self.width, device=x.device)
            return x.index_select(1, rows).index_select(2, cols)
        x = x[:, top : top + self.height, left : left + self.width]
        if tuple(x.shape[1:3]) != (self.height, self.width):
            x = resize(x, (self.height, self.width))
        return x

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        return self._apply_images(x, self._draw(x, True))

    def _apply_masks(
        self, masks: torch.Tensor, transform: tuple | None
    ) -> torch.Tensor:
        # Cropped as images (in the compute dtype), as Keras does in training.
        if transform is None:
            return masks
        return self._apply_images(
            masks.to(self._dtype_policy.torch_compute_dtype), transform
        )

    def _apply_boxes(
        self, boxes: dict, transform: tuple | None, height: int, width: int
    ) -> dict:
        """Boxes moved by the window's offset and floored at 0; labels kept."""
        if transform is None:
            return boxes
        top, left = transform
        xyxy = self._to_xyxy(boxes, height, width)["boxes"]
        offset = torch.stack(
            [torch.as_tensor(v, device=xyxy.device) for v in (left, top, left, top)]
        ).to(xyxy.dtype)
        moved = torch.clamp(xyxy - offset, min=0)
        return self._from_xyxy({**boxes, "boxes": moved}, self.height, self.width)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "height": self.height,
            "width": self.width,
            "seed": self.seed,
        }
