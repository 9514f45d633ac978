"""The Adadelta optimizer."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta: steps scaled by running averages of gradients and updates.

    `Eg = rho * Eg + (1 - rho) * g^2`,
    `delta = -sqrt(Ed + epsilon) * g / sqrt(Eg + epsilon)`,
    `Ed = rho * Ed + (1 - rho) * delta^2`, then `w += lr * delta`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        rho: the decay rate of the running averages.
        epsilon: added inside the square roots.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.
    """

    _slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        rho, eps = self.rho, self.epsilon
        acc_grad = group.slots["accumulated_grad"]
        acc_delta = group.slots["accumulated_delta_var"]
        torch._foreach_mul_(acc_grad, rho)
        torch._foreach_addcmul_(acc_grad, grads, grads, value=1 - rho)
        numer = group.elementwise(0, torch.add, acc_delta, eps)
        torch._foreach_sqrt_(numer)
        denom = group.elementwise(1, torch.add, acc_grad, eps)
        torch._foreach_sqrt_(denom)
        # delta = -numer * g / denom, kept with the sign folded into `lr`.
        torch._foreach_mul_(numer, grads)
        torch._foreach_div_(numer, denom)
        torch._foreach_mul_(acc_delta, rho)
        torch._foreach_addcmul_(acc_delta, numer, numer, value=1 - rho)
        torch._foreach_add_(group.params, numer, alpha=-lr)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
