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
