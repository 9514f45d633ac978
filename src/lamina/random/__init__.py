"""`lamina.random`: Keras's random functions, seeded the Keras way.

An int `seed` gives the same values on every call; a `SeedGenerator` gives new
values each call, repeatably; `None` draws from a global generator that
`lamina.utils.set_random_seed` resets. The same seed gives the same values as
Keras on its torch backend.
"""

from lamina.backend._random import SeedGenerator
from lamina.random._ops import (
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
