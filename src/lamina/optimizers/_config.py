"""Constructor arguments, learning rate and config of the `Optimizer` base."""

from __future__ import annotations

import warnings
from typing import Any

import torch

from lamina._naming import auto_name
from lamina.optimizers import schedules
from lamina.optimizers.schedules import LearningRateSchedule


def _check_clipping(clipnorm: Any, clipvalue: Any, global_clipnorm: Any) -> None:
    """Raises when more than one kind of clipping is set."""
    if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
        raise ValueError(
            "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
            f"set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
            f"global_clipnorm={global_clipnorm}"
        )


def _check_ema(ema_momentum: float, ema_overwrite_frequency: Any) -> None:
    """Raises for an EMA momentum outside [0, 1] or a bad overwrite frequency."""
    if not 0.0 <= ema_momentum <= 1.0:
        raise ValueError(
            "`ema_momentum` must be in the range [0, 1]. "
            f"Received: ema_momentum={ema_momentum}"
        )
    frequency = ema_overwrite_frequency
    if frequency is not None and (not isinstance(frequency, int) or frequency < 1):
        raise ValueError(
            "`ema_overwrite_frequency` must be an integer >= 1 or None. "
            f"Received: ema_overwrite_frequency={frequency}"
        )


def _check_number(name: str, value: Any) -> None:
    """Raises unless `value` is `None` or a non-negative number."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"Argument `{name}` must be a non-negative float or None. "
            f"Received: {name}={value!r}"
        )


class OptimizerConfig:
    """Stores and validates the arguments every optimizer shares."""

    def __init__(
        self,
        learning_rate: float | LearningRateSchedule | Any = 0.001,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.",
                stacklevel=2,
            )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        _check_clipping(clipnorm, clipvalue, global_clipnorm)
        for arg, value in [
            ("weight_decay", weight_decay),
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
            ("loss_scale_factor", loss_scale_factor),
        ]:
            _check_number(arg, value)
        steps = gradient_accumulation_steps
        if steps is not None and (not isinstance(steps, int) or steps < 2):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={steps}"
            )
        if use_ema:
            _check_ema(ema_momentum, ema_overwrite_frequency)
        self.name = name or auto_name(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._iterations = 0
        self._scalars: dict[str, float] = {}
        self._extra_variables: list[torch.Tensor] = []
        self._excluded_ids: set[int] = set()
        self._excluded_pattern: str | None = None
        self._schedule: Any = None
        self._learning_rate = torch.zeros((), dtype=torch.float32)
        self._set_learning_rate(learning_rate)

    def _update_count(self) -> int:
        """Returns the number of updates applied, as a python int."""
        n = self.gradient_accumulation_steps
        return self._iterations // n if n else self._iterations

    # -- learning rate ----------------------------------------------------------

    def _set_learning_rate(self, value: Any) -> None:
        """Stores a float rate in the CPU tensor, or keeps a schedule/callable."""
        if isinstance(value, LearningRateSchedule) or (
            callable(value) and not isinstance(value, torch.Tensor)
        ):
            self._schedule = value
            return
        try:
            rate = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of "
                "LearningRateSchedule, or a callable (that takes in the current "
                "iteration value and returns the corresponding learning rate "
                f"value). Received instead: learning_rate={value}"
            ) from None
        self._learning_rate.fill_(rate)

    @property
    def learning_rate(self) -> torch.Tensor:
        """The current learning rate, a 0-d float32 CPU tensor.

        For a schedule, its value at the current iteration. Set it with a
        float (in place) or with a schedule.
        """
        if self._schedule is None:
            return self._learning_rate
        return torch.tensor(self._current_learning_rate(), dtype=torch.float32)

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if isinstance(self._schedule, LearningRateSchedule) and not isinstance(
            value, LearningRateSchedule
        ):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object "
                "as its `learning_rate` constructor argument, hence its learning "
                "rate is not settable. If you need the learning rate to be "
                "settable, you should instantiate the optimizer with a float "
                "`learning_rate` argument."
            )
        self._schedule = None
        self._set_learning_rate(value)

    def _current_learning_rate(self) -> float:
        """Returns the rate of the next step as a python float (no device sync)."""
        schedule = self._schedule
        if schedule is None:
            return float(self._learning_rate)
        if isinstance(schedule, LearningRateSchedule):
            return float(schedule(self._update_count()))
        return float(schedule())

    # -- config -----------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments (a schedule is serialized)."""
        schedule = self._schedule
        if isinstance(schedule, LearningRateSchedule):
            learning_rate: Any = schedules.serialize(schedule)
        elif schedule is not None:
            learning_rate = schedule
        else:
            learning_rate = float(self._learning_rate)
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Any:
        """Creates an optimizer from `get_config()`'s dict."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(
                config["learning_rate"], custom_objects
            )
        return cls(**config)
