"""Unique snake_case layer names: `dense`, `dense_1`, ... (as Keras names them)."""

from __future__ import annotations

import re
from collections import defaultdict

_COUNTS: defaultdict[str, int] = defaultdict(int)


def to_snake_case(name: str) -> str:
    """`Conv2DTranspose` -> `conv2d_transpose`, `LSTM` -> `lstm`."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s)
    return s.lower()


def unique_name(prefix: str) -> str:
    """Returns `prefix` the first time, then `prefix_1`, `prefix_2`, ..."""
    count = _COUNTS[prefix]
    _COUNTS[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset_names() -> None:
    """Forgets every name given so far (`lamina.backend.clear_session`)."""
    _COUNTS.clear()
