"""Pooling over spatial axes: `max_pool` and `average_pool`, channels-last by default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import image_data_format
from lamina.ops._convert import float_tensor


def _tuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """An int or a sequence of `n` ints as a tuple of `n` ints."""
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) != n:
        raise ValueError(
            f"`{name}` must be an int or a tuple of {n} ints for {n}-D pooling. "
            f"Received: {name}={value!r}"
        )
    return values


def _same_pads(
    spatial: Sequence[int], pool: Sequence[int], strides: Sequence[int]
) -> list[int]:
    """`F.pad` widths (last axis first) for TensorFlow-style `"same"` padding."""
    pads: list[int] = []
    for size, k, s in reversed(list(zip(spatial, pool, strides, strict=True))):
        total = max((-(-size // s) - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
    return pads


def _pool(
    kind: str, inputs: Any, pool_size: Any, strides: Any, padding: str, data_format: Any
) -> torch.Tensor:
    """Shared body of `max_pool` and `average_pool`."""
    x = float_tensor(inputs)
    n = x.ndim - 2
    if n not in (1, 2, 3) or padding.lower() not in ("valid", "same"):
        raise ValueError(
            "Pooling needs inputs of rank 3 to 5 and padding 'valid' or 'same'. "
            f"Received: inputs.shape={tuple(x.shape)}, padding={padding!r}"
        )
    pool = _tuple(pool_size, n, "pool_size")
    steps = pool if strides is None else _tuple(strides, n, "strides")
    channels_last = (data_format or image_data_format()) == "channels_last"
    if channels_last:
        x = torch.movedim(x, -1, 1)
    pads = _same_pads(x.shape[2:], pool, steps) if padding.lower() == "same" else []
    pool_fn = getattr(F, f"{kind}_pool{n}d")
    if kind == "max":
        out = pool_fn(F.pad(x, pads, value=float("-inf")) if pads else x, pool, steps)
    elif any(pads):
        # Average only the real (unpadded) values, as Keras does.
        summed = pool_fn(F.pad(x, pads), pool, steps)
        counts = pool_fn(F.pad(torch.ones_like(x[:1, :1]), pads), pool, steps)
        out = summed / counts
    else:
        out = pool_fn(x, pool, steps)
    return torch.movedim(out, 1, -1) if channels_last else out


def max_pool(
    inputs: Any,
    pool_size: Any,
    strides: Any = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> torch.Tensor:
    """Max pooling over the 1, 2 or 3 spatial axes of `inputs`.

    Args:
        inputs: a tensor of rank 3, 4 or 5 (batch, spatial..., channels when
            channels-last).
        pool_size: an int or one int per spatial axis.
        strides: an int or one int per spatial axis; `pool_size` by default.
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(size / stride)`).
        data_format: `"channels_last"` or `"channels_first"`;
            `image_data_format()` by default.

    Returns:
        The pooled tensor, in the layout of `inputs`.

    Raises:
        ValueError: for a bad rank, padding, or pool size.
    """
    return _pool("max", inputs, pool_size, strides, padding, data_format)


def average_pool(
    inputs: Any,
    pool_size: Any,
    strides: Any = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> torch.Tensor:
    """Average pooling; arguments as in `max_pool`.

    With `"same"` padding, each window averages only the values inside
    `inputs`, not the padding.

    Returns:
        The pooled tensor, in the layout of `inputs`.

    Raises:
        ValueError: for a bad rank, padding, or pool size.
    """
    return _pool("avg", inputs, pool_size, strides, padding, data_format)
