"""The SGD optimizer, with optional (Nesterov) momentum."""

from __future__ import annotations

from typing import Any

import torch

from lamina.optimizers._plan import Group
from lamina.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent, with optional momentum.

    Without momentum: `w -= lr * g`. With momentum:
    `m = momentum * m - lr * g`, then `w += m`, or with Nesterov
    `w += momentum * m - lr * g`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        momentum: a float in [0, 1].
        nesterov: use Nesterov momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.

    Raises:
        ValueError: when `momentum` is outside [0, 1].

    Example:

    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> SGD(learning_rate=0.1).apply([torch.ones(2)], [w])
    >>> w.tolist()
    [0.8999999761581421, 0.8999999761581421]
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
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
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, (int, float))
            or not (0 <= momentum <= 1)
        ):
            raise ValueError(
                f"`momentum` must be a float between [0, 1]. Received: momentum={momentum}"
            )
        self.momentum = momentum
        self.nesterov = nesterov
        self._slot_names = ("momentum",) if momentum != 0 else ()

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        params = group.params
        if not self._slot_names:
            torch._foreach_add_(params, grads, alpha=-lr)
            return
        momentums = group.slots["momentum"]
        torch._foreach_mul_(momentums, self.momentum)
        torch._foreach_add_(momentums, grads, alpha=-lr)
        if self.nesterov:
            torch._foreach_add_(params, momentums, alpha=self.momentum)
            torch._foreach_add_(params, grads, alpha=-lr)
        else:
            torch._foreach_add_(params, momentums)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "momentum": self.momentum,
            "nesterov": self.nesterov,
        }
