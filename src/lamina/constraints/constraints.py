"""Weight constraints: projections applied to weights after each update."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from lamina.backend import epsilon

Axis = int | Sequence[int]


def _norms(w: torch.Tensor, axis: Axis) -> torch.Tensor:
    """L2 norms of `w` over `axis`, kept as size-1 dims for broadcasting."""
    dims = axis if isinstance(axis, int) else tuple(axis)
    return torch.sqrt(torch.sum(torch.square(w), dim=dims, keepdim=True))


class Constraint:
    """Base class of weight constraints.

    A constraint is called on a weight tensor and returns the projected
    tensor; training applies it after each optimizer step.
    """

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        """Returns the constrained weight (the base class returns `w`)."""
        return w

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        """Builds a constraint from the output of `get_config`."""
        return cls(**config)


class MaxNorm(Constraint):
    """Caps the L2 norm of the weight vectors along `axis` at `max_value`.

    `w * clip(norm, 0, max_value) / (epsilon + norm)`, with `norm` the L2
    norm over `axis`.

    Args:
        max_value: the largest norm allowed.
        axis: the axis (or axes) the norm is taken over: `0` for a Dense
            kernel `(in, out)` constrains each unit's incoming weights;
            `[0, 1, 2]` does the same for a Conv2D kernel.
    """

    def __init__(self, max_value: float = 2, axis: Axis = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        """Returns `w` with each vector's norm capped at `max_value`."""
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0, self.max_value)
        return w * (desired / (epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        """Returns `{"max_value": max_value, "axis": axis}`."""
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero.

    Example:

    >>> NonNeg()(torch.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        """Returns `max(w, 0)`."""
        return torch.relu(w)


class UnitNorm(Constraint):
    """Scales the weight vectors along `axis` to unit L2 norm.

    `w / (epsilon + norm)`, with `norm` the L2 norm over `axis`.

    Args:
        axis: the axis (or axes) the norm is taken over, as for `MaxNorm`.
    """

    def __init__(self, axis: Axis = 0) -> None:
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        """Returns `w` with each vector scaled to norm 1."""
        return w / (epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        """Returns `{"axis": axis}`."""
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps the L2 norm of the weight vectors along `axis` within bounds.

    The target norm is `rate * clip(norm, min_value, max_value) +
    (1 - rate) * norm`; `rate=1` enforces the bounds strictly, a smaller rate
    moves towards them gradually. Returns `w * target / (epsilon + norm)`.

    Args:
        min_value: the smallest norm allowed.
        max_value: the largest norm allowed.
        rate: how far to move towards the bounds, in `[0, 1]`.
        axis: the axis (or axes) the norm is taken over, as for `MaxNorm`.
    """

    def __init__(
        self,
        min_value: float = 0.0,
        max_value: float = 1.0,
        rate: float = 1.0,
        axis: Axis = 0,
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        """Returns `w` with each vector's norm moved into the bounds."""
        norms = _norms(w, self.axis)
        clipped = torch.clamp(norms, self.min_value, self.max_value)
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        """Returns `{"min_value", "max_value", "rate", "axis"}`."""
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }
