"""`OptimizerMap` and `MultiOptimizer`: a different optimizer per variable."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any, NoReturn

import numpy as np
import torch

from lamina._identifiers import serialize_object
from lamina.optimizers._paths import variable_path
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.optimizer import Optimizer
from lamina.saving import serialization_lib


def _check_inner(optimizer: Any, where: str) -> None:
    """Raises unless `optimizer` may serve inside a MultiOptimizer."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            f"{where} must be a Keras `Optimizer` instance. Received: {optimizer!r}"
        )
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(
            "LossScaleOptimizer cannot be used inside a MultiOptimizer. Wrap "
            f"the MultiOptimizer instead. Received: {where}={optimizer!r}"
        )
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(
            "MultiOptimizer cannot be used inside a MultiOptimizer. Map the "
            f"variables to plain optimizers. Received: {where}={optimizer!r}"
        )


class OptimizerMap(MutableMapping[str, Optimizer]):
    """Maps variable paths to optimizers, by exact key or regular expression.

    `optimizer_map[path]` returns the optimizer of the key equal to `path`,
    else of the one key that matches the whole path as a regular expression
    (`re.fullmatch`: `"encoder/.*"` matches every variable under `encoder`,
    `"encoder"` only that path), else `default_optimizer`. Calling the map on
    a variable looks up its `path`.

    Args:
        default_optimizer: the optimizer of variables no key matches.
        optimizer_map: a dict of initial keys and optimizers.

    Raises:
        TypeError: when `default_optimizer` is not an `Optimizer` or
            `optimizer_map` not a dict.

    Example:

    >>> import lamina
    >>> sgd, adam = lamina.optimizers.SGD(), lamina.optimizers.Adam()
    >>> m = OptimizerMap(default_optimizer=sgd)
    >>> m["encoder/.*"] = adam
    >>> m["encoder/dense/kernel"] is adam, m["decoder/dense/kernel"] is sgd
    (True, True)
    """

    def __init__(
        self,
        default_optimizer: Optimizer,
        optimizer_map: dict[str, Optimizer] | None = None,
    ) -> None:
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                "default_optimizer must be a Keras Optimizer instance. "
                f"Received: {default_optimizer!r}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(
                f"optimizer_map must be a dictionary. Received: {optimizer_map!r}"
            )
        self._default_optimizer = default_optimizer
        self._optimizer_map: dict[str, Optimizer] = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self) -> Optimizer:
        """The optimizer of variables that no key matches."""
        return self._default_optimizer

    def __getitem__(self, key: str) -> Optimizer:
        """Returns the optimizer of `key`: exact key, one matching pattern, default.

        Raises:
            ValueError: when several patterns match `key`.
        """
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Multiple optimizers assigned to variable {key}: the patterns "
                f"{matches} all match it. Make the patterns exclusive."
            )
        if matches:
            return self._optimizer_map[matches[0]]
        return self._default_optimizer

    def __setitem__(self, key: str, optimizer: Optimizer) -> None:
        """Maps `key` (a path or a regular expression) to `optimizer`.

        Raises:
            ValueError: for a key already present, a key that is not a string,
                or an optimizer that cannot serve inside a MultiOptimizer.
        """
        if key in self._optimizer_map:
            raise ValueError(
                f"'{key}' already exists in the OptimizerMap with value "
                f"{self._optimizer_map[key]}. Please make sure to not use "
                "duplicated keys."
            )
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key!r}")
        _check_inner(optimizer, f"optimizer_map[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key: str) -> None:
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._optimizer_map)

    def __call__(self, variable: torch.Tensor) -> Optimizer:
        """Returns the optimizer of `variable`'s path."""
        return self[variable_path(variable)]

    def get_config(self) -> dict[str, Any]:
        return {
            "default_optimizer": serialization_lib.serialize_keras_object(
                self._default_optimizer
            ),
            "optimizer_map": serialization_lib.serialize_keras_object(
                self._optimizer_map
            ),
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> OptimizerMap:
        """Rebuilds the map and its optimizers from `get_config()`'s dict."""
        default = serialization_lib.deserialize_keras_object(
            config["default_optimizer"], custom_objects=custom_objects
        )
        mapping = serialization_lib.deserialize_keras_object(
            config.get("optimizer_map") or {}, custom_objects=custom_objects
        )
        return cls(default, mapping)


class MultiOptimizer(Optimizer):
    """Updates each variable with the optimizer chosen for it.

    `optimizer_map` is an `OptimizerMap` or a callable taking a variable and
    returning its optimizer. When built, each variable goes to its optimizer
    (each sub-optimizer is built on its own variables), and every `apply`
    hands each sub-optimizer its variables' gradients. `iterations` counts
    the calls to `apply`; each sub-optimizer keeps its own count, rate and
    schedule: read them through `optimizers`. `learning_rate` is refused,
    as the rates differ.

    `variables` are, as Keras lists them: this optimizer's count and (unused)
    rate, then each sub-optimizer's variables in turn.

    Args:
        optimizer_map: an `OptimizerMap`, or a callable `variable -> Optimizer`.
        loss_scale_factor: set on every sub-optimizer (overriding theirs).
        name: the optimizer's name.

    Raises:
        TypeError: when `optimizer_map` is neither an `OptimizerMap` nor callable.

    Example:

    >>> import torch, lamina
    >>> sgd, adam = lamina.optimizers.SGD(0.1), lamina.optimizers.Adam()
    >>> opt = MultiOptimizer(OptimizerMap(sgd, {"encoder/.*": adam}))
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> w.path = "encoder/dense/kernel"
    >>> b = torch.nn.Parameter(torch.ones(2))
    >>> b.path = "head/bias"
    >>> opt.apply([torch.ones(2), torch.ones(2)], [w, b])
    >>> int(adam.iterations), int(sgd.iterations), [o.name for o in opt.optimizers]
    (1, 1, ['adam', 'sgd'])
    """

    def __init__(
        self,
        optimizer_map: OptimizerMap | Callable[[torch.Tensor], Optimizer],
        loss_scale_factor: float | None = None,
        name: str | None = None,
    ) -> None:
        if not callable(optimizer_map):
            raise TypeError(
                "`optimizer_map` must be an `OptimizerMap` or a callable that "
                "returns the optimizer of a variable. Received: "
                f"optimizer_map={optimizer_map!r}"
            )
        self._inner_optimizers: list[Optimizer] = []
        super().__init__(
            learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name
        )
        self._optimizer_map = optimizer_map
        found = list(getattr(optimizer_map, "values", list)())
        default = getattr(optimizer_map, "default_optimizer", None)
        for optimizer in [*found, *([default] if default is not None else [])]:
            self._adopt(optimizer)
        self._var_to_optimizer: dict[int, int] = {}

    def _adopt(self, optimizer: Optimizer) -> int:
        """Returns the index of `optimizer` among the sub-optimizers, adding it
        (with this optimizer's `loss_scale_factor`) when new."""
        for i, known in enumerate(self._inner_optimizers):
            if known is optimizer:
                return i
        optimizer.loss_scale_factor = self.loss_scale_factor
        self._inner_optimizers.append(optimizer)
        return len(self._inner_optimizers) - 1

    @property
    def loss_scale_factor(self) -> float | None:
        """Gradients are divided by this factor; setting it sets every
        sub-optimizer's."""
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value: float | None) -> None:
        self.__dict__["_loss_scale_factor"] = value
        for optimizer in self.__dict__.get("_inner_optimizers", []):
            optimizer.loss_scale_factor = value

    @property
    def optimizers(self) -> list[Optimizer]:
        """The sub-optimizers, in the order their variables are listed."""
        return self._inner_optimizers

    @property  # type: ignore[override]
    def learning_rate(self) -> NoReturn:
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. Access the "
            "learning rate on the individual sub-optimizers instead "
            "(`optimizer.optimizers`)."
        )

    @learning_rate.setter
    def learning_rate(self, value: Any) -> NoReturn:
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer. Set the learning "
            "rate on the individual sub-optimizers instead (`optimizer.optimizers`)."
        )

    # -- building -------------------------------------------------------------------

    def build(self, variables: Sequence[torch.Tensor]) -> None:
        """Assigns each variable its optimizer and builds the sub-optimizers.

        Raises:
            ValueError: when the map gives something other than a plain
                `Optimizer` (a LossScaleOptimizer or MultiOptimizer) for a
                variable.
        """
        if self.built:
            return
        variables = list(variables)
        groups: dict[int, list[torch.Tensor]] = {}
        for var in variables:
            optimizer = self._optimizer_map(var)
            _check_inner(optimizer, f"the optimizer of {variable_path(var)!r}")
            index = self._adopt(optimizer)
            self._var_to_optimizer[id(var)] = index
            groups.setdefault(index, []).append(var)
        for index, optimizer in enumerate(self._inner_optimizers):
            if index in groups:
                optimizer.build(groups[index])
        super().build(variables)

    @property
    def variables(self) -> list[torch.Tensor]:
        own = super().variables
        return own + [v for opt in self._inner_optimizers for v in opt.variables]

    def load_own_variables(self, store: dict[str, Any]) -> None:
        """Restores `variables` as written by `save_own_variables`.

        Raises:
            ValueError: when `store` holds a different number of variables.
        """
        sizes = [len(opt.variables) for opt in self._inner_optimizers]
        expected = 2 + sum(sizes)
        if len(store) != expected:
            raise ValueError(
                f"Optimizer '{self.name}' has {expected} variables but the saved "
                f"state has {len(store)}. Build the optimizer on the same "
                "variables before loading."
            )
        values = [np.asarray(store[str(i)]) for i in range(expected)]
        self._iterations = int(values[0])
        start = 2
        for optimizer, size in zip(self._inner_optimizers, sizes, strict=True):
            part = values[start : start + size]
            optimizer.load_own_variables({str(i): v for i, v in enumerate(part)})
            start += size

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Sets `variables` from a list of arrays.

        Raises:
            ValueError: when the optimizer is not built yet.
        """
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not "
                "yet been built. Please call `optimizer.build(trainable_variables)` "
                "to create the optimizer weights before calling `set_weights()`."
            )
        super().set_weights(weights)

    # -- applying -------------------------------------------------------------------

    @torch.no_grad()
    def apply(
        self,
        grads: Sequence[torch.Tensor | None],
        trainable_variables: Sequence[torch.Tensor] | None = None,
    ) -> None:
        """Hands each sub-optimizer the gradients of its variables.

        Raises:
            ValueError: when unbuilt without variables, or when the gradients
                do not cover every variable the optimizer was built with.
        """
        if len(grads) == 0:
            return
        variables = self._resolve_all(trainable_variables)
        if len(grads) != len(self._trainable_variables):
            raise ValueError(
                "Gradients must match trainable variables one-to-one. Received "
                f"{len(grads)} gradients and {len(self._trainable_variables)} "
                "variables."
            )
        out = list(grads)
        if self._grad_reducer is not None:  # data-parallel: sum over processes
            out = self._grad_reducer(out)
        parts: list[tuple[list[Any], list[torch.Tensor]]] = [
            ([], []) for _ in self._inner_optimizers
        ]
        for grad, var in zip(out, variables, strict=True):
            sub_grads, sub_vars = parts[self._optimizer_index(var)]
            sub_grads.append(grad)
            sub_vars.append(var)
        for optimizer, (sub_grads, sub_vars) in zip(
            self._inner_optimizers, parts, strict=True
        ):
            if sub_vars:
                optimizer.apply(sub_grads, sub_vars)
        self._iterations += 1

    def _resolve_all(
        self, variables: Sequence[torch.Tensor] | None
    ) -> Sequence[torch.Tensor]:
        """Returns the step's variables, building on first use."""
        if variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the "
                    "optimizer must already be built on a list of variables. "
                    "Call `optimizer.build(trainable_variables)` first."
                )
            return self._trainable_variables
        variables = list(variables)
        if not self.built:
            self.build(variables)
        return variables

    def _optimizer_index(self, variable: torch.Tensor) -> int:
        """Returns the index of the sub-optimizer of `variable`."""
        try:
            return self._var_to_optimizer[id(variable)]
        except KeyError:
            name = getattr(variable, "path", None) or tuple(variable.shape)
            raise ValueError(
                f"Unknown variable: {name}. This optimizer can only be called for "
                "the variables it was originally built with. When working with a "
                "new set of variables, use a new optimizer instance."
            ) from None

    def finalize_variable_values(self, var_list: Sequence[torch.Tensor]) -> None:
        """Each sub-optimizer's `finalize_variable_values` on its variables."""
        groups: dict[int, list[torch.Tensor]] = {}
        for var in var_list:
            groups.setdefault(self._optimizer_index(var), []).append(var)
        for index, group in groups.items():
            self._inner_optimizers[index].finalize_variable_values(group)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A copy's variables are new objects: map them by their new ids."""
        self.__dict__.update(state)
        if not self.built:
            return
        self._var_to_optimizer = {}
        for optimizer_index, optimizer in enumerate(self._inner_optimizers):
            if not optimizer.built:
                continue
            inner_vars = optimizer._trainable_variables
            optimizer._index = {id(v): i for i, v in enumerate(inner_vars)}
            optimizer._plans = {}
            optimizer.__dict__.pop("_plain_cache", None)
            for var in inner_vars:
                self._var_to_optimizer[id(var)] = optimizer_index

    # -- config ---------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        mapping = self._optimizer_map
        if isinstance(mapping, OptimizerMap):
            # An OptimizerMap is a Mapping, which plain serialization would
            # write as a dict of its keys and lose the default optimizer.
            config: Any = serialize_object(mapping, "keras.optimizers")
        else:
            config = serialization_lib.serialize_keras_object(mapping)
        return {
            "optimizer_map": config,
            "loss_scale_factor": self.loss_scale_factor,
            "name": self.name,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> MultiOptimizer:
        """Rebuilds the optimizer, its map and sub-optimizers."""
        config = dict(config)
        config["optimizer_map"] = serialization_lib.deserialize_keras_object(
            config["optimizer_map"], custom_objects=custom_objects
        )
        return cls(**config)
