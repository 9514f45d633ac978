"""Cosine learning-rate schedules: `CosineDecay` and `CosineDecayRestarts`."""

from __future__ import annotations

import math
from typing import Any

from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    _ArgumentsSchedule,
    _check_positive,
    _to_step,
)


def _cosine(fraction: float, alpha: float, scale: float = 1.0) -> float:
    """Returns `(1 - alpha) * scale * (1 + cos(pi * fraction)) / 2 + alpha`."""
    cosine = 0.5 * scale * (1.0 + math.cos(math.pi * fraction))
    return (1.0 - alpha) * cosine + alpha


class CosineDecay(_ArgumentsSchedule):
    """A cosine decay, with an optional linear warmup first.

    Without warmup, the rate is
    `initial * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha)`
    with `step` capped at `decay_steps`. With `warmup_target`, the rate rises
    linearly from `initial_learning_rate` to `warmup_target` over
    `warmup_steps` steps, then decays from `warmup_target`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps of the cosine decay.
        alpha: the final rate as a fraction of the decayed-from rate.
        name: the schedule's name.
        warmup_target: the rate reached at the end of the warmup, or `None`
            for no warmup.
        warmup_steps: steps of the warmup.

    Example:

    >>> CosineDecay(1.0, 10)(5)
    0.5
    """

    _CONFIG_KEYS = (
        "initial_learning_rate",
        "decay_steps",
        "alpha",
        "name",
        "warmup_target",
        "warmup_steps",
    )

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step: Any) -> float:
        step = _to_step(step)
        initial = float(self.initial_learning_rate)
        if self.warmup_target is None:
            step = min(step, self.decay_steps)
            return initial * _cosine(step / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        target = float(self.warmup_target)
        if step < self.warmup_steps:
            return (target - initial) * (step / self.warmup_steps) + initial
        fraction = (step - self.warmup_steps) / self.decay_steps
        return target * _cosine(fraction, self.alpha)


class CosineDecayRestarts(LearningRateSchedule):
    """A cosine decay with warm restarts (SGDR).

    The first period lasts `first_decay_steps`; each later period is `t_mul`
    times longer and starts from a rate `m_mul` times the previous start.

    Args:
        initial_learning_rate: the learning rate at step 0.
        first_decay_steps: steps of the first period.
        t_mul: the period length multiplier.
        m_mul: the restart rate multiplier.
        alpha: the final rate as a fraction of the initial rate.
        name: the schedule's name.

    Example:

    >>> CosineDecayRestarts(1.0, 10)(10)
    1.0
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        _check_positive("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _restart_and_fraction(self, fraction: float) -> tuple[float, float]:
        """Returns the restart index and the fraction done of that period."""
        t_mul = float(self._t_mul)
        if t_mul == 1.0:
            restart = math.floor(fraction)
            return restart, fraction - restart
        restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
        done = (1.0 - t_mul**restart) / (1.0 - t_mul)
        return restart, (fraction - done) / t_mul**restart

    def __call__(self, step: Any) -> float:
        fraction = _to_step(step) / self.first_decay_steps
        restart, fraction = self._restart_and_fraction(fraction)
        scale = float(self._m_mul) ** restart
        return float(self.initial_learning_rate) * _cosine(fraction, self.alpha, scale)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
