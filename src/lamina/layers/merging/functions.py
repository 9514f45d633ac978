"""Functional forms of the merging layers: `add(inputs)` is `Add()(inputs)`."""

from __future__ import annotations

from typing import Any

from lamina.layers.merging.concatenate import Concatenate
from lamina.layers.merging.dot import Dot
from lamina.layers.merging.elementwise import (
    Add,
    Average,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
)


def add(inputs: list, **kwargs: Any) -> Any:
    """Sum of `inputs` element-wise; `kwargs` go to the `Add` layer."""
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """`inputs[0] - inputs[1]`; `kwargs` go to the `Subtract` layer."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """Product of `inputs` element-wise; `kwargs` go to the `Multiply` layer."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """Mean of `inputs` element-wise; `kwargs` go to the `Average` layer."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """Maximum of `inputs` element-wise; `kwargs` go to the `Maximum` layer."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """Minimum of `inputs` element-wise; `kwargs` go to the `Minimum` layer."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """`inputs` joined along `axis`; `kwargs` go to the `Concatenate` layer."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: list, axes: Any = -1, **kwargs: Any) -> Any:
    """Batched dot product of two inputs; `kwargs` go to the `Dot` layer."""
    return Dot(axes=axes, **kwargs)(inputs)
