"""Statistics: quantiles, medians, NaN-ignoring reductions, histograms, unique.

numpy's semantics with `keras.ops`'s dtypes: quantiles and means of integers
come out as `floatx()` (`float64` for `int64` and `float64` inputs).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.backend import floatx, to_torch_dtype
from lamina.ops._convert import axes as _axes_arg
from lamina.ops._convert import promote, to_tensor
from lamina.ops._reductions import (
    _SMALL_INTS,
    _all_axes,
    argmax,
    argmin,
    cumprod,
    cumsum,
)
from lamina.ops._reductions import prod as _prod

_WIDE = (torch.int64, torch.float64)


def _float_result(x: torch.Tensor) -> torch.dtype:
    """The float dtype of a statistic of `x` (Keras's `result_type(x, float)`)."""
    if x.is_floating_point():
        return x.dtype
    return torch.float64 if x.dtype in _WIDE else to_torch_dtype(floatx())


def _move_to_end(x: torch.Tensor, axis: Any) -> tuple[torch.Tensor, tuple[int, ...]]:
    """`x` with the `axis` axes flattened into one last axis; the reduced axes."""
    reduced = tuple(sorted(a % x.ndim for a in _all_axes(x, axis)))
    kept = [a for a in range(x.ndim) if a not in reduced]
    moved = x.permute(*kept, *reduced)
    shape = [x.shape[a] for a in kept] + [math.prod(x.shape[a] for a in reduced)]
    return moved.reshape(shape), reduced


def _quantile(
    fn: Any, x: Any, q: Any, axis: Any, method: str, keepdims: bool
) -> torch.Tensor:
    """`torch.quantile`-like `fn` over `axis`, Keras's shapes and dtypes."""
    x = to_tensor(x)
    result = _float_result(x)
    compute = torch.float64 if result == torch.float64 else torch.float32
    q = to_tensor(q, device=x.device).to(compute)
    flat, reduced = _move_to_end(x.to(compute), axis)
    out = fn(flat, q, dim=-1, interpolation=method)
    if keepdims:
        for a in reduced:
            out = out.unsqueeze(a + 1 if q.ndim else a)
    return out.to(result)


def quantile(
    x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    """The `q`-th quantiles of `x` over `axis` (`q` in [0, 1]).

    Args:
        x: input tensor.
        q: a quantile or a 1-D tensor of quantiles; their axis comes first.
        axis: `None` (all axes), an int or a tuple of ints.
        method: `"linear"`, `"lower"`, `"higher"`, `"midpoint"` or `"nearest"`.
        keepdims: keep the reduced axes with size 1.
    """
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


def percentile(
    x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    """The `q`-th percentiles of `x` over `axis` (`q` in [0, 100])."""
    return quantile(x, to_tensor(q) / 100.0, axis, method, keepdims)


def nanquantile(
    x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    """`quantile`, ignoring NaN values."""
    return _quantile(torch.nanquantile, x, q, axis, method, keepdims)


def nanpercentile(
    x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    """`percentile`, ignoring NaN values."""
    return nanquantile(x, to_tensor(q) / 100.0, axis, method, keepdims)


def median(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """The median over `axis` (the mean of the two middle values for even counts)."""
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def nanmedian(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """`median`, ignoring NaN values."""
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def average(x: Any, axis: Any = None, weights: Any = None) -> torch.Tensor:
    """The (weighted) mean over `axis`; 1-D `weights` run along `axis`."""
    x = to_tensor(x)
    result = _float_result(x)
    if weights is None:
        return torch.mean(x.to(result), dim=_axes_arg(axis))
    w = to_tensor(weights, device=x.device)
    result = torch.promote_types(result, _float_result(w))
    x, w = x.to(result), w.to(result)
    if axis is not None and w.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        w = w.reshape(shape)
    w = torch.broadcast_to(w, x.shape)
    return torch.sum(x * w, dim=axis) / torch.sum(w, dim=axis)


def ptp(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """The range (max - min) over `axis`."""
    x = to_tensor(x)
    dims = _all_axes(x, axis)
    return torch.amax(x, dim=dims, keepdim=keepdims) - torch.amin(
        x, dim=dims, keepdim=keepdims
    )


def _nan_filled(x: torch.Tensor, value: float) -> torch.Tensor:
    """`x` with NaN replaced by `value` (integers are returned as they are)."""
    if not x.is_floating_point():
        return x
    return torch.where(torch.isnan(x), torch.full_like(x, value), x)


def _all_nan(x: torch.Tensor, axis: Any, keepdims: bool) -> torch.Tensor:
    """Where every reduced value is NaN."""
    return torch.all(torch.isnan(x), dim=_all_axes(x, axis), keepdim=keepdims)


def nansum(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Sum over `axis`, treating NaN as 0."""
    x = to_tensor(x)
    dtype = torch.int32 if x.dtype in _SMALL_INTS else x.dtype
    return torch.sum(_nan_filled(x, 0.0), dim=_axes_arg(axis), keepdim=keepdims).to(
        dtype
    )


def nanprod(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Product over `axis`, treating NaN as 1."""
    return _prod(_nan_filled(to_tensor(x), 1.0), axis=axis, keepdims=keepdims)


def nanmean(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Mean over `axis`, ignoring NaN."""
    x = to_tensor(x)
    return torch.nanmean(x.to(_float_result(x)), dim=_axes_arg(axis), keepdim=keepdims)


def nanvar(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Population variance over `axis`, ignoring NaN."""
    x = to_tensor(x)
    x = x.to(_float_result(x))
    dims = _all_axes(x, axis)
    valid = ~torch.isnan(x)
    mean = torch.nanmean(x, dim=dims, keepdim=True)
    centered = torch.where(valid, x - mean, torch.zeros_like(x)).square()
    return centered.sum(dim=dims, keepdim=keepdims) / valid.sum(
        dim=dims, keepdim=keepdims
    )


def nanstd(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Population standard deviation over `axis`, ignoring NaN."""
    return torch.sqrt(nanvar(x, axis, keepdims))


def _nan_extreme(x: Any, axis: Any, keepdims: bool, largest: bool) -> torch.Tensor:
    """`nanmax`/`nanmin`: NaN only where every reduced value is NaN."""
    x = to_tensor(x)
    dims = _all_axes(x, axis)
    fn = torch.amax if largest else torch.amin
    if not x.is_floating_point():
        return fn(x, dim=dims, keepdim=keepdims)
    out = fn(
        _nan_filled(x, -math.inf if largest else math.inf), dim=dims, keepdim=keepdims
    )
    return torch.where(_all_nan(x, axis, keepdims), torch.full_like(out, math.nan), out)


def nanmax(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Maximum over `axis`, ignoring NaN."""
    return _nan_extreme(x, axis, keepdims, largest=True)


def nanmin(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Minimum over `axis`, ignoring NaN."""
    return _nan_extreme(x, axis, keepdims, largest=False)


def _nan_arg(x: Any, axis: Any, keepdims: bool, largest: bool) -> torch.Tensor:
    """`nanargmax`/`nanargmin`: -1 where every reduced value is NaN."""
    x = to_tensor(x)
    fn = argmax if largest else argmin
    if not x.is_floating_point():
        return fn(x, axis=axis, keepdims=keepdims)
    out = fn(_nan_filled(x, -math.inf if largest else math.inf), axis, keepdims)
    return torch.where(_all_nan(x, axis, keepdims), torch.full_like(out, -1), out)


def nanargmax(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Index of the maximum over `axis`, ignoring NaN (-1 for all-NaN slices)."""
    return _nan_arg(x, axis, keepdims, largest=True)


def nanargmin(x: Any, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Index of the minimum over `axis`, ignoring NaN (-1 for all-NaN slices)."""
    return _nan_arg(x, axis, keepdims, largest=False)


def nancumsum(x: Any, axis: Any = None, dtype: Any = None) -> torch.Tensor:
    """Cumulative sum along `axis`, treating NaN as 0."""
    return cumsum(_nan_filled(to_tensor(x), 0.0), axis=axis, dtype=dtype)


def nancumprod(x: Any, axis: Any = None, dtype: Any = None) -> torch.Tensor:
    """Cumulative product along `axis`, treating NaN as 1."""
    return cumprod(_nan_filled(to_tensor(x), 1.0), axis=axis, dtype=dtype)


def bincount(
    x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False
) -> torch.Tensor:
    """Counts (or sums `weights` of) each non-negative integer in `x`.

    A 2-D `x` is counted row by row.

    Raises:
        ValueError: for `sparse=True`.
    """
    if sparse:
        raise ValueError("lamina tensors are dense: `bincount` needs sparse=False.")
    x = to_tensor(x).long()
    w = None if weights is None else to_tensor(weights, device=x.device)
    dtype = torch.int32 if w is None else w.dtype
    length = max(int(x.max()) + 1 if x.numel() else 0, minlength)
    if x.ndim == 1:
        return torch.bincount(x, w, length).to(dtype)
    rows = torch.arange(x.shape[0], device=x.device).unsqueeze(1) * length
    flat = torch.bincount(
        (x + rows).reshape(-1),
        None if w is None else w.reshape(-1),
        length * x.shape[0],
    )
    return flat.reshape(x.shape[0], length).to(dtype)


def digitize(x: Any, bins: Any) -> torch.Tensor:
    """The index of the bin each value of `x` falls into (`int32`)."""
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    bins = to_tensor(bins, device=x.device)
    return torch.bucketize(x, bins.to(x.dtype), right=True).to(torch.int32)


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> torch.Tensor:
    """Indices where `values` would be inserted to keep `sorted_sequence` sorted.

    Raises:
        ValueError: when `sorted_sequence` is not 1-D.
    """
    seq = to_tensor(sorted_sequence)
    if seq.ndim != 1:
        raise ValueError(
            "`searchsorted` needs a 1-D sorted sequence. Received: "
            f"sorted_sequence.shape={tuple(seq.shape)}"
        )
    seq, vals = promote(seq, values)
    return torch.searchsorted(seq, vals, side=side, out_int32=True)


def histogram(x: Any, bins: int = 10, range: Any = None) -> tuple[torch.Tensor, ...]:
    """Counts of `x` in `bins` equal bins over `range`; the bin edges.

    Raises:
        ValueError: for a non-1-D `x`.
    """
    x = to_tensor(x)
    if x.ndim != 1:
        raise ValueError(
            f"`histogram` needs a 1-D input. Received: x.shape={tuple(x.shape)}"
        )
    lo, hi = (x.min(), x.max()) if range is None else range
    edges = torch.linspace(float(lo), float(hi), bins + 1, device=x.device)
    counts = torch.histc(x.float(), bins, float(lo), float(hi))
    return counts.to(x.dtype if x.is_floating_point() else torch.float32), edges.to(
        x.dtype if x.is_floating_point() else torch.float32
    )


def isin(
    x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False
) -> torch.Tensor:
    """Whether each element of `x1` is in `x2` (or not, with `invert`)."""
    a, b = promote(x1, x2)
    if a.dtype == torch.bool:
        a, b = a.int(), b.int()
    return torch.isin(a, b, assume_unique=assume_unique, invert=invert)


def argpartition(x: Any, kth: int, axis: int = -1) -> torch.Tensor:
    """Indices that partition `x` along `axis`: the `kth` smallest in place,
    smaller values before it and larger after (`int32`)."""
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    order = torch.argsort(x, dim=axis, stable=True)
    return order.to(torch.int32)


def corrcoef(x: Any) -> torch.Tensor:
    """Pearson correlation coefficients between the rows of `x`."""
    x = to_tensor(x)
    if not x.is_floating_point():
        x = x.to(torch.float64 if x.dtype == torch.int64 else to_torch_dtype(floatx()))
    return torch.corrcoef(x)


def unique(
    x: Any,
    sorted: bool = True,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: Any = None,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    """The sorted unique values of `x`, with optional indices, inverse and counts.

    Args:
        x: input tensor.
        sorted: sort the values (they are always sorted here).
        return_index: also return the first index of each unique value.
        return_inverse: also return indices that rebuild `x` from the values.
        return_counts: also return how often each value occurs.
        axis: unique slices along `axis` instead of unique elements.
        size: pad (with `fill_value`, default 0) or truncate to `size` values.
        fill_value: the padding value.

    Returns:
        The values, or a tuple (values, [index], [inverse], [counts]).
    """
    x = to_tensor(x)
    dim = 0 if axis is None else axis % x.ndim
    values, inverse, counts = torch.unique(
        x, sorted=True, return_inverse=True, return_counts=True, dim=axis
    )
    index = None
    if return_index:
        positions = torch.arange(inverse.numel(), device=x.device)
        index = torch.full((values.shape[dim],), inverse.numel(), device=x.device)
        index = index.scatter_reduce(0, inverse.reshape(-1), positions, "amin")
    if size is not None:
        values, index, counts = _resize_unique(
            values, index, counts, dim, size, fill_value
        )
    wanted = [(return_index, index), (return_inverse, inverse), (return_counts, counts)]
    extra = [part for flag, part in wanted if flag]
    return values if not extra else (values, *extra)


def _resize_unique(
    values: torch.Tensor,
    index: torch.Tensor | None,
    counts: torch.Tensor,
    dim: int,
    size: int,
    fill: Any,
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """Pads (values with `fill`, counts with 0) or truncates `unique`'s parts."""
    n = values.shape[dim]
    if n >= size:
        index = None if index is None else index[:size]
        return values.narrow(dim, 0, size), index, counts[:size]
    pad = [0, 0] * values.ndim
    pad[2 * (values.ndim - 1 - dim) + 1] = size - n
    values = torch.nn.functional.pad(values, pad, value=0 if fill is None else fill)
    counts = torch.nn.functional.pad(counts, [0, size - n])
    if index is not None:
        index = torch.nn.functional.pad(index, [0, size - n], value=1)
    return values, index, counts
