"""Axis arguments of the normalization layers: parsing and range checks."""

from __future__ import annotations

from typing import Any


def int_axis(axis: Any) -> int:
    """Returns `axis`, or raises TypeError if it is not an integer."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"`axis` must be an integer. Received: axis={axis!r}")
    return axis


def axis_list(axis: Any) -> list[int]:
    """Returns `axis` (an int or a sequence of ints) as a list of ints."""
    if isinstance(axis, (list, tuple)):
        items = list(axis)
    else:
        items = [axis]
    if not items or any(isinstance(a, bool) or not isinstance(a, int) for a in items):
        raise TypeError(
            "Expected an int or a list/tuple of ints for the argument 'axis'. "
            f"Received: axis={axis!r}"
        )
    return items


def resolve_axes(layer_name: str, axes: list[int], rank: int) -> list[int]:
    """Returns `axes` as sorted non-negative indices for an input of `rank`."""
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(
                f"Layer '{layer_name}': `axis` {a} is out of range for an input of "
                f"rank {rank}. Use an axis in [{-rank}, {rank}). Received: axis={a}"
            )
        out.append(a % rank)
    if len(set(out)) != len(out):
        raise ValueError(
            f"Layer '{layer_name}': `axis` names the same axis twice. "
            f"Received: axis={axes}"
        )
    return sorted(out)


def known_sizes(layer_name: str, input_shape: tuple, axes: list[int]) -> list[int]:
    """The sizes of `axes` in `input_shape`; raises if one is unknown (None)."""
    sizes = [input_shape[a] for a in axes]
    if any(s is None for s in sizes):
        raise ValueError(
            f"Layer '{layer_name}': the normalized axes {axes} must have a known "
            f"size, but the input shape is {tuple(input_shape)}."
        )
    return [int(s) for s in sizes]


def broadcast_shape(rank: int, axes: list[int], sizes: list[int]) -> list[int]:
    """Shape of length `rank` with `sizes` at `axes` and 1 elsewhere."""
    shape = [1] * rank
    for a, s in zip(axes, sizes, strict=True):
        shape[a] = s
    return shape


def feature_axis(
    layer: Any, input_shape: tuple, rank_note: str = "", axis_note: str = ""
) -> tuple[int, int]:
    """The non-negative index and known size of `layer.axis` in `input_shape`.

    Raises if the input has rank below 2 or that axis has no known size; the
    notes are added to the messages (e.g. `" (the channels)"`).
    """
    rank = len(input_shape)
    if rank < 2:
        raise ValueError(
            f"Layer '{layer.name}' expects inputs of rank 2 or more{rank_note}. "
            f"Received: input_shape={tuple(input_shape)}"
        )
    axis = resolve_axes(layer.name, [layer.axis], rank)[0]
    size = input_shape[axis]
    if size is None:
        raise ValueError(
            f"Layer '{layer.name}': axis {layer.axis} of the input{axis_note} must "
            f"have a known size. Received: input_shape={tuple(input_shape)}"
        )
    return axis, int(size)
