"""Reductions: `sum`, `mean`, `max`, `std`, `argmax`, `cumsum`, `moments`, ...

Every reduction takes `axis` as `None` (all axes), an int, or a tuple/list of
ints, and `keepdims` to keep reduced axes with size 1. Sums and products of
small integers and bools come out as `int32`, means and variances of integers
as `floatx()`, and arg-reductions as `int32` indices, as in Keras.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import to_torch_dtype
from lamina.ops._convert import _SMALL_INTS, float_tensor, to_tensor
from lamina.ops._convert import axes as _axes_arg


def _int32_if_small(x: torch.Tensor) -> torch.dtype | None:
    """`int32` for bool and integers narrower than 64 bits, else `None`."""
    return torch.int32 if x.dtype in _SMALL_INTS else None


def _all_axes(x: torch.Tensor, axis: Any) -> tuple[int, ...]:
    """The reduced axes as a tuple (every axis for `None`)."""
    axis = _axes_arg(axis)
    if axis is None:
        return tuple(range(x.ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _over_axes(fn: Any, x: torch.Tensor, axis: Any, keepdims: bool) -> torch.Tensor:
    """Runs the torch reduction `fn` over the axes Keras's `axis` names."""
    return fn(x, dim=_all_axes(x, axis), keepdim=keepdims)


def _bounded(
    fn: Any, x: Any, axis: Any, keepdims: bool, low: Any = None, high: Any = None
) -> torch.Tensor:
    """`fn` over `axis`, then clamped to `[low, high]` where they are given."""
    out = _over_axes(fn, to_tensor(x), axis, keepdims)
    if low is None and high is None:
        return out
    return torch.clamp(out, min=low, max=high)


def _population(fn: Any, x: Any, axis: Any, keepdims: bool) -> torch.Tensor:
    """`torch.std`/`torch.var` dividing by N, over `axis`, in floating point."""
    return fn(float_tensor(x), dim=_axes_arg(axis), correction=0, keepdim=keepdims)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Sum of the elements of `x` over `axis`.

    Args:
        x: input tensor.
        axis: `None` (all axes), an int or a tuple of ints.
        keepdims: keep the reduced axes with size 1.

    Returns:
        The reduced tensor (`int32` for bool and small integer inputs).
    """
    x = to_tensor(x)
    return torch.sum(x, dim=_axes_arg(axis), keepdim=keepdims, dtype=_int32_if_small(x))


def prod(
    x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None
) -> torch.Tensor:
    """Product of the elements of `x` over `axis`.

    Args:
        x: input tensor.
        axis: `None` (all axes), an int or a tuple of ints.
        keepdims: keep the reduced axes with size 1.
        dtype: the dtype of the result, by default that of `x` (`int32` for
            bool and small integer inputs).

    Returns:
        The reduced tensor.
    """
    x = to_tensor(x)
    target = _int32_if_small(x) if dtype is None else to_torch_dtype(dtype)
    out = x if target is None else x.to(target)
    dims = {a % x.ndim for a in _all_axes(x, axis)} if x.ndim else set()
    for a in dims:
        out = torch.prod(out, dim=a, keepdim=True, dtype=out.dtype)
    if keepdims or not dims:
        return out
    return out.squeeze(tuple(dims))


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Arithmetic mean of `x` over `axis` (integer inputs give `floatx()`)."""
    return torch.mean(float_tensor(x), dim=_axes_arg(axis), keepdim=keepdims)


def max(
    x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None
) -> torch.Tensor:
    """Largest element of `x` over `axis`.

    Args:
        x: input tensor.
        axis: `None` (all axes), an int or a tuple of ints.
        keepdims: keep the reduced axes with size 1.
        initial: a lower bound for the result, or `None`.

    Returns:
        The reduced tensor, with the dtype of `x`.
    """
    return _bounded(torch.amax, x, axis, keepdims, low=initial)


