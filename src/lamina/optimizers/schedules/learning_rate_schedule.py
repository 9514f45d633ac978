"""The learning-rate schedule base class and the step-wise decays."""

from __future__ import annotations

import math
from typing import Any

import torch


def _to_step(step: Any) -> float:
    """Returns `step` (int, float, numpy or torch scalar) as a python float."""
    if isinstance(step, torch.Tensor):
        return float(step.detach().cpu())
    return float(step)


def _check_positive(name: str, value: Any) -> None:
    """Raises when a step count argument is not positive."""
    if value is None or value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule:
    """A learning rate that changes with the optimizer's iteration count.

    Subclasses implement `__call__(step)` returning the learning rate used by
    the step with 0-based index `step` (the optimizer's `iterations` before the
    update), and `get_config()` returning the constructor arguments.

    Example:

    >>> class Halving(LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** float(step)
    >>> Halving()(2)
    0.025
    """

    def __call__(self, step: Any) -> float:
        """Returns the learning rate at `step`.

        Args:
            step: the 0-based optimizer step (int, float or scalar tensor).

        Returns:
            The learning rate as a python float.
        """
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            "`__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments of the schedule."""
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            "`get_config()`."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """Creates a schedule from the dict returned by `get_config()`."""
        return cls(**config)


class _ArgumentsSchedule(LearningRateSchedule):
    """A schedule whose config is its constructor arguments, kept as attributes.

    A subclass stores each argument under its own name and lists the names, in
    signature order, in `_CONFIG_KEYS`.
    """

    _CONFIG_KEYS: tuple[str, ...] = ()

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments of the schedule."""
        return {key: getattr(self, key) for key in self._CONFIG_KEYS}


def _decay_exponent(step: Any, decay_steps: int, staircase: bool) -> float:
    """`step / decay_steps`, floored when `staircase` is set."""
    exponent = _to_step(step) / decay_steps
    return math.floor(exponent) if staircase else exponent


class ExponentialDecay(_ArgumentsSchedule):
    """Decays the learning rate exponentially.

    `initial_learning_rate * decay_rate ** (step / decay_steps)`, with the
    exponent floored when `staircase=True`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps over which the rate is multiplied by `decay_rate`.
        decay_rate: the decay factor.
        staircase: decay at discrete intervals when `True`.
        name: the schedule's name.

    Example:

    >>> round(ExponentialDecay(0.1, 10, 0.5)(20), 6)
    0.025
    """

    _CONFIG_KEYS = (
        "initial_learning_rate",
        "decay_steps",
        "decay_rate",
        "staircase",
        "name",
    )

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> float:
        p = _decay_exponent(step, self.decay_steps, self.staircase)
        return float(self.initial_learning_rate) * float(self.decay_rate) ** p


class PiecewiseConstantDecay(_ArgumentsSchedule):
    """A piecewise constant learning rate.

    `values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, and `values[-1]` after the last
    boundary.

    Args:
        boundaries: increasing step boundaries.
        values: the rates, one more than `boundaries`.
        name: the schedule's name.

    Raises:
        ValueError: when `len(values) != len(boundaries) + 1`.

    Example:

    >>> PiecewiseConstantDecay([10], [1.0, 0.5])(11)
    0.5
    """

    _CONFIG_KEYS = ("boundaries", "values", "name")

    def __init__(
        self,
        boundaries: list[int],
        values: list[float],
        name: str = "PiecewiseConstant",
    ) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of "
                f"values. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> float:
        step = _to_step(step)
        for boundary, value in zip(self.boundaries, self.values, strict=False):
            if step <= boundary:
                return float(value)
        return float(self.values[-1])


class InverseTimeDecay(_ArgumentsSchedule):
    """Decays the learning rate as the inverse of time.

    `initial_learning_rate / (1 + decay_rate * step / decay_steps)`, with
    `step / decay_steps` floored when `staircase=True`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: how often the decay is applied.
        decay_rate: the decay factor.
        staircase: decay at discrete intervals when `True`.
        name: the schedule's name.

    Example:

    >>> InverseTimeDecay(1.0, 1, 0.5)(2)
    0.5
    """

    _CONFIG_KEYS = (
        "initial_learning_rate",
        "decay_steps",
        "decay_rate",
        "staircase",
        "name",
    )

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> float:
        p = _decay_exponent(step, self.decay_steps, self.staircase)
        return float(self.initial_learning_rate) / (1.0 + self.decay_rate * p)


class PolynomialDecay(_ArgumentsSchedule):
    """Decays the learning rate polynomially to `end_learning_rate`.

    `(initial - end) * (1 - step / decay_steps) ** power + end`, with `step`
    capped at `decay_steps`; with `cycle=True`, `decay_steps` grows to the next
    multiple of itself past `step` instead.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps to reach `end_learning_rate`.
        end_learning_rate: the final learning rate.
        power: the polynomial's power.
        cycle: restart the decay beyond `decay_steps` when `True`.
        name: the schedule's name.

    Example:

    >>> PolynomialDecay(1.0, 10, end_learning_rate=0.0)(5)
    0.5
    """

    _CONFIG_KEYS = (
        "initial_learning_rate",
        "decay_steps",
        "end_learning_rate",
        "power",
        "cycle",
        "name",
    )

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> float:
        step = _to_step(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / decay_steps)
        else:
            step = min(step, decay_steps)
        fraction = (1.0 - step / decay_steps) ** self.power
        span = float(self.initial_learning_rate) - float(self.end_learning_rate)
        return span * fraction + float(self.end_learning_rate)
