"""Resizing: resizes image batches to a target height and width."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._bounding_boxes import clip_to_image_size
from lamina.layers.preprocessing._image_base import ImageLayer
from lamina.layers.preprocessing._resize import INTERPOLATIONS, resize


class Resizing(ImageLayer):
    """Resizes images to `(height, width)`, in training and inference alike.

    Runs on torch tensors, on the inputs' device (`F.interpolate`).

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), boxes are scaled (and cropped or padded) as the images are, clipped
    to the output (a box left with no area gets label -1; padding boxes of
    all 0 or all -1 become zeros), and masks are resized with nearest
    neighbours in their dtype, as in Keras, in training and inference alike.

    Args:
        height, width: the output size.
        interpolation: `"bilinear"` (default), `"nearest"` or `"bicubic"`.
        crop_to_aspect_ratio: first crop the largest centred box with the
            target's aspect ratio.
        pad_to_aspect_ratio: first pad (with `fill_value`) to the target's
            aspect ratio.
        fill_mode: `"constant"` (the only mode).
        fill_value: the padding value.
        antialias: anti-aliasing filter when downsampling (bilinear, bicubic).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

    Input shape:
        `(batch, height, width, channels)` or one image of rank 3.

    Output shape:
        `(batch, height, width, channels)` with the target size.

    Example:
    >>> import lamina
    >>> lamina.layers.Resizing(2, 3)(np.ones((1, 4, 4, 3))).shape
    torch.Size([1, 2, 3, 3])
    """

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        if interpolation not in INTERPOLATIONS:
            raise ValueError(
                "Invalid value for argument `interpolation`. Expected of one "
                f"{set(INTERPOLATIONS)}. Received: interpolation={interpolation}"
            )
        if fill_mode != "constant":
            raise ValueError(
                "Invalid value for argument `fill_mode`. Only `'constant'` is "
                f"supported. Received: fill_mode={fill_mode}"
            )
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be "
                "`True`."
            )
        self.height, self.width = height, width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if isinstance(inputs, dict):
            return self._call_dict(inputs)
        x, single = self._as_batch(inputs)
        return self._from_batch(self._apply_images(x, None), single)

    def _draw(self, x: torch.Tensor, training: Any) -> None:
        return None  # not random: the same resize in training and inference

    def _apply_images(
        self, x: torch.Tensor, transform: Any, interpolation: str | None = None
    ) -> torch.Tensor:
        return resize(
            x,
            (self.height, self.width),
            interpolation or self.interpolation,
            self.antialias,
            self.crop_to_aspect_ratio,
            self.pad_to_aspect_ratio,
            self.fill_value,
        )

    def _apply_masks(self, masks: torch.Tensor, transform: Any) -> torch.Tensor:
        """Masks resized with nearest neighbours, in their own dtype (Keras)."""
        out = self._apply_images(masks.to(torch.float32), None, "nearest")
        return out if masks.is_floating_point() else out.round().to(masks.dtype)

    def _apply_boxes(
        self, boxes: dict, transform: Any, height: int, width: int
    ) -> dict:
        """Boxes scaled (and shifted by the crop or padding) as the images are,
        clipped to the output; padding boxes (all 0 or all -1) become zeros."""
        b = boxes["boxes"]
        padding = ((b == -1).all(-1) | (b == 0).all(-1))[..., None]
        boxes = self._to_xyxy(boxes, height, width)
        b = boxes["boxes"]
        h = torch.tensor(float(height), dtype=b.dtype, device=b.device)
        w = torch.tensor(float(width), dtype=b.dtype, device=b.device)
        th, tw = self.height, self.width
        if self.pad_to_aspect_ratio:
            scale = torch.minimum((th / h).to(b.dtype), (tw / w).to(b.dtype))
            sx = sy = scale
            dx = -((tw - w * scale) // 2)
            dy = -((th - h * scale) // 2)
        elif self.crop_to_aspect_ratio:
            wider = (w / h) > (tw / th)
            new_w = th * (w / h) if wider else torch.tensor(float(tw))
            new_h = torch.tensor(float(th)) if wider else tw / (w / h)
            sx, sy = new_w / w, new_h / h
            dx, dy = (new_w - tw) // 2, (new_h - th) // 2
        else:
            sx, sy = (tw / w).to(b.dtype), (th / h).to(b.dtype)
            dx = dy = torch.zeros((), dtype=b.dtype, device=b.device)
        x1, y1, x2, y2 = b.unbind(-1)
        b = torch.stack([x1 * sx - dx, y1 * sy - dy, x2 * sx - dx, y2 * sy - dy], -1)
        boxes = clip_to_image_size({**boxes, "boxes": b}, th, tw, "xyxy")
        boxes["boxes"] = torch.where(
            padding, torch.zeros_like(boxes["boxes"]), boxes["boxes"]
        )
        return self._from_xyxy(boxes, th, tw)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }
