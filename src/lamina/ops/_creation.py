"""Tensor creation: `zeros`, `ones`, `full`, `arange`, `linspace`, `eye`, ..."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import floatx, get_device, to_torch_dtype
from lamina.ops._convert import to_tensor


def _shape(shape: Any) -> tuple[int, ...]:
    """A shape given as an int or a sequence, as a tuple."""
    if isinstance(shape, int):
        return (shape,)
    return tuple(int(d) for d in shape)


def _dtype(dtype: Any) -> torch.dtype:
    """The torch dtype for `dtype`, `floatx()` when `None`."""
    return to_torch_dtype(floatx() if dtype is None else dtype)


def zeros(shape: Any, dtype: Any = None) -> torch.Tensor:
    """Returns a tensor of zeros of the given shape (float32 by default)."""
    return torch.zeros(_shape(shape), dtype=_dtype(dtype), device=get_device())


def ones(shape: Any, dtype: Any = None) -> torch.Tensor:
    """Returns a tensor of ones of the given shape (float32 by default)."""
    return torch.ones(_shape(shape), dtype=_dtype(dtype), device=get_device())


def full(shape: Any, fill_value: Any, dtype: Any = None) -> torch.Tensor:
    """Returns a tensor of the given shape filled with `fill_value`.

    Args:
        shape: an int or a tuple of ints.
        fill_value: a number, or a tensor broadcastable to `shape`.
        dtype: the dtype; `floatx()` (float32) when `None`, as in Keras.

    Returns:
        A new tensor.
    """
    if isinstance(fill_value, torch.Tensor):
        value = fill_value.to(_dtype(dtype))
        return torch.broadcast_to(value, _shape(shape)).clone()
    return torch.full(
        _shape(shape), fill_value, dtype=_dtype(dtype), device=get_device()
    )


def zeros_like(x: Any, dtype: Any = None) -> torch.Tensor:
    """Returns zeros with the shape of `x` (and its dtype unless `dtype` is set)."""
    x = to_tensor(x)
    return torch.zeros_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))


def ones_like(x: Any, dtype: Any = None) -> torch.Tensor:
    """Returns ones with the shape of `x` (and its dtype unless `dtype` is set)."""
    x = to_tensor(x)
    return torch.ones_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> torch.Tensor:
    """Returns `fill_value` in the shape of `x` (and its dtype unless `dtype` is set)."""
    x = to_tensor(x)
    target = x.dtype if dtype is None else to_torch_dtype(dtype)
    if isinstance(fill_value, torch.Tensor):
        return torch.broadcast_to(fill_value.to(target), x.shape).clone()
    return torch.full_like(x, fill_value, dtype=target)


def arange(
    start: Any, stop: Any = None, step: Any = None, dtype: Any = None
) -> torch.Tensor:
    """Returns evenly spaced values in `[start, stop)`, like `numpy.arange`.

    With one argument it counts from 0 to `start`. The dtype is `int32` when
    every bound is an int, else `floatx()`.

    Args:
        start: the first value (or the end, when `stop` is `None`).
        stop: the end, excluded.
        step: the spacing, 1 by default.
        dtype: the dtype, or `None` to infer it.

    Returns:
        A 1-D tensor.
    """
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if dtype is None:
        ints = all(isinstance(v, int) for v in (start, stop, step))
        dtype = "int32" if ints else floatx()
    return torch.arange(
        start, stop, step, dtype=to_torch_dtype(dtype), device=get_device()
    )


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
) -> Any:
    """Returns `num` evenly spaced values from `start` to `stop`.

    Args:
        start: the first value (a number or a tensor, for many ranges at once).
        stop: the last value (included when `endpoint` is True).
        num: how many values.
        endpoint: whether `stop` is the last value.
        retstep: also return the spacing.
        dtype: the dtype, `floatx()` by default.
        axis: where the new axis goes when `start`/`stop` are tensors.

    Returns:
        A tensor, or `(tensor, step)` when `retstep` is True.
    """
    div = max((num - 1) if endpoint else num, 1)
    if isinstance(start, (int, float)) and isinstance(stop, (int, float)):
        count = num if endpoint else num + 1
        out = torch.linspace(
            start, stop, count, dtype=_dtype(dtype), device=get_device()
        )
        out = out if endpoint else out[:num]
        return (out, (stop - start) / div) if retstep else out
    start_t, stop_t = to_tensor(start), to_tensor(stop)
    compute = torch.promote_types(start_t.dtype, to_torch_dtype(floatx()))
    step = (stop_t.to(compute) - start_t.to(compute)) / div
    ticks = torch.arange(num, dtype=compute, device=start_t.device)
    ticks = ticks.reshape((num,) + (1,) * step.ndim)
    out = torch.movedim(start_t + ticks * step, 0, axis).to(_dtype(dtype))
    return (out, step) if retstep else out


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> torch.Tensor:
    """Returns an `N x M` matrix with ones on the `k`-th diagonal, zeros elsewhere."""
    rows = torch.arange(N, device=get_device())[:, None]
    cols = torch.arange(N if M is None else M, device=get_device())[None, :]
    return (cols - rows == k).to(_dtype(dtype))


def identity(n: int, dtype: Any = None) -> torch.Tensor:
    """Returns the `n x n` identity matrix."""
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> torch.Tensor:
    """Returns an `N x M` matrix with ones at and below the `k`-th diagonal."""
    rows = torch.arange(N, device=get_device())[:, None]
    cols = torch.arange(N if M is None else M, device=get_device())[None, :]
    return (cols - rows <= k).to(_dtype(dtype))


def triu(x: Any, k: int = 0) -> torch.Tensor:
    """Returns `x` with the elements below the `k`-th diagonal zeroed."""
    return torch.triu(to_tensor(x), k)


def tril(x: Any, k: int = 0) -> torch.Tensor:
    """Returns `x` with the elements above the `k`-th diagonal zeroed."""
    return torch.tril(to_tensor(x), k)
