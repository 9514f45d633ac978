"""Seeding, the Keras way: one call makes a run repeat exactly.

As in Keras on its torch backend, a seed is a pair `(seed, counter)` and a draw
uses a `torch.Generator` seeded with `(seed + counter) & 0xFFFFFFFF`:
- an int seed gives the same pair every call, so the same values;
- a `SeedGenerator` counts its draws, so each call gives new values;
- `None` draws from a global `SeedGenerator`, itself seeded from Python's
  `random` and recreated by `set_random_seed`.
"""

from __future__ import annotations

import random

import numpy as np
import torch

_MASK = 0xFFFFFFFF
_GLOBAL: list[SeedGenerator] = []  # the global generator, made on first use


def set_random_seed(seed: int) -> None:
    """Seeds Python's `random`, NumPy, PyTorch (all devices) and `keras.random`."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"`seed` must be an integer. Received: seed={seed!r}")
    _GLOBAL.clear()  # recreated from the new Python seed on next use
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def _as_int32(value: int) -> int:
    """Keras keeps seeds as int32: the same bits, read as a signed number."""
    return ((value & _MASK) ^ 0x80000000) - 0x80000000


class SeedGenerator:
    """A stream of seeds: each draw gives new random values.

    Random functions given an int seed return the same values every call;
    given a `SeedGenerator` they return new values each call, repeatably
    from its `seed`.

    Args:
        seed: the starting seed; `None` draws one from Python's `random`
            (so `set_random_seed` makes it repeat).
        name: the generator's name.

    Example:
    >>> gen = SeedGenerator(42)
    >>> gen.next()
    (42, 0)
    >>> gen.next()
    (42, 1)
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self._initial_seed = seed
        if seed is None:
            seed = random.randint(1, int(1e9))
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(
                f"Argument `seed` must be an integer. Received: seed={seed!r}"
            )
        self.name = name or "seed_generator"
        self.seed = int(seed)
        self._state = (_as_int32(int(seed)), 0)

    @property
    def state(self) -> torch.Tensor:
        """The `(seed, counter)` pair of the next draw, as an int32 tensor."""
        return torch.tensor(self._state, dtype=torch.int32)

    def next(self, ordered: bool = True) -> tuple[int, int]:
        """Returns the current `(seed, counter)` pair and advances the state."""
        current = self._state
        if ordered:
            self._state = (current[0], _as_int32(current[1] + 1))
        else:  # the global generator scrambles both halves, as Keras does
            # (in int32 arithmetic, which wraps, then a non-negative modulo)
            self._state = tuple(
                _as_int32(_as_int32(v + 1) * 5387) % 933199 for v in current
            )
        return current

    def next_generator(
        self, device: torch.device | str | None = None
    ) -> torch.Generator:
        """A generator for the next draw (on `device`, CPU by default)."""
        return generator_for(self.next(), device)

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator name={self.name} state={self._state}>"


def global_seed_generator() -> SeedGenerator:
    """The generator unseeded random calls draw from."""
    if not _GLOBAL:
        _GLOBAL.append(SeedGenerator())
    return _GLOBAL[0]


def seed_pair(seed: int | SeedGenerator | None) -> tuple[int, int]:
    """The `(seed, counter)` pair of one draw, advancing a generator's state.

    Raises:
        ValueError: for a seed that is neither an int, a `SeedGenerator`
            nor None.
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return (_as_int32(int(seed)), 0)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of "
        f"`SeedGenerator`. Received: seed={seed!r} (of type {type(seed)})"
    )


def generator_for(
    pair: tuple[int, int], device: torch.device | str | None = None
) -> torch.Generator:
    """A `torch.Generator` on `device` seeded from a `(seed, counter)` pair."""
    gen = torch.Generator(device=device or "cpu")
    gen.manual_seed((pair[0] + pair[1]) & _MASK)
    return gen


def draw_seed(seed: int | SeedGenerator | None) -> torch.Generator | None:
    """Returns a CPU generator for an explicit seed, or `None` (global RNG)."""
    if seed is None:
        return None
    return generator_for(seed_pair(seed))
