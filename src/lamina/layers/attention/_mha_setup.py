"""Argument normalisation, shape checks and the build/call plumbing shared by
MultiHeadAttention and GroupedQueryAttention."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.layers.attention._projection import HeadProjection


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


def build_projection(
    owner: Any, name: str, in_rank: int, out_shape: tuple, input_shape: tuple
) -> HeadProjection:
    """One of `owner`'s head projections, built on `owner`'s device, with its
    initializers, regularizers, constraints, dtype and `trainable` flag."""
    layer = HeadProjection(
        in_rank,
        out_shape,
        owner.use_bias,
        owner.kernel_initializer,
        owner.bias_initializer,
        owner.kernel_regularizer,
        owner.bias_regularizer,
        owner.kernel_constraint,
        owner.bias_constraint,
        name=name,
        dtype=owner.dtype_policy,
    )
    layer._build_device = owner._weight_device()
    try:
        layer.build(input_shape)
    finally:
        layer._build_device = None
    layer.trainable = owner.trainable
    return layer


def build_on_first_call(owner: Any, kind: str, args: tuple, kwargs: dict) -> None:
    """Builds an attention layer from its first call's query, value and key."""
    query = args[0]
    value = args[1] if len(args) > 1 else kwargs.get("value")
    key = args[2] if len(args) > 2 else kwargs.get("key")
    if value is None:
        raise TypeError(
            f"Layer '{owner.name}' ({kind}) must be called with "
            "`query` and `value`: `layer(query, value)`. `value` is missing."
        )
    owner._build_device = query.device if isinstance(query, torch.Tensor) else None
    try:
        owner.build(shape_of(query), shape_of(value), shape_of(key))
    finally:
        owner._build_device = None
    owner.built = True


def shape_of(x: Any) -> tuple | None:
    if x is None:
        return None
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def input_mask(x: Any, explicit: Any) -> torch.Tensor | None:
    """The explicit mask, else the one `x` carries, as a tensor on `x`'s device."""
    mask = explicit if explicit is not None else getattr(x, "_keras_mask", None)
    if mask is None or isinstance(mask, torch.Tensor):
        return mask
    return torch.as_tensor(np.asarray(mask), device=getattr(x, "device", None))


def as_tensor_like(x: Any, like: torch.Tensor) -> torch.Tensor:
    """`x` as a tensor on `like`'s device, floats in `like`'s dtype."""
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(np.asarray(x), device=like.device)
    if x.is_floating_point() and x.dtype != like.dtype:
        x = x.to(like.dtype)
    return x
