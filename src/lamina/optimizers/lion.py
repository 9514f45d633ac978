"""The Lion optimizer."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Lion: sign of an interpolated momentum.

    `w -= lr * sign(beta_1 * m + (1 - beta_1) * g)`, then
    `m = beta_2 * m + (1 - beta_2) * g`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        beta_1: interpolation factor of the update direction, in (0, 1].
        beta_2: decay of the momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.

    Raises:
        ValueError: when `beta_1` is not in (0, 1].
    """

    _slot_names = ("momentum",)

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
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
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        m = group.slots["momentum"]
        direction = torch._foreach_mul(m, self.beta_1)
        torch._foreach_add_(direction, grads, alpha=1 - self.beta_1)
        torch._foreach_sign_(direction)
        torch._foreach_add_(group.params, direction, alpha=-lr)
        torch._foreach_lerp_(m, grads, 1 - self.beta_2)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
