"""The `Initializer` base class and the helpers its subclasses share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from lamina.backend import SeedGenerator, draw_seed, standardize_dtype, to_torch_dtype

Shape = Sequence[int]


class Initializer:
    """Base class of weight initializers.

    An initializer is called with a shape and an optional dtype and returns a
    new tensor on the CPU (the caller moves it to its device). Subclasses
    implement `__call__` and, when they take arguments, `get_config`.

    Example:

    >>> class Halves(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return torch.full(tuple(shape), 0.5, dtype=to_torch_dtype(dtype))
    >>> Halves()((2,)).tolist()
    [0.5, 0.5]
    """

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a new tensor of `shape` and `dtype` (default `floatx()`)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(shape, dtype=None)`."
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        """Builds an initializer from the output of `get_config`."""
        return cls(**config)

    def clone(self) -> Initializer:
        """Returns a new initializer with the same configuration."""
        return type(self).from_config(self.get_config())


def check_shape(shape: object) -> tuple[int, ...]:
    """Returns `shape` as a tuple of non-negative ints, or raises ValueError."""
    try:
        dims = tuple(int(d) for d in shape)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        dims = None
    if dims is None or any(d < 0 for d in dims):
        raise ValueError(
            "`shape` must be a tuple of non-negative integers, such as (3, 4). "
            f"Received: shape={shape!r}"
        )
    return dims


def float_dtype(dtype: object, name: str) -> torch.dtype:
    """Returns the torch float dtype for `dtype`, or raises for a non-float one."""
    torch_dtype = to_torch_dtype(standardize_dtype(dtype))
    if not torch_dtype.is_floating_point:
        raise ValueError(
            f"{name} draws random floats, so `dtype` must be a float type. "
            f"Received: dtype={standardize_dtype(dtype)!r}"
        )
    return torch_dtype


def empty_for_sampling(shape: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
    """An empty CPU tensor to sample into: float64 stays, others draw in float32."""
    sample_dtype = torch.float64 if dtype == torch.float64 else torch.float32
    return torch.empty(shape, dtype=sample_dtype, device="cpu")


def check_seed(seed: object) -> int | SeedGenerator | None:
    """Validates a `seed` argument (int, `SeedGenerator`, Keras dict or None)."""
    if isinstance(seed, dict) and seed.get("class_name") == "SeedGenerator":
        return SeedGenerator(seed.get("config", {}).get("seed"))
    if seed is None or isinstance(seed, SeedGenerator):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return seed
    raise ValueError(
        f"`seed` must be an integer, a `SeedGenerator` or None. Received: seed={seed!r}"
    )


def seed_config(seed: int | SeedGenerator | None) -> object:
    """Returns `seed` as Keras writes it in a config."""
    if isinstance(seed, SeedGenerator):
        return {
            "module": "keras.random",
            "class_name": "SeedGenerator",
            "config": {"seed": seed.seed, "name": "seed_generator"},
            "registered_name": None,
        }
    return seed


class RandomInitializer(Initializer):
    """Base of the random initializers: holds and serializes the `seed`.

    With an integer seed every call returns the same values; with a
    `SeedGenerator` each call gives new values; with `None` values come from
    torch's global RNG, so `torch.manual_seed` makes runs repeat.

    Args:
        seed: an int, a `lamina.backend.SeedGenerator`, or `None`.
    """

    def __init__(self, seed: int | SeedGenerator | None = None) -> None:
        self.seed = check_seed(seed)

    def generator(self) -> torch.Generator | None:
        """The CPU generator to draw this call's values from (None: global RNG)."""
        return draw_seed(self.seed)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments, as a JSON-friendly dict."""
        return {"seed": seed_config(self.seed)}


def product(values: Sequence[int]) -> int:
    """The product of a sequence of ints (1 for an empty one)."""
    return math.prod(int(v) for v in values)
