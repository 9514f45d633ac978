"""Segment reductions: `segment_sum`, `segment_max`, `segment_min`, `segment_prod`.

Rows of `data` that share a segment id are reduced into one output row.
Empty segments hold the reduction's identity as Keras's torch backend gives
it: 0 for sums, 1 for products, `-inf` (`inf`) for float max (min), and the
integer dtype's lowest (highest) value for integer max (min).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.ops._convert import to_tensor

_REDUCE = {"sum": "sum", "max": "amax", "min": "amin", "prod": "prod"}


def _segment(kind: str, data: Any, segment_ids: Any, num_segments: Any) -> torch.Tensor:
    """Reduces the rows of `data` per segment with `torch.scatter_reduce`."""
    data = to_tensor(data)
    ids = to_tensor(segment_ids, device=data.device).long()
    if ids.ndim != 1 or ids.shape[0] != data.shape[0]:
        raise ValueError(
            "`segment_ids` must be 1-D with one id per row of `data`. Received: "
            f"segment_ids.shape={tuple(ids.shape)}, data.shape={tuple(data.shape)}"
        )
    n = int(num_segments) if num_segments is not None else int(ids.max()) + 1
    keep = (ids >= 0) & (ids < n)  # out-of-range ids are dropped
    ids, rows = ids[keep], data[keep]
    index = ids.reshape(-1, *([1] * (data.ndim - 1))).expand_as(rows)
    out = torch.zeros((n, *data.shape[1:]), dtype=data.dtype, device=data.device)
    if kind in ("max", "min"):
        if data.is_floating_point():
            fill = -math.inf if kind == "max" else math.inf
        else:
            info = torch.iinfo(data.dtype)
            fill = info.min if kind == "max" else info.max
        out = torch.full_like(out, fill)
    elif kind == "prod":
        out = torch.ones_like(out)
    return out.scatter_reduce(0, index, rows, _REDUCE[kind], include_self=True)


def segment_sum(
    data: Any, segment_ids: Any, num_segments: Any = None, sorted: bool = False
) -> torch.Tensor:
    """Sums the rows of `data` per segment id.

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D integer ids, one per row of `data`.
        num_segments: the number of output rows (`max(id) + 1` by default).
        sorted: whether the ids are sorted (accepted; not needed here).

    Returns:
        A tensor of shape `(num_segments, *data.shape[1:])`.
    """
    return _segment("sum", data, segment_ids, num_segments)


def segment_max(
    data: Any, segment_ids: Any, num_segments: Any = None, sorted: bool = False
) -> torch.Tensor:
    """Maximum of the rows of `data` per segment id (see `segment_sum`)."""
    return _segment("max", data, segment_ids, num_segments)


def segment_min(
    data: Any, segment_ids: Any, num_segments: Any = None, sorted: bool = False
) -> torch.Tensor:
    """Minimum of the rows of `data` per segment id (see `segment_sum`)."""
    return _segment("min", data, segment_ids, num_segments)


def segment_prod(
    data: Any, segment_ids: Any, num_segments: Any = None, sorted: bool = False
) -> torch.Tensor:
    """Product of the rows of `data` per segment id (see `segment_sum`)."""
    return _segment("prod", data, segment_ids, num_segments)
