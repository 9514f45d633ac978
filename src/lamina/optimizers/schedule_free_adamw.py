"""The Schedule-Free AdamW optimizer."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW: Adam steps on a base sequence, averaged into the weights.

    The `momentum` slot holds the base sequence `z` (it starts at the
    variable's value) and `velocity` the second moment. With
    `lr_t = lr * min(t / warmup_steps, 1)` (just `lr` when `warmup_steps=0`):

    - `v += (g^2 - v) * (1 - beta_2)`;
    - `z -= lr_t * g / (sqrt(v / (1 - beta_2^t)) + epsilon)`;
    - the variable `y` becomes `(1 - beta_1) * z + beta_1 * x` with
      `x = (1 - 1/t) * x_old + z / t` and `x_old = (y - (1 - beta_1) * z) / beta_1`.

    `x_old` is recovered from the *updated* `z`, as Keras 3.15 does on the torch
    backend (its "old momentum" is a view of the slot it then updates), so the
    numbers are Keras's; this makes the new variable `y + (z - y) / t`.

    As in Keras, there is no train/eval switch: `fit`, `evaluate` and
    `predict` all use the variable `y`, and no callback swaps in `x`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable.
        beta_1: the interpolation between `z` and the average `x`.
        beta_2: decay of the second moment.
        epsilon: added to the bias-corrected `sqrt(v)`.
        warmup_steps: the rate grows linearly from `lr / warmup_steps` to `lr`
            over this many steps.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.

    Raises:
        ValueError: when `warmup_steps` is not a non-negative integer.
    """

    _slot_names = ("momentum", "velocity")

    def __init__(
        self,
        learning_rate: Any = 0.0025,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        warmup_steps: int = 0,
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
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int):
            raise ValueError(
                "Argument `warmup_steps` must be a non-negative integer. "
                f"Received: warmup_steps={warmup_steps!r}"
            )
        if warmup_steps < 0:
            raise ValueError(
                "Argument `warmup_steps` must be a non-negative integer. "
                f"Received: warmup_steps={warmup_steps}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def _init_slot(self, name: str, variable: torch.Tensor) -> torch.Tensor:
        if name == "momentum":  # the base sequence starts at the variable
            return variable.detach().clone(memory_format=torch.preserve_format)
        return super()._init_slot(name, variable)

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        z, v = group.slots["momentum"], group.slots["velocity"]
        real = group.real  # Keras forms these scalars in the variable dtype
        one, t = real(1), real(step)
        rate = real(lr)
        if self.warmup_steps > 0:
            rate = rate * min(t / real(self.warmup_steps), one)
        beta_1, beta_2 = real(self.beta_1), real(self.beta_2)
        correction = float(one - beta_2**t)
        # Out-of-place results go to the group's kept scratch buffers (see
        # `Group.elementwise`), each set reused once its last value is spent;
        # `x * 1.0` is an exact copy, then divided in place as Keras divides.
        squares = group.elementwise(0, torch.mul, grads, grads)
        torch._foreach_lerp_(v, squares, float(one - beta_2))
        denom = group.elementwise(1, torch.mul, v, 1.0)
        torch._foreach_div_(denom, correction)
        torch._foreach_sqrt_(denom)
        torch._foreach_add_(denom, float(real(self.epsilon)))
        steps = group.elementwise(2, torch.mul, grads, float(rate))
        torch._foreach_div_(steps, denom)
        torch._foreach_sub_(z, steps)
        # x_old = (y - (1 - beta_1) * z) / beta_1, from the updated z (see above)
        weight = one / t
        x = group.elementwise(0, torch.mul, z, float(one - beta_1))
        torch._foreach_sub_(x, group.params)
        torch._foreach_div_(x, -float(beta_1))
        torch._foreach_mul_(x, float(one - weight))
        torch._foreach_add_(x, group.elementwise(1, torch.mul, z, float(weight)))
        torch._foreach_mul_(x, float(beta_1))
        torch._foreach_add_(x, group.elementwise(2, torch.mul, z, float(one - beta_1)))
        torch._foreach_copy_(group.params, x)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        }
