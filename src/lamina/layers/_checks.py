"""Argument checks shared by layers, with Keras-style messages."""

from __future__ import annotations

from typing import Any

import numpy as np


def positive_int(name: str, value: Any) -> int:
    """Returns `value` as an int, or raises if it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        if hasattr(value, "__index__") and not isinstance(value, bool):
            value = value.__index__()
            if value > 0:
                return int(value)
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a positive integer. "
            f"Received: {name}={value!r}"
        )
    return value


def rate_in_unit_interval(name: str, value: Any) -> float:
    """Returns `value` as a float in [0, 1] (Keras accepts 1: drop all), or raises."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (0 <= value <= 1)
    ):
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a float value "
            f"between 0 and 1. Received: {name}={value!r}"
        )
    return float(value)


def rate_below_one(name: str, value: Any) -> float:
    """A rate in [0, 1) for layers whose scaling is undefined at 1."""
    rate = rate_in_unit_interval(name, value)
    if rate == 1:
        raise ValueError(
            f"`{name}` must be below 1 for this layer: at {name}=1 its noise scale "
            f"divides by zero. Received: {name}={value!r}. Use `Dropout(1.0)` to drop "
            "every input."
        )
    return rate


def checked_batch_shape(batch_shape: Any, shape: Any, name: str = "shape") -> tuple:
    """The batch shape as ints and None; a negative or fractional size is named."""
    dims = []
    for d in batch_shape:
        if d is None:
            dims.append(None)
            continue
        ok = isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0
        if not ok:
            given = (
                f"{name}={tuple(shape)}"
                if shape is not None
                else f"batch_shape={tuple(batch_shape)}"
            )
            raise ValueError(
                "Input sizes must be non-negative integers or None (unknown). "
                f"Received: {given}. Example: `Input(shape=(3,))` for samples of 3 "
                "features."
            )
        dims.append(int(d))
    return tuple(dims)
