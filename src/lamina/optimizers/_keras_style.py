"""Keras 3's per-variable optimizer API, for optimizers written Keras's way.

A Keras custom optimizer creates its state in `build` with
`add_variable_from_reference` and updates one variable at a time in
`update_step(gradient, variable, learning_rate)` with `assign`,
`assign_add` and `assign_sub`. These methods let such code run unchanged;
built-in optimizers use multi-tensor kernels instead.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import to_torch_dtype


def _initial(
    shape: tuple[int, ...], initializer: Any, like: dict[str, Any]
) -> torch.Tensor:
    """Returns a tensor of `shape` from "zeros", "ones", a number or a callable."""
    if initializer == "zeros":
        return torch.zeros(shape, **like)
    if initializer == "ones":
        return torch.ones(shape, **like)
    if isinstance(initializer, (int, float)):
        return torch.full(shape, float(initializer), **like)
    if callable(initializer):
        return torch.as_tensor(initializer(shape, like["dtype"])).to(**like)
    raise ValueError(
        "`initializer` must be 'zeros', 'ones', a number or a callable. "
        f"Received: initializer={initializer!r}"
    )


class KerasStyleMixin:
    """Keras's `add_variable` / `assign` / `update_step` protocol."""

    _extra_variables: list[torch.Tensor]

    def add_variable(
        self,
        shape: tuple[int, ...],
        initializer: Any = "zeros",
        dtype: Any = None,
        aggregation: str = "none",
        name: str | None = None,
        device: Any = None,
    ) -> torch.Tensor:
        """Creates an optimizer state tensor, saved with `variables`."""
        like = {"dtype": to_torch_dtype(dtype or "float32"), "device": device}
        tensor = _initial(tuple(shape), initializer, like)
        self._extra_variables.append(tensor)
        return tensor

    def add_variable_from_reference(
        self,
        reference_variable: torch.Tensor,
        name: str | None = None,
        initializer: Any = "zeros",
    ) -> torch.Tensor:
        """Creates a state tensor shaped like `reference_variable`."""
        like = {"dtype": reference_variable.dtype, "device": reference_variable.device}
        tensor = _initial(tuple(reference_variable.shape), initializer, like)
        self._extra_variables.append(tensor)
        return tensor

    def assign(self, variable: torch.Tensor, value: Any) -> None:
        """Sets `variable` to `value` in place."""
        variable.copy_(torch.as_tensor(value))

    def assign_add(self, variable: torch.Tensor, value: Any) -> None:
        """Adds `value` to `variable` in place."""
        variable.add_(torch.as_tensor(value))

    def assign_sub(self, variable: torch.Tensor, value: Any) -> None:
        """Subtracts `value` from `variable` in place."""
        variable.sub_(torch.as_tensor(value))

    def update_step(
        self, gradient: torch.Tensor, variable: torch.Tensor, learning_rate: Any
    ) -> None:
        """Updates one variable; override in a Keras-style optimizer."""
        raise NotImplementedError(
            f"Optimizer '{type(self).__name__}' must implement `update_step` "
            "(or the multi-tensor `_update`)."
        )
