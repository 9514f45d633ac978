"""The Adam and AdamW optimizers (Keras's epsilon-hat form)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


def _adam_step_size(
    real: type, lr: float, beta_1: float, beta_2: float, step: int
) -> float:
    """Returns `lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`, rounded as Keras does."""
    one, t = real(1), real(step)
    b1_power, b2_power = real(beta_1) ** t, real(beta_2) ** t
    return float(real(lr) * np.sqrt(one - b2_power) / (one - b1_power))


class Adam(Optimizer):
    """Adam: adaptive moment estimation, in Keras's epsilon-hat form.

    `m += (g - m) * (1 - beta_1)`, `v += (g^2 - v) * (1 - beta_2)`, then
    `w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)`.
    With `amsgrad`, `v` is replaced by the running maximum of `v`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to `sqrt(v)` (outside the bias correction).
        amsgrad: use the AMSGrad variant.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
        self.amsgrad = amsgrad
        names = ("momentum", "velocity", "velocity_hat")
        self._slot_names = names if amsgrad else names[:2]

    def _slot_layout(self) -> tuple[tuple[str, ...], ...]:
        names = self._slot_names
        return (names[:2], names[2:])

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        m, v = group.slots["momentum"], group.slots["velocity"]
        alpha = _adam_step_size(group.real, lr, self.beta_1, self.beta_2, step)
        torch._foreach_lerp_(m, grads, 1 - self.beta_1)
        torch._foreach_mul_(v, self.beta_2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - self.beta_2)
        if self.amsgrad:
            v_hat = group.slots["velocity_hat"]
            torch._foreach_maximum_(v_hat, v)
            v = v_hat
        denom = group.elementwise(0, torch.sqrt, v)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(group.params, m, denom, value=-alpha)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class AdamW(Adam):
    """Adam with decoupled weight decay.

    Before each update `w -= w * weight_decay * lr`, then the Adam update.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        weight_decay: the decay rate (required).
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to `sqrt(v)`.
        amsgrad: use the AMSGrad variant.
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.

    Raises:
        ValueError: when `weight_decay` is `None`.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
        if weight_decay is None:
            raise ValueError(
                "Argument `weight_decay` must be a float. Received: weight_decay=None"
            )
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
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
