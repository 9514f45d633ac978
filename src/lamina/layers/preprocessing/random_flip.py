"""RandomFlip: flips images at random during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._bounding_boxes import (
    clip_to_image_size,
    convert_format,
)
from lamina.layers.preprocessing._image_base import RandomImageLayer

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(RandomImageLayer):
    """Flips each image left-right and/or top-bottom with probability 1/2.

    Active only in training (a direct call counts as training, as in Keras;
    inside a model, `predict` and `evaluate` leave images unchanged). Draws
    are seeded and made on the images' device. As in Keras, with
    `"horizontal_and_vertical"` one draw per image decides both flips.

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), boxes and masks flip with their images, as in Keras (masks come back
    in the compute dtype, as Keras casts them).

    Args:
        mode: `"horizontal"`, `"vertical"` or `"horizontal_and_vertical"`.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.RandomFlip("horizontal", seed=1)
    >>> layer(np.ones((2, 3, 3, 1)), training=False).shape
    torch.Size([2, 3, 3, 1])
    """

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in _MODES:
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument "
                f"{mode}. Expected one of {list(_MODES)}."
            )
        self.mode = mode

    def _draw(self, x: torch.Tensor, training: Any) -> torch.Tensor | None:
        """`(B, 1, 1, 1)` booleans: which images flip (None in inference)."""
        if not training:
            return None
        return self._uniform((x.shape[0], 1, 1, 1), 0.0, 1.0, x) <= 0.5

    def _apply_images(
        self, x: torch.Tensor, flips: torch.Tensor | None
    ) -> torch.Tensor:
        if flips is None:
            return x
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            x = torch.where(flips, x.flip(2), x)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            x = torch.where(flips, x.flip(1), x)
        return x

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        return self._apply_images(x, self._draw(x, True))

    def _apply_masks(
        self, masks: torch.Tensor, flips: torch.Tensor | None
    ) -> torch.Tensor:
        # Keras treats masks as images: cast to the compute dtype, then flipped.
        return self._apply_images(
            masks.to(self._dtype_policy.torch_compute_dtype), flips
        )

    def _apply_boxes(
        self, boxes: dict, flips: torch.Tensor | None, height: int, width: int
    ) -> dict:
        """Boxes mirrored with their images (in relative coordinates, as Keras)."""
        if flips is None:
            return boxes
        fmt = self._box_format
        boxes = convert_format(dict(boxes), fmt, "rel_xyxy", height, width)
        b = boxes["boxes"]
        flip = flips.reshape(-1, 1, 1).to(b.device)
        x1, y1, x2, y2 = b.unbind(-1)
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            b = torch.where(flip, torch.stack([1 - x2, y1, 1 - x1, y2], -1), b)
            x1, y1, x2, y2 = b.unbind(-1)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            b = torch.where(flip, torch.stack([x1, 1 - y2, x2, 1 - y1], -1), b)
        # Keras clips these relative boxes as pixels (so only below 0).
        boxes = clip_to_image_size({**boxes, "boxes": b}, height, width, "xyxy")
        return convert_format(boxes, "rel_xyxy", fmt, height, width)

    def get_config(self) -> dict:
        return {**self._config(), "seed": self.seed, "mode": self.mode}
