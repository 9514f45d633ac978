"""Indexing, gathering and sorting: `take`, `slice`, `scatter`, `sort`, `top_k`, ..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from lamina.backend import floatx, to_torch_dtype
from lamina.ops._convert import to_tensor


def _indices(indices: Any, device: torch.device, size: int) -> torch.Tensor:
    """Integer indices as `int64`, negative ones counted from the end."""
    indices = to_tensor(indices, device=device).long()
    return torch.where(indices < 0, indices + size, indices)


def take(x: Any, indices: Any, axis: int | None = None) -> torch.Tensor:
    """Takes elements of `x` at `indices` along `axis` (of the flattened `x` for `None`).

    Args:
        x: input tensor.
        indices: integer indices of any shape; negative ones count from the end.
        axis: the axis to index, or `None`.

    Returns:
        A tensor of shape `x.shape[:axis] + indices.shape + x.shape[axis + 1:]`.
    """
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis %= x.ndim
    idx = _indices(indices, x.device, x.shape[axis])
    out = torch.index_select(x, axis, idx.reshape(-1))
    return out.reshape(x.shape[:axis] + idx.shape + x.shape[axis + 1 :])


def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> torch.Tensor:
    """Picks values of `x` at `indices` along `axis`; the two broadcast elsewhere.

    Args:
        x: input tensor.
        indices: integer indices with the rank of `x` (or 1-D for `axis=None`).
        axis: the axis to index, or `None` to index the flattened `x`.

    Returns:
        A tensor with the broadcast shape of `x` and `indices`.
    """
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    idx = _indices(indices, x.device, x.shape[axis])
    return torch.take_along_dim(x, idx, dim=axis)


def slice(
    inputs: Any, start_indices: Sequence[Any], shape: Sequence[int]
) -> torch.Tensor:
    """Returns the block of `inputs` of size `shape` that starts at `start_indices`.

    Args:
        inputs: input tensor.
        start_indices: one start per axis (ints or 0-d integer tensors).
        shape: the size of the block along each axis.

    Returns:
        A tensor of shape `shape` (a view of `inputs`).
    """
    x = to_tensor(inputs)
    for axis, (start, length) in enumerate(zip(start_indices, shape, strict=True)):
        x = torch.narrow(x, axis, start, int(length))
    return x


def slice_update(
    inputs: Any, start_indices: Sequence[Any], updates: Any
) -> torch.Tensor:
    """Returns a copy of `inputs` with the block at `start_indices` set to `updates`."""
    out = to_tensor(inputs).clone()
    updates = to_tensor(updates, device=out.device).to(out.dtype)
    slice(out, start_indices, updates.shape).copy_(updates)
    return out


def _index_tuple(indices: Any, device: torch.device) -> tuple[torch.Tensor, ...]:
    """`(n, k)` coordinate rows as a tuple of `k` index tensors."""
    indices = to_tensor(indices, device=device).long()
    return tuple(indices.reshape(-1, indices.shape[-1]).unbind(-1))


def scatter(indices: Any, values: Any, shape: Sequence[int]) -> torch.Tensor:
    """Returns zeros of `shape` with `values` added at the coordinates `indices`.

    Args:
        indices: integer coordinates, shape `(n, k)` with `k <= len(shape)`.
        values: the values, shape `(n,) + shape[k:]`; repeated coordinates add.
        shape: the shape of the result.

    Returns:
        A tensor of shape `shape` and the dtype of `values`.
    """
    values = to_tensor(values)
    out = torch.zeros(tuple(shape), dtype=values.dtype, device=values.device)
    return out.index_put(_index_tuple(indices, values.device), values, accumulate=True)


def scatter_update(
    inputs: Any, indices: Any, updates: Any, reduction: str | None = None
) -> torch.Tensor:
    """Returns a copy of `inputs` with `updates` written at the coordinates `indices`.

    Args:
        inputs: input tensor.
        indices: integer coordinates, shape `(n, k)`.
        updates: the new values, shape `(n,) + inputs.shape[k:]`.
        reduction: `None` to overwrite, or `"add"` to add to the old values.

    Returns:
        A new tensor with the shape and dtype of `inputs`.

    Raises:
        ValueError: for an unsupported `reduction`.
    """
    if reduction not in (None, "add"):
        raise ValueError(
            f"`reduction` must be None or 'add'. Received: reduction={reduction!r}"
        )
    x = to_tensor(inputs)
    updates = to_tensor(updates, device=x.device).to(x.dtype)
    where = _index_tuple(indices, x.device)
    return x.index_put(where, updates, accumulate=reduction == "add")


def one_hot(
    x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False
) -> torch.Tensor:
    """One-hot encodes integer labels; out-of-range labels (e.g. -1) give all zeros.

    Args:
        x: integer labels.
        num_classes: the number of classes (the size of the new axis).
        axis: where the new axis goes.
        dtype: the dtype of the result, `floatx()` by default.
        sparse: only `False` is supported.

    Returns:
        A tensor with one more axis than `x`.

    Raises:
        ValueError: when `sparse=True`.
    """
    if sparse:
        raise ValueError("lamina tensors are dense: `sparse` must be False.")
    x = to_tensor(x)
    classes = torch.arange(num_classes, device=x.device)
    out = (x.unsqueeze(-1) == classes).to(to_torch_dtype(dtype or floatx()))
    return torch.movedim(out, -1, axis)


def sort(x: Any, axis: int = -1) -> torch.Tensor:
    """Sorts `x` in ascending order along `axis`."""
    return torch.sort(to_tensor(x), dim=axis).values


def argsort(x: Any, axis: int = -1) -> torch.Tensor:
    """Indices that sort `x` along `axis` (stable), as `int32`."""
    return torch.argsort(to_tensor(x), dim=axis, stable=True).to(torch.int32)


def top_k(x: Any, k: int, sorted: bool = True) -> Any:
    """The `k` largest values along the last axis, and their indices.

    Args:
        x: input tensor.
        k: how many values to return.
        sorted: return them in descending order.

    Returns:
        A `(values, indices)` pair (torch's `topk` result; indices are int64,
        as with Keras's torch backend).
    """
    return torch.topk(to_tensor(x), k, dim=-1, sorted=sorted)
