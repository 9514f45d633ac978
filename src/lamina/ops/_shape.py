"""Shape manipulation: `reshape`, `transpose`, `concatenate`, `split`, `pad`, ..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from lamina.ops._convert import promote, to_tensor

_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def reshape(x: Any, newshape: Any) -> torch.Tensor:
    """Gives `x` a new shape with the same number of elements (`-1` is inferred)."""
    newshape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    return torch.reshape(to_tensor(x), newshape)


def transpose(x: Any, axes: Sequence[int] | None = None) -> torch.Tensor:
    """Permutes the axes of `x` (reverses them when `axes` is `None`)."""
    x = to_tensor(x)
    return x.permute(*(reversed(range(x.ndim)) if axes is None else axes))


def expand_dims(x: Any, axis: int | Sequence[int]) -> torch.Tensor:
    """Inserts axes of size 1 at the positions `axis` of the result."""
    x = to_tensor(x)
    positions = (axis,) if isinstance(axis, int) else tuple(axis)
    out_ndim = x.ndim + len(positions)
    for position in sorted(p % out_ndim for p in positions):
        x = x.unsqueeze(position)
    return x


def squeeze(x: Any, axis: int | Sequence[int] | None = None) -> torch.Tensor:
    """Removes axes of size 1 (all of them, or those in `axis`).

    Raises:
        ValueError: when an axis in `axis` does not have size 1.
    """
    x = to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    dims = (axis,) if isinstance(axis, int) else tuple(axis)
    for d in dims:
        if x.shape[d] != 1:
            raise ValueError(
                f"Cannot squeeze axis {d}: its size is {x.shape[d]}, not 1. "
                f"Received: x.shape={tuple(x.shape)}, axis={axis}"
            )
    return torch.squeeze(x, dims)


def concatenate(xs: Sequence[Any], axis: int | None = 0) -> torch.Tensor:
    """Joins tensors along an existing axis (after flattening for `None`)."""
    tensors = promote(*xs)
    if axis is None:
        return torch.cat([t.reshape(-1) for t in tensors])
    return torch.cat(tensors, dim=axis)


def stack(x: Sequence[Any], axis: int = 0) -> torch.Tensor:
    """Joins same-shape tensors along a new axis."""
    return torch.stack(promote(*x), dim=axis)


def hstack(xs: Sequence[Any]) -> torch.Tensor:
    """Joins tensors column-wise (along axis 1, or 0 for 1-D tensors)."""
    return torch.hstack(promote(*xs))


def vstack(xs: Sequence[Any]) -> torch.Tensor:
    """Joins tensors row-wise (1-D tensors become rows)."""
    return torch.vstack(promote(*xs))


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[torch.Tensor]:
    """Splits `x` into equal sections, or at the given indices, along `axis`.

    Args:
        x: input tensor.
        indices_or_sections: the number of equal sections, or the sorted
            indices at which to split.
        axis: the axis to split.

    Returns:
        A list of tensors.

    Raises:
        ValueError: when `x` cannot be split into equal sections.
    """
    x = to_tensor(x)
    if isinstance(indices_or_sections, int) and x.shape[axis] % indices_or_sections:
        raise ValueError(
            "`indices_or_sections` must divide the size of the split axis evenly. "
            f"Received: indices_or_sections={indices_or_sections}, "
            f"x.shape[{axis}]={x.shape[axis]}"
        )
    sections = indices_or_sections
    if not isinstance(sections, int):
        sections = [int(i) for i in sections]
    return list(torch.tensor_split(x, sections, dim=axis))


def tile(x: Any, repeats: int | Sequence[int]) -> torch.Tensor:
    """Repeats the whole of `x` `repeats` times along each axis."""
    repeats = (repeats,) if isinstance(repeats, int) else tuple(repeats)
    return torch.tile(to_tensor(x), repeats)


def repeat(x: Any, repeats: Any, axis: int | None = None) -> torch.Tensor:
    """Repeats each element of `x` (flattened when `axis` is `None`)."""
    x = to_tensor(x)
    if not isinstance(repeats, int):
        repeats = to_tensor(repeats, device=x.device).long()
    return torch.repeat_interleave(x, repeats, dim=axis)


def broadcast_to(x: Any, shape: Sequence[int]) -> torch.Tensor:
    """Broadcasts `x` to `shape` (a view, no copy)."""
    return torch.broadcast_to(to_tensor(x), tuple(shape))


def flip(x: Any, axis: int | Sequence[int] | None = None) -> torch.Tensor:
    """Reverses the order of elements along `axis` (all axes for `None`)."""
    x = to_tensor(x)
    if axis is None:
        return torch.flip(x, tuple(range(x.ndim)))
    return torch.flip(x, (axis,) if isinstance(axis, int) else tuple(axis))


def roll(x: Any, shift: Any, axis: Any = None) -> torch.Tensor:
    """Shifts elements along `axis`, wrapping around (flattened for `None`)."""
    return torch.roll(to_tensor(x), shift, dims=axis)


def swapaxes(x: Any, axis1: int, axis2: int) -> torch.Tensor:
    """Swaps two axes of `x`."""
    return torch.swapaxes(to_tensor(x), axis1, axis2)


def moveaxis(x: Any, source: Any, destination: Any) -> torch.Tensor:
    """Moves axes of `x` from `source` to `destination` positions."""
    return torch.movedim(to_tensor(x), source, destination)


def ravel(x: Any) -> torch.Tensor:
    """Flattens `x` to 1-D."""
    return torch.reshape(to_tensor(x), (-1,))


def append(x1: Any, x2: Any, axis: int | None = None) -> torch.Tensor:
    """Appends `x2` to `x1` along `axis` (both flattened for `None`)."""
    return concatenate([x1, x2], axis=axis)


def meshgrid(*x: Any, indexing: str = "xy") -> list[torch.Tensor]:
    """Coordinate grids from 1-D coordinate vectors.

    Args:
        *x: 1-D tensors.
        indexing: `"xy"` (Cartesian) or `"ij"` (matrix) indexing.

    Returns:
        A list of tensors, one per input.

    Raises:
        ValueError: for an unknown `indexing`.
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(
            f"`indexing` must be 'xy' or 'ij'. Received: indexing={indexing!r}"
        )
    return list(torch.meshgrid(*[to_tensor(t) for t in x], indexing=indexing))


