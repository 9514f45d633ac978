"""`LearningRateScheduler`: sets the learning rate at the start of each epoch."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lamina.callbacks._learning_rate import get_lr, log_learning_rates, optimizers_of
from lamina.callbacks.callback import Callback


def _takes_lr(schedule: Callable) -> bool:
    """Whether `schedule` accepts `(epoch, lr)` (else the old `(epoch)` form)."""
    try:
        params = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return True
    positional = [
        p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


def _as_rate(value: Any) -> float:
    """The schedule's output as a float; Keras accepts floating values only."""
    if isinstance(value, (float, np.floating)):
        return float(value)
    if (
        isinstance(value, torch.Tensor)
        and value.ndim == 0
        and value.is_floating_point()
    ):
        return float(value)
    if (
        isinstance(value, np.ndarray)
        and value.ndim == 0
        and np.issubdtype(value.dtype, np.floating)
    ):
        return float(value)
    raise ValueError(
        f"The output of the `schedule` function should be a float. Got: {value}"
    )


class LearningRateScheduler(Callback):
    """Sets the learning rate from `schedule(epoch, lr)` at each epoch's start.

    The rate in force is recorded in the epoch's logs (and so in the
    history) under `learning_rate`.

    Args:
        schedule: a function of the epoch index (from 0) and the current
            learning rate (float), returning the new rate (float). A function
            of the epoch alone is accepted too.
        verbose: 1 prints a message when the rate is set.

    Example:
    >>> import lamina, numpy as np
    >>> model = lamina.Sequential([lamina.layers.Dense(1)])
    >>> model.compile(lamina.optimizers.SGD(0.1), loss="mse")
    >>> cb = LearningRateScheduler(lambda epoch, lr: lr / 2)
    >>> h = model.fit(np.ones((4, 2)), np.ones(4), epochs=2, callbacks=[cb],
    ...               verbose=0)
    >>> [round(lr, 4) for lr in h.history["learning_rate"]]
    [0.05, 0.025]
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "`schedule` must be a function `(epoch, lr) -> lr`. "
                f"Received: schedule={schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        for key, optimizer in optimizers_of(self.model):
            if _takes_lr(self.schedule):
                rate = self.schedule(epoch, get_lr(optimizer))
            else:
                rate = self.schedule(epoch)
            rate = _as_rate(rate)
            optimizer.learning_rate = rate
            if self.verbose > 0:
                which = "" if key == "learning_rate" else f"{optimizer.name} "
                print(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                    f"{which}learning rate to {rate}."
                )

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            log_learning_rates(self.model, logs)
