"""Random rectangles inside images, as RandomErasing and CutMix draw them."""

from __future__ import annotations

import torch


def box_bounds(
    start: torch.Tensor, length: int, ratio: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """`[start, end)` of a box `ratio * length` long, `start` a uniform in [0, 1)."""
    size = ratio * length
    lo = start * (length - size)
    return lo, lo + size


def box_mask(
    height: int, width: int, x: tuple, y: tuple, like: torch.Tensor
) -> torch.Tensor:
    """`(B, H, W, 1)` masks of the boxes `x0 <= col < x1`, `y0 <= row < y1`."""
    rows = torch.arange(height, dtype=like.dtype, device=like.device)[
        None, :, None, None
    ]
    cols = torch.arange(width, dtype=like.dtype, device=like.device)[
        None, None, :, None
    ]
    x0, x1 = (v[:, None, None, None] for v in x)
    y0, y1 = (v[:, None, None, None] for v in y)
    return (cols >= x0) & (cols < x1) & (rows >= y0) & (rows < y1)
