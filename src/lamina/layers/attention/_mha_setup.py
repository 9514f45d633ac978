"""Argument normalisation and shape checks for MultiHeadAttention."""

from __future__ import annotations

from typing import Any


def normalize_output_shape(output_shape: Any) -> tuple | None:
    """`None`, an int or a sequence of ints -> None or a tuple of ints."""
    if output_shape is None:
        return None
    if isinstance(output_shape, int) and not isinstance(output_shape, bool):
        output_shape = (output_shape,)
    try:
        shape = tuple(int(d) for d in output_shape)
    except (TypeError, ValueError) as err:
        raise ValueError(
            "`output_shape` must be an int or a tuple of ints. "
            f"Received: output_shape={output_shape!r}"
        ) from err
    if any(d <= 0 for d in shape):
        raise ValueError(
            "`output_shape` must hold positive sizes. "
            f"Received: output_shape={output_shape!r}"
        )
    return shape


def normalize_axes(axes: Any) -> tuple | None:
    """`None`, an int or a sequence of ints -> None or a tuple of ints."""
    if axes is None:
        return None
    if isinstance(axes, int) and not isinstance(axes, bool):
        return (axes,)
    try:
        return tuple(int(a) for a in axes)
    except (TypeError, ValueError) as err:
        raise ValueError(
            "`attention_axes` must be None, an int or a tuple of ints. "
            f"Received: attention_axes={axes!r}"
        ) from err


def _same(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b, strict=True)
    )


def check_shapes(name: str, query: tuple, value: tuple, key: tuple) -> None:
    """Raises a clear error for query/value/key shapes that cannot attend."""
    if len(query) < 3:
        raise ValueError(
            f"Layer '{name}' (MultiHeadAttention) expects a query of rank 3 or more "
            f"`(batch, ..., features)`. Received: query shape {query}"
        )
    if len(value) != len(query) or len(key) != len(query):
        raise ValueError(
            f"Layer '{name}' (MultiHeadAttention) expects query, value and key of "
            f"the same rank. Received: query shape {query}, value shape {value}, "
            f"key shape {key}"
        )
    if not _same(key[:-1], value[:-1]):
        raise ValueError(
            f"Layer '{name}' (MultiHeadAttention): `key` and `value` must have the "
            f"same shape except the last axis. Received: key shape {key}, value "
            f"shape {value}"
        )
