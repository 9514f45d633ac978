"""Activations that act along an axis: softmax, log-softmax, sparsemax, GLU."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

from lamina.activations._tensor import as_tensor


def _over_axes(
    x: torch.Tensor, axis: Sequence[int], fn: Callable[[torch.Tensor], torch.Tensor]
) -> torch.Tensor:
    """Applies `fn` along the last axis after merging the axes in `axis` into it."""
    axes = sorted({a % x.ndim for a in axis})
    rest = [a for a in range(x.ndim) if a not in axes]
    moved = x.permute(*rest, *axes)
    out = fn(moved.reshape(*moved.shape[: len(rest)], -1)).reshape(moved.shape)
    inverse = [0] * x.ndim
    for position, a in enumerate(rest + axes):
        inverse[a] = position
    return out.permute(*inverse)


def softmax(x: torch.Tensor, axis: int | Sequence[int] = -1) -> torch.Tensor:
    """Softmax: `exp(x) / sum(exp(x))` along `axis`.

    The outputs lie in `[0, 1]` and sum to 1 along `axis`.

    Args:
        x: input tensor of log-odds.
        axis: the axis (or tuple of axes) to normalize along.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    x = as_tensor(x)
    if isinstance(axis, int):
        return F.softmax(x, dim=axis)
    return _over_axes(x, axis, lambda t: F.softmax(t, dim=-1))


def log_softmax(x: torch.Tensor, axis: int | Sequence[int] = -1) -> torch.Tensor:
    """Log-softmax: `x - log(sum(exp(x)))` along `axis`, computed stably.

    Args:
        x: input tensor.
        axis: the axis (or tuple of axes) to normalize along.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    x = as_tensor(x)
    if isinstance(axis, int):
        return F.log_softmax(x, dim=axis)
    return _over_axes(x, axis, lambda t: F.log_softmax(t, dim=-1))


def _sparsemax_last(x: torch.Tensor) -> torch.Tensor:
    """Sparsemax along the last axis (Martins & Astudillo, 2016)."""
    z = torch.sort(x, dim=-1, descending=True).values
    k = torch.arange(1, x.shape[-1] + 1, dtype=x.dtype, device=x.device)
    cumsum = torch.cumsum(z, dim=-1)
    support = (1 + k * z) > cumsum  # which sorted entries stay positive
    k_z = support.sum(dim=-1, keepdim=True)
    tau = (torch.gather(cumsum, -1, k_z - 1) - 1) / k_z.to(x.dtype)
    return torch.relu(x - tau)


def sparsemax(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """Sparsemax: `max(x - tau(x), 0)` along `axis`.

    Like softmax the outputs sum to 1, but they are the Euclidean projection
    of `x` onto the probability simplex, so many are exactly zero.

    Args:
        x: input tensor.
        axis: the axis to normalize along.

    Returns:
        A tensor with the shape and dtype of `x`.
    """
    x = as_tensor(x)
    return _sparsemax_last(x.movedim(axis, -1)).movedim(-1, axis)


def glu(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """Gated linear unit: `a * sigmoid(b)`, with `x` split in halves `a, b` on `axis`.

    Args:
        x: input tensor; its size along `axis` must be even.
        axis: the axis to split.

    Returns:
        A tensor with half the size of `x` along `axis`.

    Raises:
        ValueError: when the size along `axis` is odd.
    """
    x = as_tensor(x)
    if x.shape[axis] % 2:
        raise ValueError(
            "`glu` splits `x` in two equal halves along `axis`, so that size "
            f"must be even. Received: x.shape={tuple(x.shape)}, axis={axis}"
        )
    return F.glu(x, dim=axis)
