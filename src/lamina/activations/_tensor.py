"""Input conversion shared by the activation functions."""

from __future__ import annotations

import torch


def as_tensor(x: object) -> torch.Tensor:
    """Returns `x` unchanged when it is a tensor, else `torch.as_tensor(x)`."""
    if isinstance(x, torch.Tensor):
        return x
    return torch.as_tensor(x)
