"""Random draws, argument checks and base classes shared by the noise layers."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import draw_seed
from lamina.layers._checks import rate_in_unit_interval
from lamina.layers.base import Layer


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


def _draw(
    sample: Any, shape: Any, generator: torch.Generator | None, like: torch.Tensor
) -> torch.Tensor:
    """`sample(shape)` (torch.rand, torch.randn) with `like`'s dtype and device."""
    if generator is None:
        return sample(shape, dtype=like.dtype, device=like.device)
    # Seeded generators live on the CPU: draw there, then move.
    return sample(shape, generator=generator, dtype=like.dtype).to(like.device)


def uniform(
    shape: Any, generator: torch.Generator | None, like: torch.Tensor
) -> torch.Tensor:
    """Uniform [0, 1) samples of `shape`, with `like`'s dtype and device."""
    return _draw(torch.rand, shape, generator, like)


def normal(
    shape: Any, generator: torch.Generator | None, like: torch.Tensor
) -> torch.Tensor:
    """Standard normal samples of `shape`, with `like`'s dtype and device."""
    return _draw(torch.randn, shape, generator, like)


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


class NoiseLayer(Layer):
    """A layer that draws seeded noise in training and passes masks through.

    Its amount (`rate`, or the argument named by `amount_name`) is checked by
    `amount_check` and comes first in the config, followed by `seed`.
    """

    amount_name = "rate"
    amount_check = staticmethod(rate_in_unit_interval)

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        setattr(self, self.amount_name, self.amount_check(self.amount_name, rate))
        self.seed = seed
        self._generator = draw_seed(seed)
        self.supports_masking = True

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            self.amount_name: getattr(self, self.amount_name),
            "seed": self.seed,
        }


class MaskDropout(NoiseLayer):
    """A dropout layer whose random mask has an optional `noise_shape`."""

    def __init__(
        self,
        rate: float,
        noise_shape: Any = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(rate, seed, **kwargs)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "noise_shape": self.noise_shape}
