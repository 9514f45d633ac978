"""Argument parsing for the reshaping layers: data formats, sizes, paddings.

`data_format_arg` is the convolution layers' `normalize_data_format`, so both
parse `data_format` alike. Also holds `SpatialPairsLayer`, the shared base of
the cropping and zero padding layers.
"""

from __future__ import annotations

from typing import Any

from lamina.layers.base import Layer
from lamina.layers.convolutional._conv_utils import (
    normalize_data_format as data_format_arg,
)
from lamina.layers.input_spec import InputSpec


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


class SpatialPairsLayer(Layer):
    """A layer of `rank` spatial axes set by per-axis `(before, after)` amounts.

    The amounts come in the argument named by `arg_name` (`"cropping"`,
    `"padding"`), are stored under that name as `pair` (rank 1) or `pairs`
    parses them, and appear in the config with `data_format`.
    """

    rank = 0
    arg_name = ""

    def __init__(self, value: Any, data_format: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.rank == 1:
            stored: Any = pair(value, self.arg_name)
            self._pairs = (stored,)
        else:
            stored = pairs(value, self.rank, self.arg_name)
            self._pairs = stored
        setattr(self, self.arg_name, stored)
        self.data_format = data_format_arg(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            self.arg_name: getattr(self, self.arg_name),
            "data_format": self.data_format,
        }
