"""Small tensor helpers shared by the metrics (conversion, rank matching, safe division)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

# Metrics name themselves by the one rule every object follows (re-exported).
from lamina._naming import to_snake_case as to_snake_case
from lamina.backend import floatx, to_torch_dtype


def as_tensor(x: Any, dtype: Any = None, device: Any = None) -> torch.Tensor:
    """Returns `x` as a tensor; numpy float64 and Python floats become `floatx()`.

    Args:
        x: a tensor, numpy array, list or number.
        dtype: optional dtype to cast to.
        device: optional device for inputs that are not tensors yet.

    Returns:
        A `torch.Tensor` (the input itself when nothing changes).
    """
    if not isinstance(x, torch.Tensor):
        array = np.asarray(x)
        if array.dtype == np.float64 and dtype is None:
            dtype = floatx()
        x = torch.as_tensor(array, device=device)
    if dtype is not None:
        torch_dtype = to_torch_dtype(dtype)
        if x.dtype != torch_dtype:
            x = x.to(torch_dtype)
    return x


def squeeze_or_expand_to_same_rank(
    x1: torch.Tensor, x2: torch.Tensor, expand_rank_1: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Makes two tensors the same rank when they differ by a trailing axis of 1.

    A rank-1 tensor gets a trailing axis (when `expand_rank_1`); otherwise the
    one with the extra axis of size 1 loses it.
    """
    r1, r2 = x1.dim(), x2.dim()
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2.unsqueeze(-1)
        else:
            x1 = x1.squeeze(-1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1.unsqueeze(-1)
        else:
            x2 = x2.squeeze(-1)
    return x1, x2


def broadcast_weights(weights: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """Broadcasts per-sample `weights` to `shape`, adding trailing axes as needed."""
    if weights.dim() < len(shape):
        weights = weights.reshape(*weights.shape, *([1] * (len(shape) - weights.dim())))
    return weights.expand(shape)


def divide_no_nan(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """`x / y`, with 0 wherever `y == 0`."""
    zero = y == 0
    return torch.where(
        zero, torch.zeros_like(x), x / torch.where(zero, torch.ones_like(y), y)
    )