def _pad_pairs(pad_width: Any, ndim: int) -> np.ndarray:
    """numpy-style `pad_width` as an `(ndim, 2)` int array."""
    try:
        return np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (ndim, 2))
    except ValueError as err:
        raise ValueError(
            "`pad_width` must be an int, a (before, after) pair, or one pair per "
            f"axis. Received: pad_width={pad_width!r} for a tensor of rank {ndim}"
        ) from err


def _pad_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """Source indices for one padded axis of length `n`."""
    idx = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(idx, 0, n - 1)
    if mode == "wrap":
        return idx % n
    if mode == "symmetric":
        idx = idx % (2 * n)
        return np.where(idx >= n, 2 * n - 1 - idx, idx)
    period = 2 * (n - 1)  # reflect
    if period == 0:
        return np.zeros_like(idx)
    idx = idx % period
    return np.where(idx >= n, period - idx, idx)


def pad(
    x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None
) -> torch.Tensor:
    """Pads `x` along each axis, as `numpy.pad` does.

    Args:
        x: input tensor.
        pad_width: an int, a `(before, after)` pair, or one pair per axis.
        mode: `"constant"`, `"edge"`, `"reflect"`, `"symmetric"` or `"wrap"`.
        constant_values: the fill value for `"constant"` mode (0 by default).

    Returns:
        The padded tensor.

    Raises:
        ValueError: for an unknown mode, or `constant_values` with another mode.
    """
    if mode not in _PAD_MODES:
        raise ValueError(f"`mode` must be one of {_PAD_MODES}. Received: mode={mode!r}")
    if constant_values is not None and mode != "constant":
        raise ValueError(
            "`constant_values` can only be set with mode='constant'. "
            f"Received: mode={mode!r}, constant_values={constant_values!r}"
        )
    x = to_tensor(x)
    pairs = _pad_pairs(pad_width, x.ndim)
    if mode == "constant":
        flat = [int(v) for before, after in pairs[::-1] for v in (before, after)]
        return F.pad(x, flat, value=0 if constant_values is None else constant_values)
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            index = _pad_index(x.shape[axis], int(before), int(after), mode)
            x = torch.index_select(x, axis, torch.as_tensor(index, device=x.device))
    return x
