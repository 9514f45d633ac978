"""Argument checks shared by layers, with Keras-style messages."""

from __future__ import annotations

from typing import Any


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
