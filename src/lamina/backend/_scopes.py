"""Keras's scopes: `name_scope` (prefixes variable paths), `StatelessScope`
(variables read given values and collect their assignments instead of changing)
and `SymbolicScope` (a marker for the symbolic stage).

The stacks are per thread, as in Keras. Variables consult them only when they
are created or assigned, never when a layer computes.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import torch


class _Stacks(threading.local):
    def __init__(self) -> None:
        self.names: list[name_scope] = []
        self.stateless: StatelessScope | None = None
        self.symbolic: SymbolicScope | None = None


_LOCAL = _Stacks()


class name_scope:  # Keras's (lower-case) name
    """Opens a sub-namespace for the paths of variables made inside it.

    `keras.Variable(..., name="v")` made inside `name_scope("block")` has the
    path `"block/v"`; a layer's weights made inside it get `"block/<layer
    name>/<weight name>"`, and the layer's `path` becomes `"block/<layer name>"`.

    Args:
        name: the scope's name; a string without `/`.
        caller: the object opening the scope (a layer). With `deduplicate`,
            the same caller re-opening the scope of the same name right inside
            it adds no second level.
        deduplicate: see `caller`.
        override_parent: an absolute path that replaces the enclosing scopes.

    Raises:
        ValueError: when `name` is not a string or holds `/`.

    Example:
    >>> import lamina
    >>> with lamina.name_scope("block"):
    ...     v = lamina.Variable(1.0, name="v")
    >>> v.path
    'block/v'
    """

    def __init__(
        self,
        name: str,
        caller: Any = None,
        deduplicate: bool = True,
        override_parent: str | None = None,
    ) -> None:
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name}"
            )
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        if override_parent is None and deduplicate:
            self.override_parent = getattr(caller, "_parent_path", None)
        self._pushed = False

    def __enter__(self) -> name_scope:
        stack = _LOCAL.names
        if self.deduplicate and stack and self.caller is not None:
            top = stack[-1]
            if top.caller is self.caller and top.name == self.name:
                return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pushed:
            self._pushed = False
            _LOCAL.names.pop()


def current_path() -> str:
    """The path the open name scopes make (`"outer/inner"`), `""` outside any."""
    stack = _LOCAL.names
    if not stack:
        return ""
    parts: list[str] = []
    for scope in stack:
        if scope.override_parent is not None:
            parts = [p for p in scope.override_parent.split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)


def scoped(path: str) -> str:
    """`path` under the open name scopes (`"block/" + path`)."""
    if not _LOCAL.names:
        return path
    prefix = current_path()
    return f"{prefix}/{path}" if prefix else path


def opened_by(caller: Any) -> bool:
    """Whether the innermost open name scope is `caller`'s own."""
    stack = _LOCAL.names
    return bool(stack) and stack[-1].caller is caller


def layer_path(layer: Any) -> str:
    """A layer's path: its name under the open name scopes. Inside its own
    scope (opened by its first call) the scope already ends with the name."""
    if opened_by(layer):
        return current_path()
    return scoped(layer.name)


