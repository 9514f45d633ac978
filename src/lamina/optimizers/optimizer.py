"""The `Optimizer` base class: Keras 3's optimizer protocol on torch tensors.

A step (`apply`) runs, as in Keras: unscale the gradients by
`loss_scale_factor`, accumulate them when `gradient_accumulation_steps` is set,
clip them (`clipnorm`, `global_clipnorm` or `clipvalue`), decay the variables
(`variable -= variable * weight_decay * learning_rate`), run the optimizer's
update, update the moving averages when `use_ema`, then count the step.

Subclasses declare their slots and implement `_update(group, grads, lr, step)`
with multi-tensor (`torch._foreach_*`) kernels over one (device, dtype) group.
Scalars (learning rate, bias corrections) are python floats computed from a
python step counter, so a step never waits on the device.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch

from lamina.backend.variable import Variable
from lamina.optimizers import _clipping
from lamina.optimizers._config import OptimizerConfig
from lamina.optimizers._keras_style import KerasStyleMixin
from lamina.optimizers._plan import Group, make_plan

_PLAIN_TYPES = (torch.Tensor, torch.nn.Parameter, Variable)


def _short_name(variable: torch.Tensor) -> str:
    """Returns a variable's Keras name: its `name`, or its `path`'s last part."""
    name = getattr(variable, "name", None)
    if name:
        return str(name)
    return str(getattr(variable, "path", None) or "").rsplit("/", 1)[-1]


class Optimizer(KerasStyleMixin, OptimizerConfig):
    """Base class for optimizers.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable with
            no arguments returning the rate.
        weight_decay: if set, `variable -= variable * weight_decay * lr`
            before each update.
        clipnorm: if set, each gradient is clipped to this L2 norm.
        clipvalue: if set, each gradient is clamped to `[-clipvalue, clipvalue]`.
        global_clipnorm: if set, all gradients are scaled together to this
            global L2 norm.
        use_ema: keep an exponential moving average of the variables.
        ema_momentum: the moving average's momentum.
        ema_overwrite_frequency: every this many steps, overwrite the
            variables with their moving average.
        loss_scale_factor: gradients are divided by this factor.
        gradient_accumulation_steps: update the variables every this many
            steps with the mean of the accumulated gradients.
        name: the optimizer's name.

    Raises:
        ValueError: for an invalid argument or an unknown keyword.
    """

    # Set during a data-parallel fit: sums the gradients over the processes.
    _grad_reducer: Any = None

    _slot_names: tuple[str, ...] = ()

    # -- building ---------------------------------------------------------------

    def build(self, variables: Sequence[torch.Tensor]) -> None:
        """Creates the slot tensors of `variables` (once; later calls do nothing).

        Args:
            variables: the trainable variables (`torch.nn.Parameter`s).
        """
        if self.built:
            return
        self._trainable_variables = list(variables)
        self._index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        self._slots = []
        with torch.no_grad():
            for var in self._trainable_variables:
                slots = {name: self._init_slot(name, var) for name in self._slot_names}
                self._slots.append(slots)
            self._averages = self._aux_slots(self.use_ema)
            self._accumulators = self._aux_slots(self.gradient_accumulation_steps)
        self._plans: dict[tuple[int, ...], list[Group]] = {}
        self.built = True

    def _slot_layout(self) -> tuple[tuple[str, ...], ...]:
        """Returns slot names in Keras's saving order.

        Each tuple is written variable by variable, the tuples one after the
        other: `(("momentum", "velocity"),)` gives `k_momentum, k_velocity,
        b_momentum, b_velocity`.
        """
        return (self._slot_names,)

    def _init_slot(self, name: str, variable: torch.Tensor) -> torch.Tensor:
        """Returns the initial value of slot `name` of `variable` (zeros)."""
        return torch.zeros_like(variable, memory_format=torch.preserve_format)

    def _aux_slots(self, enabled: Any) -> list[torch.Tensor]:
        """Returns one zero tensor per variable when `enabled`, else `[]`."""
        if not enabled:
            return []
        return [torch.zeros_like(v).detach() for v in self._trainable_variables]

    # -- state ------------------------------------------------------------------

    @property
    def iterations(self) -> torch.Tensor:
        """The number of updates applied, as a 0-d int64 tensor.

        With `gradient_accumulation_steps=n`, Keras counts one update per `n`
        calls to `apply`.
        """
        return torch.tensor(self._update_count(), dtype=torch.int64)

    @property
    def variables(self) -> list[torch.Tensor]:
        """The optimizer's state, in Keras's order, for saving.

        The count of `apply` calls, the learning rate (unless it is a schedule or a
        callable), the moving averages, the gradient accumulators, each
        variable's slots, then optimizer-wide scalars.
        """
        out = [torch.tensor(self._iterations, dtype=torch.int64)]
        if self._schedule is None:
            out.append(self._learning_rate)
        if not self.built:
            return out
        out.extend(self._averages)
        out.extend(self._accumulators)
        for names in self._slot_layout():
            for slots in self._slots:
                out.extend(slots[name] for name in names)
        out.extend(self._extra_variables)
        out.extend(torch.tensor(v) for v in self._scalars.values())
        return out

    def save_own_variables(self, store: dict[str, Any]) -> None:
        """Writes `variables` into `store` under keys "0", "1", ... as arrays."""
        for i, var in enumerate(self.variables):
            store[str(i)] = var.detach().cpu().numpy()

    def load_own_variables(self, store: dict[str, Any]) -> None:
        """Restores the state written by `save_own_variables`.

        Raises:
            ValueError: when `store` holds a different number of variables.
        """
        own = self.variables
        if len(store) != len(own):
            raise ValueError(
                f"Optimizer '{self.name}' has {len(own)} variables but the saved "
                f"state has {len(store)}. Build the optimizer on the same "
                "variables before loading."
            )
        values = [torch.as_tensor(np.asarray(store[str(i)])) for i in range(len(own))]
        self._iterations = int(values[0])
        tensors = len(own) - len(self._scalars)
        for name, value in zip(self._scalars, values[tensors:], strict=True):
            self._scalars[name] = float(value)
        with torch.no_grad():
            for var, value in zip(own[1:tensors], values[1:tensors], strict=True):
                var.copy_(value)

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Sets `variables` from a list of arrays (see `load_own_variables`)."""
        self.load_own_variables({str(i): w for i, w in enumerate(weights)})

    # -- weight decay -----------------------------------------------------------

    def exclude_from_weight_decay(
        self,
        var_list: Iterable[torch.Tensor] | None = None,
        var_names: Iterable[str] | None = None,
    ) -> None:
        """Excludes variables from weight decay.

        Args:
            var_list: variables to exclude.
            var_names: regular expressions; a variable whose `name` (or
                `path`) matches one is excluded.
        """
        self._excluded_ids |= {id(v) for v in var_list or ()}
        names = sorted(set(var_names or ()))
        if names:
            self._excluded_pattern = "|".join(names)
        self._plans = {}

    def _use_weight_decay(self, variable: torch.Tensor) -> bool:
        """Whether `variable` takes weight decay."""
        if self.weight_decay is None or id(variable) in self._excluded_ids:
            return False
        if self._excluded_pattern is None:
            return True
        return re.search(self._excluded_pattern, _short_name(variable)) is None

    # -- applying ---------------------------------------------------------------

    def apply_gradients(
        self, grads_and_vars: Iterable[tuple[torch.Tensor | None, torch.Tensor]]
    ) -> torch.Tensor:
        """Applies `(gradient, variable)` pairs; returns `iterations`."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    @torch.no_grad()
    def apply(
        self,
        grads: Sequence[torch.Tensor | None],
        trainable_variables: Sequence[torch.Tensor] | None = None,
    ) -> None:
        """Applies one step of gradients to the variables, in place.

        Args:
            grads: one gradient (or `None`, skipped) per variable.
            trainable_variables: the variables; defaults to those the
                optimizer was built with. The optimizer builds on first use.

        Raises:
            ValueError: for mismatched lengths, unknown variables, or when
                every gradient is `None`.
        """
        grads = list(grads)
        if self._grad_reducer is not None:
            grads = self._grad_reducer(grads)
        variables = self._resolve_variables(grads, trainable_variables)
        key = tuple(
            id(v) for v, g in zip(variables, grads, strict=True) if g is not None
        )
        plan = self._plans.get(key)
        if plan is None:
            plan = self._make_plan(grads, variables, key)
        gathered = [group.gather(grads) for group in plan]
        if self._plain_variables(key, variables):
            # Variables are Parameter subclasses without __torch_function__;
            # skipping torch's per-argument subclass check saves ~0.5 us per
            # tensor in every multi-tensor call.
            with torch._C.DisableTorchFunctionSubclass():
                self._step(plan, gathered)
        else:  # tensor subclasses with their own semantics (DTensor, ...)
            self._step(plan, gathered)

    def _plain_variables(self, key: tuple, variables: Sequence[torch.Tensor]) -> bool:
        """Whether every variable of this update is a plain tensor, Parameter
        or `lamina.Variable` (cached per pattern of variables)."""
        cache = self.__dict__.setdefault("_plain_cache", {})
        plain = cache.get(key)
        if plain is None:
            plain = cache[key] = all(type(v) in _PLAIN_TYPES for v in variables)
        return plain

    def _resolve_variables(
        self, grads: Sequence[Any], variables: Sequence[torch.Tensor] | None
    ) -> Sequence[torch.Tensor]:
        """Returns the variables of a step, building the optimizer if needed."""
        if variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the "
                    "optimizer must already be built on a list of variables. "
                    "Call `optimizer.build(trainable_variables)` first."
                )
            variables = self._trainable_variables
        elif not isinstance(variables, (list, tuple)):
            variables = list(variables)
        if len(grads) != len(variables):
            raise ValueError(
                "`grads` and `trainable_variables` must have the same length. "
                f"Received: len(grads)={len(grads)}, "
                f"len(trainable_variables)={len(variables)}"
            )
        if not self.built:
            self.build(variables)
        return variables

    def _make_plan(
        self, grads: Sequence[Any], variables: Sequence[torch.Tensor], key: tuple
    ) -> list[Group]:
        """Groups the variables with a gradient; caches the plan under `key`."""
        if not key:
            raise ValueError("No gradients provided for any variable.")
        missing = [
            getattr(v, "path", None) or _short_name(v)
            for v, g in zip(variables, grads, strict=True)
            if g is None
        ]
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing "
                "the loss. If using `model.compile()`, did you forget to provide "
                "a `loss` argument?",
                stacklevel=3,
            )
        positions = [i for i, g in enumerate(grads) if g is not None]
        indices = [self._variable_index(variables[p]) for p in positions]
        plan = make_plan(
            positions,
            indices,
            self._trainable_variables,
            self._slots,
            self._use_weight_decay,
        )
        self._plans[key] = plan
        return plan

    def _variable_index(self, variable: torch.Tensor) -> int:
        """Returns the index of `variable` among the built variables."""
        try:
            return self._index[id(variable)]
        except KeyError:
            name = getattr(variable, "path", None) or tuple(variable.shape)
            raise ValueError(
                f"Unknown variable: {name}. This optimizer can only be called for "
                "the variables it was originally built with. When working with a "
                "new set of variables, use a new optimizer instance."
            ) from None

    def _step(self, plan: list[Group], grads: list[list[torch.Tensor]]) -> None:
        """Runs one step on gathered gradient lists (one per group)."""
        if self.loss_scale_factor is not None:
            grads = [list(torch._foreach_div(g, self.loss_scale_factor)) for g in grads]
        n = self.gradient_accumulation_steps
        if n:
            if (self._iterations + 1) % n != 0:
                for group, g in zip(plan, grads, strict=True):
                    torch._foreach_add_(self._gather(self._accumulators, group), g)
                if self.use_ema:  # Keras moves the averages on every call
                    self._update_averages(self._update_count())
                self._iterations += 1
                return
            grads = self._take_accumulated(plan, grads, n)
        grads = self._clip(grads)
        step = self._update_count()
        lr = self._current_learning_rate()
        self._before_update(step + 1)
        for group, g in zip(plan, grads, strict=True):
            if group.decay:  # only when weight_decay is set
                torch._foreach_mul_(group.decay, 1.0 - (self.weight_decay or 0.0) * lr)
            self._update(group, g, lr, step + 1)
        if self.use_ema:
            self._update_averages(step)
        self._iterations += 1

    @staticmethod
    def _gather(tensors: list[torch.Tensor], group: Group) -> list[torch.Tensor]:
        """Returns the entries of a per-variable list for a group."""
        return [tensors[i] for i in group.indices]

    def _take_accumulated(
        self, plan: list[Group], grads: list[list[torch.Tensor]], n: int
    ) -> list[list[torch.Tensor]]:
        """Returns `(accumulated + grads) / n` and resets the accumulators."""
        out = []
        for group, g in zip(plan, grads, strict=True):
            accumulators = self._gather(self._accumulators, group)
            total = torch._foreach_add(g, accumulators)
            torch._foreach_div_(total, float(n))
            torch._foreach_zero_(accumulators)
            out.append(list(total))
        return out

    def _clip(self, grads: list[list[torch.Tensor]]) -> list[list[torch.Tensor]]:
        """Clips gradient lists as configured (at most one kind of clipping)."""
        if self.clipnorm is not None and self.clipnorm > 0:
            return [_clipping.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None and self.global_clipnorm > 0:
            return _clipping.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue is not None and self.clipvalue > 0:
            return [_clipping.clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    def _update_averages(self, step: int) -> None:
        """Updates the moving averages of all variables (copies at step 0)."""
        weight = 1.0 if step == 0 else 1.0 - self.ema_momentum
        variables = self._trainable_variables
        torch._foreach_lerp_(self._averages, variables, weight)
        frequency = self.ema_overwrite_frequency
        if frequency and (step + 1) % frequency == 0:
            torch._foreach_copy_(variables, self._averages)

    def finalize_variable_values(self, var_list: Sequence[torch.Tensor]) -> None:
        """Overwrites the variables with their moving averages when `use_ema`."""
        if self.use_ema and self.built:
            with torch.no_grad():
                for var in var_list:
                    var.copy_(self._averages[self._variable_index(var)])

    def _before_update(self, step: int) -> None:
        """Called once per update, before the groups; `step` counts from 1."""

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        """Updates one group's variables in place; `step` counts from 1.

        Built-in optimizers override this with multi-tensor kernels; the
        default calls Keras's per-variable `update_step`.
        """
        rate = torch.tensor(lr, dtype=group.dtype)
        for grad, var in zip(grads, group.params, strict=True):
            self.update_step(grad, var, rate)

    def _get_variable_index(self, variable: torch.Tensor) -> int:
        """Returns the index of `variable` among the built variables (Keras API)."""
        return self._variable_index(variable)

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """Multiplies `loss` by `loss_scale_factor` when it is set."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
