"""The Lamb optimizer (layer-wise adaptive moments)."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class Lamb(Optimizer):
    """Lamb: Adam's bias-corrected step, rescaled per variable by a trust ratio.

    `m += (g - m) * (1 - beta_1)`, `v += (g^2 - v) * (1 - beta_2)`, then
    `u = (m / (1 - beta_1^t)) / (sqrt(v / (1 - beta_2^t)) + epsilon)` and
    `w -= ratio * lr * u` with `ratio = ||w|| / ||u||` (1 when either norm is
    zero). The norms are taken over each whole variable.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the bias-corrected `sqrt(v)`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.

    Example:

    >>> import torch
    >>> w = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    >>> Lamb(learning_rate=0.1).apply([torch.tensor([1.0, 1.0])], [w])
    >>> [round(x, 4) for x in w.tolist()]
    [2.6464, 3.6464]
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

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        m, v = group.slots["momentum"], group.slots["velocity"]
        real = group.real  # Keras forms the bias corrections in the variable dtype
        one, t = real(1), real(step)
        m_correction = float(one - real(self.beta_1) ** t)
        v_correction = float(one - real(self.beta_2) ** t)
        torch._foreach_lerp_(m, grads, 1 - self.beta_1)
        # Out-of-place results go to the group's kept scratch buffers (see
        # `Group.elementwise`); `x * 1.0` is an exact copy, then divided in
        # place as Keras divides.
        torch._foreach_lerp_(
            v, group.elementwise(0, torch.mul, grads, grads), 1 - self.beta_2
        )
        denom = group.elementwise(1, torch.mul, v, 1.0)
        torch._foreach_div_(denom, v_correction)
        torch._foreach_sqrt_(denom)
        torch._foreach_add_(denom, self.epsilon)
        update = group.elementwise(2, torch.mul, m, 1.0)
        torch._foreach_div_(update, m_correction)
        torch._foreach_div_(update, denom)
        w_norms = torch._foreach_norm(group.params)
        u_norms = torch._foreach_norm(update)
        for var, u, w_norm, u_norm in zip(
            group.params, update, w_norms, u_norms, strict=True
        ):
            ratio = torch.where((w_norm > 0) & (u_norm > 0), w_norm / u_norm, 1.0)
            var.sub_(u.mul_(ratio * lr))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
