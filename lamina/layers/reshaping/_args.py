"""Argument parsing for the reshaping layers: data formats, sizes, paddings."""

from __future__ import annotations

from typing import Any

from lamina import backend

_FORMATS = ("channels_first", "channels_last")


def data_format_arg(data_format: str | None) -> str:
    """Returns `data_format` (default: the global one), or raises if unknown."""
    if data_format is None:
        return backend.image_data_format()
    value = str(data_format).lower()
    if value not in _FORMATS:
        raise ValueError(
            "The `data_format` argument must be one of "
            f"{{'channels_first', 'channels_last'}}. Received: data_format={data_format}"
        )
    return value


def _is_int(v: Any) -> bool:
    return not isinstance(v, bool) and hasattr(v, "__index__")


def int_tuple(value: Any, n: int, name: str, minimum: int = 1) -> tuple[int, ...]:
    """`value` (an int or `n` ints) as a tuple of `n` ints, each >= `minimum`."""
    items = [value] * n if _is_int(value) else value
    try:
        items = tuple(items)
    except TypeError:
        items = ()
    if len(items) != n or not all(_is_int(v) for v in items):
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. "
            f"Received: {name}={value!r}"
        )
    items = tuple(int(v) for v in items)
    bad = {v for v in items if v < minimum}
    if bad:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: "
            f"{name}={value!r}, including values {bad} that do not satisfy "
            f"`value >= {minimum}`"
        )
    return items


def pairs(value: Any, n: int, name: str) -> tuple[tuple[int, int], ...]:
    """Per-axis `(before, after)` amounts for `n` spatial axes, all >= 0.

    Accepts an int (the same on every side), `n` ints (symmetric per axis), or
    `n` pairs.
    """
    if _is_int(value):
        return (pair(value, name),) * n
    try:
        items = tuple(value)
    except TypeError:
        items = ()
    if len(items) != n:
        raise ValueError(
            f"`{name}` should have {_WORDS.get(n, n)} elements. "
            f"Received: {name}={value!r}."
        )
    return tuple(pair(v, name) for v in items)


def pair(value: Any, name: str) -> tuple[int, int]:
    """`(before, after)` for one axis: an int or two ints, all >= 0."""
    if _is_int(value):
        return int_tuple((value, value), 2, name, minimum=0)
    return int_tuple(value, 2, name, minimum=0)


_WORDS = {2: "two", 3: "three"}
