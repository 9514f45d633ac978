"""Random draws and argument checks shared by the noise layers."""

from __future__ import annotations

from typing import Any

import torch


def unit_interval(name: str, value: Any) -> float:
    """Returns `value` as a float in [0, 1], or raises in Keras's wording."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 <= value <= 1
    ):
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a float value "
            f"between 0 and 1. Received: {name}={value!r}"
        )
    return float(value)


def uniform(
    shape: Any, generator: torch.Generator | None, like: torch.Tensor
) -> torch.Tensor:
    """Uniform [0, 1) samples of `shape`, with `like`'s dtype and device."""
    if generator is None:
        return torch.rand(shape, dtype=like.dtype, device=like.device)
    # Seeded generators live on the CPU: draw there, then move.
    return torch.rand(shape, generator=generator, dtype=like.dtype).to(like.device)


def normal(
    shape: Any, generator: torch.Generator | None, like: torch.Tensor
) -> torch.Tensor:
    """Standard normal samples of `shape`, with `like`'s dtype and device."""
    if generator is None:
        return torch.randn(shape, dtype=like.dtype, device=like.device)
    return torch.randn(shape, generator=generator, dtype=like.dtype).to(like.device)


def noise_shape_of(noise_shape: tuple | None, shape: torch.Size) -> tuple:
    """`noise_shape` with None entries taken from the input's `shape`."""
    if noise_shape is None:
        return tuple(shape)
    if len(noise_shape) != len(shape):
        raise ValueError(
            f"`noise_shape` must have one entry per input axis ({len(shape)}). "
            f"Received: noise_shape={noise_shape} for an input of shape {tuple(shape)}"
        )
    return tuple(
        s if n is None else int(n) for n, s in zip(noise_shape, shape, strict=True)
    )
