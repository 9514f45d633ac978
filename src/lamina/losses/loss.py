"""`Loss`, the base class of losses, and `LossFunctionWrapper`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from lamina._naming import auto_name
from lamina.backend import floatx, standardize_dtype, to_torch_dtype
from lamina.losses._common import (
    as_tensor,
    function_config,
    squeeze_or_expand_to_same_rank,
)
from lamina.losses._reduction import reduce_weighted_values, standardize_reduction

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


def _compute_dtype(dtype: Any) -> str:
    """The compute dtype of a dtype or dtype-policy argument."""
    if dtype is None:
        return floatx()
    name = getattr(dtype, "compute_dtype", None) or getattr(dtype, "name", dtype)
    if isinstance(name, str) and name in _MIXED:
        return _MIXED[name]
    return standardize_dtype(name)


def _combine_masks(a: Any, b: Any) -> torch.Tensor | None:
    if a is None:
        return b
    if b is None:
        return a
    a, b = squeeze_or_expand_to_same_rank(a, b)
    return a.bool() & b.bool()


class Loss:
    """Base class of losses.

    A subclass implements `call(y_true, y_pred)` returning per-sample losses;
    calling the loss weights them by `sample_weight` (and the Keras mask of
    `y_pred`, if any) and reduces them per `reduction`.

    Args:
        name: name of the loss; defaults to the snake-cased class name.
        reduction: `"sum_over_batch_size"` (default: the mean over every
            per-sample entry), `"sum"`, `"mean"` (same as the default),
            `"mean_with_sample_weight"` (weighted sum divided by the sum of
            the weights), or `"none"`/`None` (no reduction).
        dtype: dtype of the computation; defaults to `floatx()`.

    Example:
    >>> import torch
    >>> from lamina.losses import MeanSquaredError
    >>> float(MeanSquaredError()(torch.zeros(2, 2), torch.ones(2, 2)))
    1.0
    """

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: Any = None,
    ) -> None:
        self.name = name or auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_arg = dtype
        self.dtype = _compute_dtype(dtype)
        self._torch_dtype = to_torch_dtype(self.dtype)

    def __call__(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> torch.Tensor:
        """Returns the weighted, reduced loss (a 0-d tensor unless no reduction)."""
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = as_tensor(y_pred, self._torch_dtype)
        y_true = as_tensor(y_true, self._torch_dtype, y_pred.device)
        losses = self.call(y_true, y_pred)
        mask = _combine_masks(in_mask, getattr(losses, "_keras_mask", None))
        return reduce_weighted_values(
            losses, sample_weight, mask, self.reduction, self._torch_dtype
        )

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """Returns the per-sample losses; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call()`.")

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments (`name`, `reduction`, and `dtype` if set)."""
        config: dict[str, Any] = {"name": self.name, "reduction": self.reduction}
        if self._dtype_arg is not None:
            config["dtype"] = self.dtype
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """Creates a loss from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"
        )


class LossFunctionWrapper(Loss):
    """Turns a per-sample loss function into a `Loss`.

    `y_true` is first brought to the rank of `y_pred` when they differ by a
    trailing axis of size 1 (targets `(n,)` against predictions `(n, 1)`).

    Args:
        fn: function `fn(y_true, y_pred, **kwargs)` returning per-sample losses.
        reduction: see `Loss`.
        name: name of the loss; defaults to the snake-cased class name.
        dtype: see `Loss`.
        **kwargs: keyword arguments passed to `fn` on every call.
    """

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """Returns `fn(y_true, y_pred, **kwargs)`."""
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments, with `fn` serialized for this base class."""
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            config["fn"] = function_config(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """Creates the loss from `get_config()`'s output, resolving `fn` by name."""
        config = dict(config)
        if "fn" in config:
            # Cycle: _serialization imports every loss module, and they import this one.
            from lamina.losses._serialization import deserialize

            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        fn = getattr(self.fn, "__name__", self.fn)
        return f"<{type(self).__name__}({fn}, name={self.name!r}, kwargs={self._fn_kwargs})>"