class StatelessScope:
    """A scope in which variables take given values and are never changed.

    Inside it, each variable of `state_mapping` reads as its mapped value, and
    `assign` / `assign_add` / `assign_sub` on any variable record the new value
    in the scope instead of changing the variable (later reads inside see it).
    When the scope closes every variable is as it was; the new values are read
    with `get_current_value`.

    lamina swaps the mapped values in as the variables' storage while the scope
    is open (no cost per operation), so the scope holds for every thread.

    Args:
        state_mapping: a list of `(variable, value)` pairs; each value must
            have the variable's shape, and takes its dtype.
        collect_losses: whether losses that layers add inside are collected in
            `scope.losses`.
        initialize_variables: kept for Keras compatibility (lamina's
            variables always have their value).

    Raises:
        ValueError: for a key that is not a variable, or a value whose shape
            differs from its variable's.

    Example:
    >>> import lamina
    >>> v = lamina.Variable([1.0, 2.0])
    >>> with lamina.StatelessScope([(v, [5.0, 5.0])]) as scope:
    ...     _ = v.assign_add([1.0, 1.0])
    >>> v.numpy().tolist(), scope.get_current_value(v).tolist()
    ([1.0, 2.0], [6.0, 6.0])
    """

    def __init__(
        self,
        state_mapping: Any = None,
        collect_losses: bool = False,
        initialize_variables: bool = True,
    ) -> None:
        # lamina.backend.variable imports this module: a true cycle.
        from lamina.backend.variable import Variable

        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses: list[Any] = []
        self.state_mapping: dict[int, torch.Tensor] = {}
        self._variables: dict[int, Any] = {}
        self._saved: dict[int, torch.Tensor] = {}
        for variable, value in state_mapping or []:
            if not isinstance(variable, Variable):
                raise ValueError(
                    "Invalid reference variable in StatelessScope: all keys in "
                    "argument `mapping` must be Variable instances. Received "
                    f"instead: {variable}"
                )
            value = _as_value_of(variable, value)
            if value.shape != variable.shape:
                raise ValueError(
                    "Invalid variable value in StatelessScope: all values in "
                    "argument `mapping` must be tensors with a shape that matches "
                    f"the corresponding variable shape. For variable {variable}, "
                    f"received invalid value {value} with shape {value.shape}."
                )
            self.state_mapping[id(variable)] = value
            self._variables[id(variable)] = variable

    def __enter__(self) -> StatelessScope:
        self._outer = _LOCAL.stateless
        _LOCAL.stateless = self
        for key, variable in self._variables.items():
            self._swap_in(variable, self.state_mapping[key])
        return self

    def __exit__(self, *exc: Any) -> None:
        _LOCAL.stateless = self._outer
        for key, original in self._saved.items():
            self._variables[key].data = original
        self._saved.clear()

    def _swap_in(self, variable: Any, value: torch.Tensor) -> None:
        key = id(variable)
        if key not in self._saved:
            self._saved[key] = variable.data
            self._variables[key] = variable
        variable.data = value

    def add_loss(self, loss: Any) -> None:
        """Collects a loss added by a layer inside the scope."""
        self.losses.append(loss)

    def add_update(self, update: tuple) -> None:
        """Records `(variable, new_value)` instead of assigning it."""
        variable, value = update
        value = _as_value_of(variable, value)
        self.state_mapping[id(variable)] = value
        self._swap_in(variable, value)

    def get_current_value(self, variable: Any) -> torch.Tensor | None:
        """The variable's value in this scope (mapped or assigned), or None."""
        return self.state_mapping.get(id(variable))


def _as_value_of(variable: Any, value: Any) -> torch.Tensor:
    """`value` as a fresh tensor of `variable`'s dtype on its device."""
    if isinstance(value, torch.Tensor):
        value = value.detach()
    else:
        value = torch.as_tensor(np.asarray(value))
    out = value.to(device=variable.device, dtype=variable.dtype)
    # A tensor of the mapping must never be changed in place by the scope.
    return out.clone() if out is value else out


def get_stateless_scope() -> StatelessScope | None:
    """The innermost open `StatelessScope`, or None."""
    return _LOCAL.stateless


def in_stateless_scope() -> bool:
    return _LOCAL.stateless is not None


class SymbolicScope:
    """Marks the symbolic stage (shape inference on symbolic tensors);
    `in_symbolic_scope()` tells code whether it runs inside one."""

    def __enter__(self) -> SymbolicScope:
        self._outer = _LOCAL.symbolic
        _LOCAL.symbolic = self
        return self

    def __exit__(self, *exc: Any) -> None:
        _LOCAL.symbolic = self._outer


def get_symbolic_scope() -> SymbolicScope | None:
    return _LOCAL.symbolic


def in_symbolic_scope() -> bool:
    return _LOCAL.symbolic is not None


__all__ = [
    "StatelessScope",
    "SymbolicScope",
    "current_path",
    "get_stateless_scope",
    "get_symbolic_scope",
    "in_stateless_scope",
    "in_symbolic_scope",
    "name_scope",
    "scoped",
]
