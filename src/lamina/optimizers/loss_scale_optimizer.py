"""`LossScaleOptimizer`: dynamic loss scaling for float16 training.

Exported as `lamina.optimizers.LossScaleOptimizer` and
`lamina.mixed_precision.LossScaleOptimizer` (one class), as in Keras.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from lamina.optimizers.optimizer import Optimizer
from lamina.saving import serialization_lib

# Base optimizer arguments that Keras's LossScaleOptimizer still accepts at
# these values (older files wrote them), and refuses at any other value.
_BASE_DEFAULTS: dict[str, Any] = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


def _check_kwargs(kwargs: dict[str, Any]) -> None:
    """Raises for `dynamic=False`, a base argument off its default, or any other."""
    if not kwargs.pop("dynamic", True):
        raise ValueError(
            "LossScaleOptimizer no longer supports `dynamic=False`. Instead, "
            "simply set `loss_scale_factor` directly on the `inner_optimizer`."
        )
    for key, default in _BASE_DEFAULTS.items():
        if key in kwargs and kwargs.pop(key) != default:
            raise ValueError(
                f"LossScaleOptimizer does not support `{key}`. Instead, set "
                f"`{key}` on the `inner_optimizer`."
            )
    if kwargs:
        raise ValueError(
            "LossScaleOptimizer does not support arguments: "
            f"{', '.join(f'`{key}`' for key in kwargs)}."
        )


class LossScaleOptimizer(Optimizer):
    """Scales the loss up before differentiation and the gradients back down.

    On a step whose gradients are all finite, the gradients divided by the
    scale go to `inner_optimizer`, and after `dynamic_growth_steps` such steps
    in a row the scale doubles. A step with an inf or NaN gradient is skipped
    and halves the scale.

    The learning rate and `iterations` are the inner optimizer's. `variables`
    are, as Keras saves them: this optimizer's own iteration count and rate
    (never used), `step_counter`, `dynamic_scale`, then the inner optimizer's.

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the starting scale.
        dynamic_growth_steps: finite steps in a row before the scale doubles.
        name: the optimizer's name (default `"loss_scale_optimizer"`, made
            unique as every automatic name is).
        **kwargs: only the base optimizer arguments at their defaults, which
            older Keras files wrote.

    Raises:
        ValueError: for `dynamic=False`, a base argument set to another value
            than its default, or any other keyword argument, as Keras.
        TypeError: when `inner_optimizer` is not an `Optimizer`.

    Example:

    >>> import torch, lamina
    >>> opt = LossScaleOptimizer(lamina.optimizers.SGD(0.5), initial_scale=8.0)
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> opt.apply([torch.tensor([8.0, float("inf")])], [w])  # skipped
    >>> float(opt.dynamic_scale)
    4.0
    """

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        _check_kwargs(kwargs)
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "`inner_optimizer` must be an `Optimizer` instance. Received: "
                f"inner_optimizer={inner_optimizer!r} of type "
                f"{type(inner_optimizer).__name__}"
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale a second time.
        inner_optimizer.loss_scale_factor = None
        self._scale = float(initial_scale)
        self._step_counter = 0

    # -- state ----------------------------------------------------------------------

    @property
    def dynamic_scale(self) -> torch.Tensor:
        """The current loss scale, a 0-d float32 tensor."""
        return torch.tensor(self._scale, dtype=torch.float32)

    @property
    def step_counter(self) -> torch.Tensor:
        """Finite steps since the scale last changed, a 0-d int32 tensor."""
        return torch.tensor(self._step_counter, dtype=torch.int32)

    @property
    def scale(self) -> float:
        """The current loss scale as a Python float."""
        return self._scale

    def build(self, variables: Sequence[torch.Tensor]) -> None:
        """Builds the inner optimizer on `variables` (once)."""
        if self.built:
            return
        self.inner_optimizer.build(variables)
        super().build(variables)

    @property
    def variables(self) -> list[torch.Tensor]:
        own = [torch.tensor(self._iterations, dtype=torch.int64), self._learning_rate]
        if self.built:
            own += [self.step_counter, self.dynamic_scale]
        return own + list(self.inner_optimizer.variables)

    def load_own_variables(self, store: dict[str, Any]) -> None:
        """Restores `variables` as written by `save_own_variables`.

        Raises:
            ValueError: when `store` holds a different number of variables.
        """
        own = 4 if self.built else 2
        expected = own + len(self.inner_optimizer.variables)
        if len(store) != expected:
            raise ValueError(
                f"Optimizer '{self.name}' has {expected} variables but the saved "
                f"state has {len(store)}. Build the optimizer on the same "
                "variables before loading."
            )
        values = [np.asarray(store[str(i)]) for i in range(expected)]
        self._iterations = int(values[0])
        if self.built:
            self._step_counter = int(values[2])
            self._scale = float(values[3])
        inner = {str(i): v for i, v in enumerate(values[own:])}
        self.inner_optimizer.load_own_variables(inner)

    @property
    def learning_rate(self) -> torch.Tensor:
        """The inner optimizer's learning rate."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self.inner_optimizer.learning_rate = value

    @property
    def iterations(self) -> torch.Tensor:
        """The inner optimizer's count of updates."""
        return self.inner_optimizer.iterations

    # -- applying -------------------------------------------------------------------

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """Returns `loss` times the current scale."""
        return loss * (self._scale if self.built else self.initial_scale)

    @torch.no_grad()
    def apply(
        self,
        grads: Sequence[torch.Tensor | None],
        trainable_variables: Sequence[torch.Tensor] | None = None,
    ) -> None:
        """Unscales `grads` and applies them, or skips a step that overflowed.

        Checking the gradients reads one flag from the device per step.
        """
        if not self.built:
            if trainable_variables is None:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the "
                    "optimizer must already be built on a list of variables. "
                    "Call `optimizer.build(trainable_variables)` first."
                )
            self.build(list(trainable_variables))
        out: list[torch.Tensor | None] = list(grads)
        if self._grad_reducer is not None:  # data-parallel: sum over processes
            out = self._grad_reducer(out)
        present = [i for i, g in enumerate(out) if g is not None]
        if not present:  # the inner optimizer says what is wrong
            self.inner_optimizer.apply(out, trainable_variables)
            return
        given = [g for g in out if g is not None]
        unscaled = torch._foreach_div(given, self._scale)
        device = unscaled[0].device
        flags = [torch.isfinite(g).all().to(device) for g in unscaled]
        if not bool(torch.stack(flags).all()):
            self._step_counter = 0
            self._scale *= 0.5
            return
        for i, g in zip(present, unscaled, strict=True):
            out[i] = g
        self.inner_optimizer.apply(out, trainable_variables)
        if self._step_counter == self.dynamic_growth_steps - 1:
            self._step_counter = 0
            self._scale *= 2.0
        else:
            self._step_counter += 1

    def finalize_variable_values(self, var_list: Sequence[torch.Tensor]) -> None:
        """The inner optimizer's `finalize_variable_values`."""
        self.inner_optimizer.finalize_variable_values(var_list)

    # -- config ---------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "inner_optimizer": serialization_lib.serialize_keras_object(
                self.inner_optimizer
            ),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Any:
        config = dict(config)
        inner = serialization_lib.deserialize_keras_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects
        )
        return cls(inner, **config)
