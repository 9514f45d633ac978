"""Attention masks and masked softmax shared by the attention layers."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def as_mask(mask: Any, like: torch.Tensor) -> torch.Tensor | None:
    """A user mask (tensor, array or list) as a boolean tensor on `like`'s device."""
    if mask is None:
        return None
    if not isinstance(mask, torch.Tensor):
        mask = torch.as_tensor(np.asarray(mask), device=like.device)
    return mask.bool()


def large_negative(dtype: torch.dtype) -> float:
    """The additive penalty for masked scores: finite, so no NaN appears."""
    if dtype in (torch.float16, torch.bfloat16):
        return float(torch.finfo(dtype).min)
    return -1e9


def causal_mask(q_len: int, k_len: int, device: torch.device) -> torch.Tensor:
    """Boolean `(q_len, k_len)` mask: query `i` sees keys `j <= i` (top-left)."""
    i = torch.arange(q_len, device=device).unsqueeze(-1)
    return torch.arange(k_len, device=device) <= i


def band_mask(
    q_len: int, k_len: int, device: torch.device, sliding_window: int
) -> torch.Tensor:
    """Boolean `(q_len, k_len)` mask: `|i - j| < sliding_window`."""
    i = torch.arange(q_len, device=device).unsqueeze(-1)
    j = torch.arange(k_len, device=device)
    return (i - j).abs() < sliding_window


def combine(*masks: torch.Tensor | None) -> torch.Tensor | None:
    """Logical AND of the masks that are not None (None when all are None)."""
    out = None
    for m in masks:
        if m is None:
            continue
        m = m.bool()
        out = m if out is None else out & m
    return out


def additive(mask: torch.Tensor | None, dtype: torch.dtype) -> torch.Tensor | None:
    """A boolean mask as an additive float mask (0 kept, large negative dropped)."""
    if mask is None:
        return None
    zero = torch.zeros((), dtype=dtype, device=mask.device)
    return torch.where(mask, zero, large_negative(dtype))


def masked_softmax(
    scores: torch.Tensor, mask: torch.Tensor | None, zero_masked: bool
) -> torch.Tensor:
    """Softmax over the last axis with a large negative added to masked scores.

    With `zero_masked`, masked probabilities are set to exactly 0 afterwards, so
    a fully masked row gives zeros instead of a uniform distribution.
    """
    if mask is None:
        return torch.softmax(scores, dim=-1)
    scores = scores + additive(mask, scores.dtype)
    probs = torch.softmax(scores, dim=-1)
    return probs * mask if zero_masked else probs
