"""The RMSprop optimizer."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop: divides the gradient by a running root mean square.

    `v = rho * v + (1 - rho) * g^2`; centered also keeps
    `a = rho * a + (1 - rho) * g` and uses `v - a^2`. The increment is
    `lr * g / sqrt(v + epsilon)`; with momentum, `m = momentum * m + increment`
    and `w -= m`, else `w -= increment`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        rho: the discounting factor of the moving averages.
        momentum: the momentum factor (0 disables momentum).
        epsilon: added inside the square root.
        centered: normalise by the estimated variance instead of the second
            moment.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        names = ["velocity"]
        if momentum > 0:
            names.append("momentum")
        if centered:
            names.append("average_gradient")
        self._slot_names = tuple(names)

    def _slot_layout(self) -> tuple[tuple[str, ...], ...]:
        return tuple((name,) for name in self._slot_names)

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        rho = self.rho
        v = group.slots["velocity"]
        torch._foreach_mul_(v, rho)
        torch._foreach_addcmul_(v, grads, grads, value=1 - rho)
        if self.centered:
            avg = group.slots["average_gradient"]
            torch._foreach_mul_(avg, rho)
            torch._foreach_add_(avg, grads, alpha=1 - rho)
            denom = group.elementwise(0, torch.addcmul, v, avg, avg, value=-1.0)
            torch._foreach_add_(denom, self.epsilon)
        else:
            denom = group.elementwise(0, torch.add, v, self.epsilon)
        torch._foreach_sqrt_(denom)
        if self.momentum > 0:
            m = group.slots["momentum"]
            torch._foreach_mul_(m, self.momentum)
            torch._foreach_addcdiv_(m, grads, denom, value=lr)
            torch._foreach_sub_(group.params, m)
        else:
            torch._foreach_addcdiv_(group.params, grads, denom, value=-lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
