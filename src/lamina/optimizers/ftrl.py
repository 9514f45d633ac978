"""The FTRL-proximal optimizer."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


def _check_non_negative(name: str, value: float) -> None:
    """Raises when `value` is negative."""
    if value < 0.0:
        raise ValueError(
            f"`{name}` needs to be positive or zero. Received: {name}={value}."
        )


class Ftrl(Optimizer):
    """FTRL-proximal ("Follow The Regularized Leader").

    With `p(x) = x^(-learning_rate_power)`: `n' = n + g^2`,
    `z += g + 2 * l2_shrinkage * w - (p(n') - p(n)) / lr * w`,
    `w = (clip(z, -l1, l1) - z) / (p(n') / lr + 2 * (l2 + beta / (2 * lr)))`,
    `n = n'`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        learning_rate_power: a float <= 0 shaping the rate's decay.
        initial_accumulator_value: the accumulators' starting value (>= 0).
        l1_regularization_strength: the L1 strength (>= 0).
        l2_regularization_strength: the L2 strength (>= 0).
        l2_shrinkage_regularization_strength: the L2 shrinkage strength (>= 0).
        beta: the FTRL beta (added to the L2 strength as `beta / (2 * lr)`).
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.

    Raises:
        ValueError: for a negative strength or a positive `learning_rate_power`.
    """

    _slot_names = ("accumulator", "linear")

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
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
        _check_non_negative("initial_accumulator_value", initial_accumulator_value)
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        _check_non_negative("l1_regularization_strength", l1_regularization_strength)
        _check_non_negative("l2_regularization_strength", l2_regularization_strength)
        _check_non_negative(
            "l2_shrinkage_regularization_strength",
            l2_shrinkage_regularization_strength,
        )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _init_slot(self, name: str, variable: torch.Tensor) -> torch.Tensor:
        slot = super()._init_slot(name, variable)
        if name == "accumulator":
            slot.fill_(self.initial_accumulator_value)
        return slot

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        params = group.params
        accum, linear = group.slots["accumulator"], group.slots["linear"]
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        shrinkage = self.l2_shrinkage_regularization_strength
        grad_to_use = grads
        if shrinkage > 0:
            grad_to_use = list(torch._foreach_add(grads, params, alpha=2 * shrinkage))
        new_accum = torch._foreach_addcmul(accum, grads, grads)
        p_new = torch._foreach_pow(new_accum, power)
        p_diff = torch._foreach_sub(p_new, torch._foreach_pow(accum, power))
        torch._foreach_add_(linear, grad_to_use)
        torch._foreach_div_(p_diff, -lr)
        torch._foreach_addcmul_(linear, p_diff, params)
        torch._foreach_div_(p_new, lr)
        torch._foreach_add_(p_new, 2 * l2)
        clipped = torch._foreach_clamp_min(linear, -l1)
        torch._foreach_clamp_max_(clipped, l1)
        torch._foreach_sub_(clipped, linear)
        torch._foreach_div_(clipped, p_new)
        torch._foreach_copy_(params, clipped)
        torch._foreach_copy_(accum, new_accum)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": (
                self.l2_shrinkage_regularization_strength
            ),
            "beta": self.beta,
        }
