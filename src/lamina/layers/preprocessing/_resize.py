"""Resizing a channels-last image batch as Keras does on the torch backend."""

from __future__ import annotations

import torch
import torch.nn.functional as F

INTERPOLATIONS = {
    "bilinear": "bilinear",
    "nearest": "nearest-exact",
    "bicubic": "bicubic",
}


def _crop_box(height: int, width: int, size: tuple) -> tuple[int, int, int, int]:
    """The centred box with the target's aspect ratio: (top, left, h, w)."""
    th, tw = size
    ch = max(min(height, int(float(width * th) / tw)), 1)
    cw = max(min(width, int(float(height * tw) / th)), 1)
    return int(float(height - ch) / 2), int(float(width - cw) / 2), ch, cw


def _pad_to_ratio(x: torch.Tensor, size: tuple, fill_value: float) -> torch.Tensor:
    """Pads a NCHW batch symmetrically to the target's aspect ratio."""
    height, width = x.shape[-2:]
    th, tw = size
    ph = max(height, int(float(width * th) / tw))
    pw = max(width, int(float(height * tw) / th))
    top, left = int(float(ph - height) / 2), int(float(pw - width) / 2)
    # Keras pads the same amount before and after.
    return F.pad(x, (left, left, top, top), value=fill_value)


def resize(
    images: torch.Tensor,
    size: tuple,
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_value: float = 0.0,
) -> torch.Tensor:
    """Resizes a float channels-last batch `(B, H, W, C)` to `size` (h, w)."""
    x = images.permute(0, 3, 1, 2)
    if crop_to_aspect_ratio:
        top, left, ch, cw = _crop_box(x.shape[2], x.shape[3], size)
        x = x[:, :, top : top + ch, left : left + cw]
    elif pad_to_aspect_ratio:
        x = _pad_to_ratio(x, size, fill_value)
    mode = INTERPOLATIONS[interpolation]
    antialias = antialias and interpolation in ("bilinear", "bicubic")
    align = False if interpolation in ("bilinear", "bicubic") else None
    out = F.interpolate(
        x, size=tuple(size), mode=mode, align_corners=align, antialias=antialias
    )
    return out.permute(0, 2, 3, 1)
