"""The Adafactor optimizer."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


def _rms(x: torch.Tensor) -> torch.Tensor:
    """Returns the root mean square of `x` (a 0-d tensor)."""
    return torch.sqrt(torch.mean(torch.square(x)))


class Adafactor(Optimizer):
    """Adafactor: Adam-like steps with a factored second moment.

    For a variable of rank >= 2 the second moment is kept as row (`r`) and
    column (`c`) averages of `g^2 + epsilon_1`; lower ranks keep a full `v`.
    The step is `max(epsilon_2, rms(w)) * min(lr, 1 / sqrt(t))` times
    `u / max(1, rms(u) / clip_threshold)` with `u = g / sqrt(v)`, and the
    moments decay with `1 - t^beta_2_decay`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        beta_2_decay: the decay exponent of the second moment.
        epsilon_1: added to the squared gradient.
        epsilon_2: the smallest variable scale.
        clip_threshold: the update's RMS clipping threshold.
        relative_step: cap a float rate at `1 / sqrt(t)`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.
    """

    _slot_names = ("r", "c", "velocity")

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def _init_slot(self, name: str, variable: torch.Tensor) -> torch.Tensor:
        shape = tuple(variable.shape)
        if name == "velocity":
            return torch.zeros_like(variable)
        if len(shape) < 2:
            # Placeholder, as Keras keeps one for unfactored variables.
            return torch.zeros((), dtype=torch.int32, device=variable.device)
        if name == "r":
            return torch.zeros(shape[:-1], device=variable.device, dtype=variable.dtype)
        return torch.zeros(
            shape[:-2] + shape[-1:], device=variable.device, dtype=variable.dtype
        )

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        rho = min(lr, 1.0 / math.sqrt(step))
        beta = 1.0 - step**self.beta_2_decay
        slots = zip(
            group.slots["r"], group.slots["c"], group.slots["velocity"], strict=True
        )
        for var, grad, (r, c, v) in zip(group.params, grads, slots, strict=True):
            alpha = torch.clamp_min(_rms(var), self.epsilon_2) * rho
            regulated = torch.square(grad).add_(self.epsilon_1)
            if var.dim() >= 2:
                r.mul_(beta).add_(regulated.mean(dim=-1), alpha=1 - beta)
                c.mul_(beta).add_(regulated.mean(dim=-2), alpha=1 - beta)
                row = (r / r.mean(dim=-1, keepdim=True)).unsqueeze(-1)
                v.copy_(row * c.unsqueeze(-2))
            else:
                v.mul_(beta).add_(regulated, alpha=1 - beta)
            u = grad / torch.sqrt(v)
            u_hat = u / torch.clamp_min(_rms(u) / self.clip_threshold, 1.0)
            var.sub_(alpha * u_hat)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
