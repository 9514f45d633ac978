"""Seeding: one call makes a run repeat exactly."""

from __future__ import annotations

import random

import numpy as np
import torch


def set_random_seed(seed: int) -> None:
    """Seeds Python's `random`, NumPy and PyTorch (all devices)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"`seed` must be an integer. Received: seed={seed!r}")
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def draw_seed(seed: int | SeedGenerator | None) -> torch.Generator | None:
    """Returns a CPU generator for an explicit seed, or `None` (global RNG)."""
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return seed.next_generator()
    gen = torch.Generator()
    gen.manual_seed(int(seed))
    return gen


class SeedGenerator:
    """A stream of seeds: each call to `next_generator` gives a fresh generator.

    Args:
        seed: the starting seed; `None` draws one from the global RNG.
    """

    def __init__(self, seed: int | None = None) -> None:
        if seed is None:
            seed = int(torch.randint(0, 2**31 - 1, (1,)).item())
        self.seed = int(seed)
        self._count = 0

    def next_generator(self) -> torch.Generator:
        gen = torch.Generator()
        gen.manual_seed(self.seed * 1_000_003 + self._count)
        self._count += 1
        return gen
