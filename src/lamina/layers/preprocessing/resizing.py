"""Resizing: resizes image batches to a target height and width."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import ImageLayer
from lamina.layers.preprocessing._resize import INTERPOLATIONS, resize


class Resizing(ImageLayer):
    """Resizes images to `(height, width)`, in training and inference alike.

    Runs on torch tensors, on the inputs' device (`F.interpolate`).

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
        x, single = self._as_batch(inputs)
        x = resize(
            x,
            (self.height, self.width),
            self.interpolation,
            self.antialias,
            self.crop_to_aspect_ratio,
            self.pad_to_aspect_ratio,
            self.fill_value,
        )
        return self._from_batch(x, single)

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
