"""Value-range helpers of the colour layers (Keras works in [0, 255])."""

from __future__ import annotations

from typing import Any

import torch


def check_value_range(value_range: Any) -> list:
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(
            "The `value_range` argument should be a list of two numbers. "
            f"Received: value_range={value_range}"
        )
    return sorted(value_range)


def rescale(x: torch.Tensor, source: Any, target: Any) -> torch.Tensor:
    """Maps values linearly from the `source` range to the `target` range."""
    if tuple(source) == tuple(target):
        return x
    x = (x - source[0]) / (source[1] - source[0])
    return x * (target[1] - target[0]) + target[0]


def grayscale(x: torch.Tensor) -> torch.Tensor:
    """Channels-last RGB to one luma channel (ITU-R 601 weights), as Keras."""
    if x.shape[-1] != 3:
        return x
    r, g, b = x.unbind(-1)
    return (0.2989 * r + 0.587 * g + 0.114 * b).unsqueeze(-1)


def rgb_to_hsv(x: torch.Tensor) -> torch.Tensor:
    """Channels-last RGB to HSV (hue in [0, 1)), Keras's formulas."""
    eps = torch.finfo(x.dtype).eps
    x = torch.where(x.abs() < eps, torch.zeros_like(x), x)
    r, g, b = x.unbind(-1)
    value = torch.maximum(torch.maximum(r, g), b)
    span = value - torch.minimum(torch.minimum(r, g), b)
    one = torch.ones_like(value)
    saturation = torch.where(value > 0, span / torch.where(value > 0, value, one), 0.0)
    norm = 1.0 / (6.0 * torch.where(span > 0, span, one))
    hue = torch.where(
        value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0
    )
    hue = torch.where(value == r, norm * (g - b), hue)
    hue = torch.where(span > 0, hue, 0.0) + (hue < 0.0).to(hue.dtype)
    return torch.stack([hue, saturation, value], dim=-1)


def hsv_to_rgb(x: torch.Tensor) -> torch.Tensor:
    """Channels-last HSV to RGB, the inverse of `rgb_to_hsv`."""
    hue, saturation, value = x.unbind(-1)
    dh = torch.remainder(hue, 1.0) * 6.0
    dr = torch.clamp((dh - 3.0).abs() - 1.0, 0.0, 1.0)
    dg = torch.clamp(2.0 - (dh - 2.0).abs(), 0.0, 1.0)
    db = torch.clamp(2.0 - (dh - 4.0).abs(), 0.0, 1.0)
    grey = 1.0 - saturation
    return torch.stack([value * (grey + saturation * d) for d in (dr, dg, db)], dim=-1)
