"""The Muon optimizer: orthogonalised momentum for matrices, AdamW elsewhere."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from lamina.optimizers._paths import variable_path
from lamina.optimizers._plan import Group
from lamina.optimizers.adam import _adam_step_size
from lamina.optimizers.optimizer import Optimizer, _short_name


class Muon(Optimizer):
    """Muon: momentum orthogonalised by a Newton-Schulz iteration.

    A 2-D variable takes the Muon step: `m = momentum * m + g`, the direction
    `d = g + momentum * m` (`d = m` without `nesterov`) is orthogonalised by
    `ns_steps` quintic Newton-Schulz iterations with coefficients
    `(muon_a, muon_b, muon_c)`, and `w -= lr * O(d) * sqrt(max(rows, cols)) *
    rms_rate` (no last factors when `rms_rate=None`).

    Every other variable takes an Adam step (Keras's epsilon-hat form) with
    rate `lr * adam_lr_ratio`: variables that are not 2-D, those whose path
    contains "embedding" (when `exclude_embeddings`), and those whose path
    matches one of the regular expressions in `exclude_layers`.

    Weight decay, `w -= w * decay * lr`, uses `weight_decay` for Muon
    variables and `adam_weight_decay` for Adam ones.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable.
        adam_beta_1: decay of the Adam first moment.
        adam_beta_2: decay of the Adam second moment.
        adam_weight_decay: weight decay of the Adam variables (or `None`).
        epsilon: Adam's epsilon, added to `sqrt(v)`.
        weight_decay: weight decay of the Muon variables (or `None`).
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps,
        name: as in `Optimizer`.
        exclude_layers: regular expressions; a 2-D variable whose path matches
            one takes the Adam step (e.g. `["output_dense"]`).
        exclude_embeddings: 2-D variables with "embedding" in their path take
            the Adam step.
        muon_a, muon_b, muon_c: the Newton-Schulz coefficients.
        adam_lr_ratio: the Adam variables' rate as a fraction of `learning_rate`.
        momentum: the Muon momentum.
        ns_steps: the number of Newton-Schulz iterations.
        nesterov: use Nesterov momentum for the Muon direction.
        rms_rate: the Moonlight update scale, or `None` for none.

    Raises:
        ValueError: for a negative `adam_weight_decay`, an `exclude_layers`
            that is not a list of strings, or a negative `ns_steps`.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        adam_beta_1: float = 0.9,
        adam_beta_2: float = 0.999,
        adam_weight_decay: float | None = 0.004,
        epsilon: float = 1e-7,
        weight_decay: float | None = 0.004,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        exclude_layers: list[str] | None = None,
        exclude_embeddings: bool = True,
        muon_a: float = 3.4445,
        muon_b: float = -4.7750,
        muon_c: float = 2.0315,
        adam_lr_ratio: float = 1,
        momentum: float = 0.95,
        ns_steps: int = 5,
        nesterov: bool = True,
        rms_rate: float | None = 0.2,
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
        _check_muon_arguments(adam_weight_decay, exclude_layers, ns_steps)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    # -- which step ---------------------------------------------------------------

    def _should_use_adamw(self, variable: torch.Tensor) -> bool:
        """Whether `variable` takes the Adam step instead of the Muon step."""
        if variable.dim() != 2:
            return True
        path = variable_path(variable)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(pattern, path) for pattern in self.exclude_layers)

    def build(self, variables: Any) -> None:
        """Creates a momentum per variable and a velocity per Adam variable."""
        if self.built:
            return
        super().build(variables)
        for var, slots in zip(self._trainable_variables, self._slots, strict=True):
            slots["momentum"] = torch.zeros_like(var)
            if self._should_use_adamw(var):
                slots["velocity"] = torch.zeros_like(var)

    def _slot_order(self) -> list[tuple[int, str]]:
        """Returns `(variable index, slot name)` in Keras's saving order."""
        return [
            (i, name)
            for i, slots in enumerate(self._slots)
            for name in ("momentum", "velocity")
            if name in slots
        ]

    def _slot_layout(self) -> tuple[tuple[str, ...], ...]:
        return ()  # the slots are listed by `variables` below, some are absent

    @property
    def variables(self) -> list[torch.Tensor]:
        out = super().variables
        if not self.built:
            return out
        # Base order: iterations, rate, averages, accumulators, extras, scalars;
        # Keras puts each variable's momentum (and velocity) after the accumulators.
        head = 1 + (self._schedule is None) + len(self._averages)
        head += len(self._accumulators)
        slots = [self._slots[i][name] for i, name in self._slot_order()]
        return out[:head] + slots + out[head:]

    # -- weight decay ---------------------------------------------------------------

    def _decay_rate(self, index: int) -> float | None:
        """The weight decay of built variable `index`: Adam's or Muon's, `None`
        when excluded (decided once per variable, as Keras caches it)."""
        cache = self.__dict__.setdefault("_decay_cache", {})
        if index in cache:
            return cache[index]
        variable = self._trainable_variables[index]
        pattern = self._excluded_pattern
        rate: float | None
        if id(variable) in self._excluded_ids or (
            pattern is not None and re.search(pattern, _short_name(variable))
        ):
            rate = None
        elif "velocity" in self._slots[index]:
            rate = self.adam_weight_decay
        else:
            rate = self.weight_decay
        cache[index] = rate
        return rate

    def exclude_from_weight_decay(
        self,
        var_list: Iterable[torch.Tensor] | None = None,
        var_names: Iterable[str] | None = None,
    ) -> None:
        super().exclude_from_weight_decay(var_list=var_list, var_names=var_names)
        self.__dict__.pop("_decay_cache", None)

    def _use_weight_decay(self, variable: torch.Tensor) -> bool:
        # Muon decays in `_update`, each variable at its own rate; the base
        # class's one-rate decay of the group must find nothing to decay.
        return False

    # -- the step -------------------------------------------------------------------

    def _update(
        self, group: Group, grads: list[torch.Tensor], lr: float, step: int
    ) -> None:
        for index, var, grad in zip(group.indices, group.params, grads, strict=True):
            decay = self._decay_rate(index)
            if decay is not None:  # as Keras: w - w * decay * lr, in w's dtype
                var.sub_(var * float(group.real(decay)) * lr)
            slots = self._slots[index]
            if "velocity" in slots:
                adam_lr = float(group.real(lr) * group.real(self.adam_lr_ratio))
                self._adam_step(var, grad, slots, group, adam_lr, step)
            else:
                self._muon_step(var, grad, slots["momentum"], lr)

    def _adam_step(
        self,
        var: torch.Tensor,
        grad: torch.Tensor,
        slots: dict[str, torch.Tensor],
        group: Group,
        lr: float,
        step: int,
    ) -> None:
        m, v = slots["momentum"], slots["velocity"]
        beta_1, beta_2 = self.adam_beta_1, self.adam_beta_2
        alpha = _adam_step_size(group.real, lr, beta_1, beta_2, step)
        m.lerp_(grad, 1 - beta_1)
        v.lerp_(grad * grad, 1 - beta_2)
        var.sub_((m * alpha) / (v.sqrt() + self.epsilon))

    def _muon_step(
        self, var: torch.Tensor, grad: torch.Tensor, m: torch.Tensor, lr: float
    ) -> None:
        m.add_(grad + m * (self.momentum - 1))
        direction = grad + self.momentum * m if self.nesterov else m
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
        var.sub_(self.lr_adjust(lr * update))

    def lr_adjust(self, x: torch.Tensor) -> torch.Tensor:
        """Scales a 2-D update by `sqrt(max(rows, cols)) * rms_rate` (Moonlight)."""
        if self.rms_rate is None:
            return x
        scale = float(np.float32(math.sqrt(max(x.shape[0], x.shape[1]))))
        return x * scale * self.rms_rate

    def zeropower_via_newtonschulz5(self, x: torch.Tensor, steps: int) -> torch.Tensor:
        """Returns an approximate orthogonalisation `U V^T` of `x` (`U S V^T`).

        Quintic Newton-Schulz iterations on `x` scaled to a Frobenius norm
        of at most one, on the wide orientation of the matrix.

        Raises:
            ValueError: for a tensor of rank < 2.
        """
        if x.dim() < 2:
            raise ValueError(
                "Expected gradient or momentum to have at least 2 dimensions. "
                f"Received: shape={tuple(x.shape)}"
            )
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = x.transpose(-2, -1)
        x = x / (torch.linalg.norm(x, dim=(-2, -1), keepdim=True) + 1e-7)
        for _ in range(steps):
            gram = x @ x.transpose(-2, -1)
            x = a * x + (b * gram + c * gram @ gram) @ x
        return x.transpose(-2, -1) if tall else x

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        }


def _check_muon_arguments(
    adam_weight_decay: Any, exclude_layers: Any, ns_steps: Any
) -> None:
    """Raises for a bad `adam_weight_decay`, `exclude_layers` or `ns_steps`."""
    if adam_weight_decay is not None and (
        isinstance(adam_weight_decay, bool)
        or not isinstance(adam_weight_decay, (int, float))
        or adam_weight_decay < 0
    ):
        raise ValueError(
            "Argument `adam_weight_decay` must be a non-negative float or None. "
            f"Received: adam_weight_decay={adam_weight_decay!r}"
        )
    if isinstance(exclude_layers, str) or not (
        exclude_layers is None
        or (
            isinstance(exclude_layers, (list, tuple))
            and all(isinstance(p, str) for p in exclude_layers)
        )
    ):
        raise ValueError(
            "Argument `exclude_layers` must be a list of regular expressions "
            f"(strings). Received: exclude_layers={exclude_layers!r}. Pass a "
            'list, e.g. exclude_layers=["output_dense"].'
        )
    if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
        raise ValueError(
            "Argument `ns_steps` must be a non-negative integer. "
            f"Received: ns_steps={ns_steps!r}"
        )
