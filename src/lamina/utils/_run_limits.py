"""Global caps on epochs and steps per epoch, for quick debugging runs.

Set with `lamina.config.set_max_epochs` / `set_max_steps_per_epoch`, or the
`KERAS_MAX_EPOCHS` / `KERAS_MAX_STEPS_PER_EPOCH` environment variables, as in
Keras. `fit` trains at most this many epochs and steps.
"""

from __future__ import annotations

import os
from typing import overload


def _from_env(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


_LIMITS: dict[str, int | None] = {
    "epochs": _from_env("KERAS_MAX_EPOCHS"),
    "steps": _from_env("KERAS_MAX_STEPS_PER_EPOCH"),
}


def _check(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer or None. Received: {name}={value!r}"
        )
    return value


def set_max_epochs(max_epochs: int | None) -> None:
    """Caps the epochs of every `fit` at `max_epochs` (None: no cap)."""
    _LIMITS["epochs"] = _check("max_epochs", max_epochs)


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Caps the steps of every epoch at `max_steps_per_epoch` (None: no cap)."""
    _LIMITS["steps"] = _check("max_steps_per_epoch", max_steps_per_epoch)


def max_epochs() -> int | None:
    """The cap on epochs, or None."""
    return _LIMITS["epochs"]


def max_steps_per_epoch() -> int | None:
    """The cap on steps per epoch, or None."""
    return _LIMITS["steps"]


@overload
def capped(value: int, cap: int | None) -> int: ...
@overload
def capped(value: int | None, cap: int | None) -> int | None: ...
def capped(value: int | None, cap: int | None) -> int | None:
    """`value` limited by `cap`; a None value (all the data) becomes the cap."""
    if cap is None:
        return value
    return cap if value is None else min(value, cap)
