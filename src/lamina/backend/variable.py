"""`Variable`: a `torch.nn.Parameter` that speaks Keras's variable API.

Torch optimizers, `state_dict`, `.to()` and DistributedDataParallel see an
ordinary parameter; Keras code sees `assign`, `assign_add`, `value`, `numpy()`,
`path`, `trainable`. The class adds no `__torch_function__`, so arithmetic on a
variable runs at plain-tensor speed and returns plain tensors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.optim.optimizer as _torch_optimizer

from lamina.backend import _scopes
from lamina.backend._config import floatx, standardize_dtype, to_torch_dtype

_SHAPE_MISMATCH = (
    "The shape of the target variable and the shape of the value in "
    "`variable.{method}(value)` must match. variable.shape={want}, Received: "
    "value.shape={got}. Target variable: {path}"
)


def _as_shape(shape: Any) -> tuple[int, ...] | None:
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def _initial_value(initializer: Any, shape: Any, dtype: Any) -> torch.Tensor:
    """The first value of a variable from an initializer, an array or a tensor."""
    if isinstance(initializer, str) or (
        callable(initializer) and not isinstance(initializer, torch.Tensor)
    ):
        if shape is None:
            raise ValueError(
                "When creating a Variable from an initializer, the `shape` argument "
                f"must be specified. Received: initializer={initializer!r} and "
                "shape=None"
            )
        # lamina.initializers imports the backend package: a true cycle.
        from lamina import initializers

        name = standardize_dtype(dtype)
        value = initializers.get(initializer)(shape, dtype=name)
        return torch.as_tensor(value, dtype=to_torch_dtype(name))
    if isinstance(initializer, torch.Tensor):
        value = initializer.detach()
    else:
        value = torch.as_tensor(np.asarray(initializer))
    value = value.to(to_torch_dtype(dtype))
    if shape is not None and tuple(value.shape) != shape:
        raise ValueError(
            "Initial value shape does not match the `shape` argument. "
            f"Received: shape={shape}, initial value shape={tuple(value.shape)}"
        )
    return value


def _metadata(
    name: str | None,
    regularizer: Any = None,
    constraint: Any = None,
    aggregation: str = "none",
    autocast: bool = True,
) -> dict[str, Any]:
    name = name or "variable"
    return {
        "_name": name,
        "path": _scopes.scoped(name),  # under the open `name_scope`s
        "regularizer": regularizer,
        "constraint": constraint,
        "aggregation": aggregation,
        "autocast": autocast,
        "overwrite_with_gradient": False,
    }


class Variable(torch.nn.Parameter):
    """A weight: a `torch.nn.Parameter` with Keras's variable API.

    Args:
        initializer: an initializer (name, `Initializer` or callable taking
            `(shape, dtype)`), or the initial value (array, tensor, number).
        shape: the shape; required with an initializer.
        dtype: the dtype (`"float32"`); defaults to `floatx()` for
            initializers, to the value's dtype for arrays.
        trainable: whether gradients flow to it (`requires_grad`). Integer
            variables are never trainable.
        autocast: kept for Keras compatibility.
        aggregation: kept for Keras compatibility (`"none"`, `"sum"`, `"mean"`).
        synchronization: kept for Keras compatibility.
        layout: kept for Keras compatibility (distribution layouts).
        name: the variable's name; `path` starts out equal to it.

    Example:
    >>> import lamina
    >>> v = lamina.Variable("ones", shape=(2,), name="w")
    >>> v.assign_add([1.0, 2.0]).numpy().tolist()
    [2.0, 3.0]
    >>> v.path, v.trainable
    ('w', True)
    """

    def __new__(
        cls,
        initializer: Any = None,
        shape: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
        layout: Any = None,
        **kwargs: Any,
    ) -> Variable:
        del synchronization, layout
        if kwargs:
            raise TypeError(
                f"Variable() got unexpected keyword arguments {sorted(kwargs)}. "
                "Known: initializer, shape, dtype, trainable, autocast, "
                "aggregation, synchronization, name, layout."
            )
        if isinstance(shape, bool):  # torch's own `type(p)(data, requires_grad)`
            value = torch.empty(0) if initializer is None else initializer.detach()
            trainable = shape
        else:
            value = _initial_value(
                torch.empty(0) if initializer is None else initializer,
                _as_shape(shape),
                floatx() if dtype is None else dtype,
            )
        trainable = bool(trainable) and (
            value.is_floating_point() or value.is_complex()
        )
        variable = torch.Tensor._make_subclass(cls, value, trainable)
        variable.__dict__.update(
            _metadata(name, aggregation=aggregation, autocast=autocast)
        )
        return variable

    def __init__(
        self,
        initializer: Any = None,
        shape: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
        layout: Any = None,
        **kwargs: Any,
    ) -> None:
        """All the work happens in `__new__` (a tensor's storage is set there)."""

    # -- Keras attributes ---------------------------------------------------------
    @property
    def name(self) -> str:  # type: ignore[override]
        """The variable's own name (`"kernel"`); `path` adds the layer's."""
        return self.__dict__.get("_name", "variable")

    @name.setter
    def name(self, value: str) -> None:
        self.__dict__["_name"] = value

    @property
    def value(self) -> Variable:
        """The variable itself, as a tensor (Keras code reads `v.value.grad`)."""
        return self

    @property
    def trainable(self) -> bool:
        """Whether gradients reach this variable (`requires_grad`)."""
        return self.requires_grad

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self.requires_grad_(bool(value))

    def numpy(self, *, force: bool = False) -> np.ndarray:  # type: ignore[override]
        """A numpy copy of the current value (never a view of the weight)."""
        del force
        return self.detach().cpu().numpy().copy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self.numpy()
        return out if dtype is None else out.astype(dtype, copy=False)

    # -- updates ------------------------------------------------------------------
    def _coerce(self, value: Any, method: str, exact: bool) -> torch.Tensor:
        if isinstance(value, torch.Tensor):
            value = value.detach()
        else:
            value = torch.as_tensor(np.asarray(value))
        value = value.to(device=self.device, dtype=self.dtype)
        if exact and tuple(value.shape) != tuple(self.shape):
            raise ValueError(
                _SHAPE_MISMATCH.format(
                    method=method,
                    want=tuple(self.shape),
                    got=tuple(value.shape),
                    path=self.path,
                )
            )
        return value

    def assign(self, value: Any) -> Variable:
        """Sets the value in place (same shape); returns the variable."""
        value = self._coerce(value, "assign", exact=True)
        scope = _scopes._LOCAL.stateless
        if scope is not None:  # recorded in the scope, the variable unchanged
            scope.add_update((self, value))
            return self
        with torch.no_grad():
            self.copy_(value)
        return self

    def assign_add(self, value: Any) -> Variable:
        """Adds `value` in place; returns the variable."""
        value = self._coerce(value, "assign_add", exact=False)
        scope = _scopes._LOCAL.stateless
        if scope is not None:
            scope.add_update((self, self.detach() + value))
            return self
        with torch.no_grad():
            self.add_(value)
        return self

    def assign_sub(self, value: Any) -> Variable:
        """Subtracts `value` in place; returns the variable."""
        value = self._coerce(value, "assign_sub", exact=False)
        scope = _scopes._LOCAL.stateless
        if scope is not None:
            scope.add_update((self, self.detach() - value))
            return self
        with torch.no_grad():
            self.sub_(value)
        return self

    # -- copying ------------------------------------------------------------------
    def __deepcopy__(self, memo: dict) -> Variable:
        if id(self) in memo:
            return memo[id(self)]
        data = self.data.clone(memory_format=torch.preserve_format)
        result = type(self)(data, self.requires_grad)
        result.__dict__.update(self.__dict__)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto: Any) -> tuple:
        return (_rebuild_variable, (self.data, self.requires_grad, dict(self.__dict__)))

    def __repr__(self) -> str:  # type: ignore[override]
        value = self.detach().cpu().numpy()
        return (
            f"<Variable path={self.path}, shape={tuple(self.shape)}, "
            f"dtype={standardize_dtype(self.dtype)}, value={value}>"
        )


def _rebuild_variable(data: torch.Tensor, requires_grad: bool, state: dict) -> Any:
    variable = Variable(data, requires_grad)
    variable.__dict__.update(state)
    return variable


def as_variable(
    value: torch.Tensor,
    trainable: bool,
    name: str,
    path: str,
    regularizer: Any = None,
    constraint: Any = None,
) -> Variable:
    """Wraps a freshly made tensor (no copy) as a named variable."""
    variable = Variable(value, trainable)
    variable.__dict__.update(_metadata(name, regularizer, constraint))
    variable.path = path
    return variable


# torch.optim takes its multi-tensor (foreach) path only for the tensor types
# in this list; a Variable behaves exactly like a Parameter there. torch's own
# DTensor registers itself the same way.
if Variable not in _torch_optimizer._foreach_supported_types:
    _torch_optimizer._foreach_supported_types.append(Variable)

__all__ = ["Variable", "as_variable"]
