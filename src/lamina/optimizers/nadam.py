"""The Nadam optimizer."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum and a momentum schedule.

    With `u_t = beta_1 * (1 - 0.5 * 0.96^t)` and `U_t` the product of
    `u_1 .. u_t`: `m += (g - m) * (1 - beta_1)`,
    `v += (g^2 - v) * (1 - beta_2)`,
    `m_hat = u_{t+1} * m / (1 - U_t * u_{t+1}) + (1 - u_t) * g / (1 - U_t)`,
    `v_hat = v / (1 - beta_2^t)`, then
    `w -= lr * m_hat / (sqrt(v_hat) + epsilon)`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to `sqrt(v_hat)`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.
    """

    _slot_names = ("momentum", "velocity")

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._scalars["u_product"] = 1.0

    def _momentum_at(self, step: int) -> float:
        """Returns `u_step = beta_1 * (1 - 0.5 * 0.96^step)`."""
        return self.beta_1 * (1.0 - 0.5 * 0.96**step)

    def _before_update(self, step: int) -> None:
        self._scalars["u_product"] *= self._momentum_at(step)

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        m, v = group.slots["momentum"], group.slots["velocity"]
        u_t, u_next = self._momentum_at(step), self._momentum_at(step + 1)
        u_product = self._scalars["u_product"]
        torch._foreach_lerp_(m, grads, 1 - self.beta_1)
        torch._foreach_mul_(v, self.beta_2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - self.beta_2)
        m_hat = group.elementwise(0, torch.mul, m, u_next / (1 - u_product * u_next))
        torch._foreach_add_(m_hat, grads, alpha=(1 - u_t) / (1 - u_product))
        denom = group.elementwise(1, torch.mul, v, 1 / (1 - self.beta_2**step))
        torch._foreach_sqrt_(denom)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(group.params, m_hat, denom, value=-lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
