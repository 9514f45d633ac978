"""The Adagrad optimizer."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad: per-parameter rates scaled by the accumulated squared gradient.

    `acc += g^2`, then `w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        initial_accumulator_value: the accumulators' starting value.
        epsilon: added inside the square root.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.
    """

    _slot_names = ("accumulator",)

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
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
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _init_slot(self, name: str, variable: torch.Tensor) -> torch.Tensor:
        slot = super()._init_slot(name, variable)
        return slot.fill_(self.initial_accumulator_value)

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        acc = group.slots["accumulator"]
        torch._foreach_addcmul_(acc, grads, grads)
        denom = group.elementwise(0, torch.add, acc, self.epsilon)
        torch._foreach_sqrt_(denom)
        torch._foreach_addcdiv_(group.params, grads, denom, value=-lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