def min(
    x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None
) -> torch.Tensor:
    """Smallest element of `x` over `axis`.

    Args:
        x: input tensor.
        axis: `None` (all axes), an int or a tuple of ints.
        keepdims: keep the reduced axes with size 1.
        initial: an upper bound for the result, or `None`.

    Returns:
        The reduced tensor, with the dtype of `x`.
    """
    return _bounded(torch.amin, x, axis, keepdims, high=initial)


def amax(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Largest element of `x` over `axis` (same as `max` without `initial`)."""
    return max(x, axis=axis, keepdims=keepdims)


def amin(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Smallest element of `x` over `axis` (same as `min` without `initial`)."""
    return min(x, axis=axis, keepdims=keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Population standard deviation (divides by N) of `x` over `axis`."""
    return _population(torch.std, x, axis, keepdims)


def var(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Population variance (divides by N) of `x` over `axis`."""
    return _population(torch.var, x, axis, keepdims)


def all(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Whether every element of `x` over `axis` is true (non-zero); a bool tensor."""
    return _over_axes(torch.all, to_tensor(x), axis, keepdims)


def any(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Whether some element of `x` over `axis` is true (non-zero); a bool tensor."""
    return _over_axes(torch.any, to_tensor(x), axis, keepdims)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> torch.Tensor:
    """Index of the largest element along `axis` (of the flattened `x` for `None`).

    Args:
        x: input tensor.
        axis: an int, or `None` to search the flattened tensor.
        keepdims: keep the reduced axis with size 1.

    Returns:
        An `int32` tensor of indices (the first one on ties).
    """
    return torch.argmax(to_tensor(x), dim=axis, keepdim=keepdims).to(torch.int32)


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> torch.Tensor:
    """Index of the smallest element along `axis`; `int32`, like `argmax`."""
    return torch.argmin(to_tensor(x), dim=axis, keepdim=keepdims).to(torch.int32)


def _cumulative(fn: Any, x: Any, axis: int | None, dtype: Any) -> torch.Tensor:
    """Runs `torch.cumsum`/`cumprod` with Keras's flattening and dtypes."""
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if dtype is not None:
        target = to_torch_dtype(dtype)
    else:
        target = torch.int32 if x.dtype == torch.bool else x.dtype
    return fn(x.to(target), dim=axis, dtype=target)


def cumsum(x: Any, axis: int | None = None, dtype: Any = None) -> torch.Tensor:
    """Cumulative sum along `axis` (of the flattened `x` for `None`).

    Args:
        x: input tensor.
        axis: an int, or `None` to flatten `x` first.
        dtype: the result dtype; by default that of `x` (`int32` for bool).

    Returns:
        A tensor with the shape of `x` (1-D when `axis` is `None`).
    """
    return _cumulative(torch.cumsum, x, axis, dtype)


def cumprod(x: Any, axis: int | None = None, dtype: Any = None) -> torch.Tensor:
    """Cumulative product along `axis`; arguments as in `cumsum`."""
    return _cumulative(torch.cumprod, x, axis, dtype)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """`log(sum(exp(x)))` over `axis`, computed stably."""
    return _over_axes(torch.logsumexp, float_tensor(x), axis, keepdims)


def count_nonzero(x: Any, axis: Any = None) -> torch.Tensor:
    """Number of non-zero elements of `x` over `axis`, as `int32`."""
    x = to_tensor(x)
    return torch.count_nonzero(x, dim=_all_axes(x, axis)).to(torch.int32)


def moments(
    x: Any, axes: Any, keepdims: bool = False, synchronized: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and (population) variance of `x` over `axes`.

    Half-precision inputs are reduced in float32 and cast back, for accuracy.

    Args:
        x: input tensor.
        axes: the axes to reduce (an int or a list of ints).
        keepdims: keep the reduced axes with size 1.
        synchronized: accepted for Keras compatibility; no effect here.

    Returns:
        A `(mean, variance)` pair.
    """
    x = float_tensor(x)
    wide = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
    variance, average = torch.var_mean(
        wide, dim=_all_axes(x, axes), correction=0, keepdim=keepdims
    )
    return average.to(x.dtype), variance.to(x.dtype)
