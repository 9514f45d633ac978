"""Packing and unpacking `(x, y, sample_weight)` batches, for custom steps."""

from __future__ import annotations

from typing import Any


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """Unpacks a batch `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`.

    Missing parts come back as None. For overriding `train_step`,
    `test_step` and `predict_step`.

    Raises:
        ValueError: for a tuple or list of more than 3 items.

    Example:
    >>> unpack_x_y_sample_weight((1, 2))
    (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) in (1, 2, 3):
        return (*data, None, None)[:3]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
        f"`(x, y, sample_weight)`, found: {data}"
    )


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """Packs `x`, `y` and `sample_weight` into the shortest batch tuple.

    A lone `x` that is not a list or tuple comes back as it is; a list or tuple
    `x` comes back as `(x,)`, so that it is not read as `(x, y)`.

    Example:
    >>> pack_x_y_sample_weight(1, 2)
    (1, 2)
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
