"""`Metric`, the base class of stateful metrics.

A metric keeps its state in non-trainable `lamina.Variable`s created by
`add_variable`. They
accumulate on the device of the data: `update_state` moves them, once, to the
device of `y_pred`, and never reads a value back to the host, so a training
step that updates metrics does not wait for the device.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from lamina.backend import standardize_dtype, to_torch_dtype
from lamina.backend.variable import as_variable
from lamina.layers._naming import unique_name
from lamina.metrics._utils import to_snake_case


def _first_tensor(args: tuple, kwargs: dict) -> torch.Tensor | None:
    """`y_pred` (second argument) if given as a tensor, else the first tensor."""
    y_pred = args[1] if len(args) > 1 else kwargs.get("y_pred")
    if isinstance(y_pred, torch.Tensor):
        return y_pred
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.Tensor):
            return value
    return None


def _wrap_update_state(update_state: Callable[..., Any]) -> Callable[..., Any]:
    """Runs `update_state` without autograd, after moving the state to the data."""

    @functools.wraps(update_state)
    def wrapper(self: Metric, *args: Any, **kwargs: Any) -> Any:
        data = _first_tensor(args, kwargs)
        if data is not None and data.device != self._device:
            self.to_device(data.device)
        with torch.no_grad():
            return update_state(self, *args, **kwargs)

    wrapper._lamina_wrapped = True  # type: ignore[attr-defined]
    return wrapper


class Metric:
    """Base class of metrics: state that `update_state` accumulates and `result` reads.

    A subclass creates its state with `add_variable` in `__init__` (or on the
    first update), implements `update_state(y_true, y_pred, sample_weight=None)`
    with in-place tensor operations, and `result()`. Calling a metric updates
    it and returns its result, as in Keras.

    Args:
        dtype: dtype of the state and the result; defaults to `floatx()`.
        name: name of the metric; defaults to the snake-cased class name,
            made unique (`auc`, `auc_1`, ...).

    Example:
    >>> import torch
    >>> from lamina.metrics import Mean
    >>> m = Mean()
    >>> float(m(torch.tensor([1.0, 3.0])))
    2.0
    """

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype = standardize_dtype(getattr(dtype, "name", dtype))
        self._variables: list[torch.Tensor] = []
        self._initializers: list[Any] = []
        self._device = torch.device("cpu")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        update = cls.__dict__.get("update_state")
        if update is not None and not getattr(update, "_lamina_wrapped", False):
            cls.update_state = _wrap_update_state(update)  # type: ignore[method-assign]

    @property
    def dtype(self) -> str:
        """The dtype of the state, as a string (`"float32"`)."""
        return self._dtype

    @property
    def variables(self) -> list[torch.Tensor]:
        """The state tensors, in creation order."""
        return list(self._variables)

    def add_variable(
        self,
        shape: Any,
        initializer: Any = "zeros",
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> torch.Tensor:
        """Creates a non-trainable state variable on the metric's current device.

        Args:
            shape: shape of the state.
            initializer: `"zeros"`, `"ones"`, or any initializer accepted by
                `lamina.initializers.get`; `reset_state` re-applies it.
            dtype: dtype of the state; defaults to the metric's dtype.
            aggregation: `"sum"`, `"mean"`, ... (how replicas would combine it).
            name: the variable's name.

        Returns:
            A `lamina.Variable`. Update it with `assign` / `assign_add` (or in
            place with `add_`, `copy_`).
        """
        shape = (
            tuple(shape) if isinstance(shape, (list, tuple, torch.Size)) else (shape,)
        )
        dtype = to_torch_dtype(dtype or self._dtype)
        value = self._initial_value(initializer, shape, dtype)
        name = name or "variable"
        variable = as_variable(value, False, name, f"{self.name}/{name}")
        variable.aggregation = aggregation
        self._variables.append(variable)
        self._initializers.append(initializer)
        return variable

    def add_weight(
        self,
        shape: Any = (),
        initializer: Any = None,
        dtype: Any = None,
        name: str | None = None,
    ) -> torch.Tensor:
        """Keras's older name for `add_variable` (shape `()` and zeros by default)."""
        return self.add_variable(
            shape, initializer or "zeros", dtype=dtype, aggregation="sum", name=name
        )

    def _initial_value(
        self, initializer: Any, shape: tuple, dtype: torch.dtype
    ) -> torch.Tensor:
        if initializer == "zeros":
            return torch.zeros(shape, dtype=dtype, device=self._device)
        if initializer == "ones":
            return torch.ones(shape, dtype=dtype, device=self._device)
        from lamina import initializers

        value = initializers.get(initializer)(shape, dtype=dtype)
        return torch.as_tensor(value, dtype=dtype).to(self._device)

    def to_device(self, device: Any) -> None:
        """Moves the state to `device`, keeping the same tensor objects."""
        device = torch.device(device)
        for variable in self._variables:
            variable.data = variable.data.to(device)
        self._device = device

    def reset_state(self) -> None:
        """Sets every state tensor back to its initial value."""
        with torch.no_grad():
            for variable, initializer in zip(
                self._variables, self._initializers, strict=True
            ):
                if initializer == "zeros":
                    variable.zero_()
                else:
                    initial = self._initial_value(
                        initializer, tuple(variable.shape), variable.dtype
                    )
                    variable.copy_(initial)

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulates statistics from one batch."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_state`."
        )

    def result(self) -> Any:
        """Returns the current value of the metric, as a tensor."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result`.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Updates the state with one batch and returns the result."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """Builds a metric from `get_config`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
