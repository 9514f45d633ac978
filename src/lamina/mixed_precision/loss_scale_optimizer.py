"""`LossScaleOptimizer`: dynamic loss scaling for float16 training."""

from __future__ import annotations

from typing import Any

import torch

from lamina import optimizers
from lamina._naming import auto_name


class LossScaleOptimizer:
    """Scales the loss up before differentiation and the gradients back down.

    When a gradient overflows (inf or NaN) the step is skipped and the scale is
    halved; after `dynamic_growth_steps` good steps it doubles.

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: starting scale (2**15, as Keras).
        dynamic_growth_steps: good steps before the scale doubles.
        name: the optimizer's name (default `"loss_scale_optimizer"`, made
            unique as every automatic name is).

    Raises:
        ValueError: for any other keyword argument, as Keras refuses them.
    """

    def __init__(
        self,
        inner_optimizer: Any,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise ValueError(
                "LossScaleOptimizer does not support arguments: "
                f"{', '.join(f'`{key}`' for key in kwargs)}."
            )
        self.name = name or auto_name(type(self).__name__)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.scale = float(initial_scale)
        self._good_steps = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["inner_optimizer"], name)

    def build(self, variables: list) -> None:
        self.inner_optimizer.build(variables)

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        return loss * self.scale

    def apply(self, grads: list, trainable_variables: list | None = None) -> None:
        inv = 1.0 / self.scale
        present = [g for g in grads if g is not None]
        torch._foreach_mul_(present, inv)
        finite = bool(torch.stack([torch.isfinite(g).all() for g in present]).all())
        if not finite:  # one host read per step, only in float16 training
            self.scale /= 2.0
            self._good_steps = 0
            return
        self.inner_optimizer.apply(grads, trainable_variables)
        self._good_steps += 1
        if self._good_steps >= self.dynamic_growth_steps:
            self.scale *= 2.0
            self._good_steps = 0

    def apply_gradients(self, grads_and_vars: Any) -> None:
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def get_config(self) -> dict:
        return {
            "inner_optimizer": optimizers.serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }
