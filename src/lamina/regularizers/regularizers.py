"""Weight regularizers: penalties added to the loss during training."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from lamina.backend import epsilon


def _non_negative(name: str, value: object, default: float) -> float:
    """Returns `value` as a float (`default` for None), or raises ValueError."""
    if value is None:
        return default
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = -1.0
    if not number >= 0:
        raise ValueError(
            f"`{name}` must be a non-negative float. Received: {name}={value!r}"
        )
    return number


def _as_float32(value: float) -> float:
    """Rounds to float32 as Keras stores `L1.l1` and `OrthogonalRegularizer.factor`."""
    return float(np.float32(value))


class Regularizer:
    """Base class of weight regularizers.

    A regularizer is called on a weight tensor and returns a scalar (0-d)
    penalty tensor that training adds to the loss.
    """

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the penalty for `x` (the base class gives 0)."""
        return torch.zeros((), dtype=x.dtype, device=x.device)

    def get_config(self) -> dict[str, Any]:
        """Returns the constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """Builds a regularizer from the output of `get_config`."""
        return cls(**config)


class L1(Regularizer):
    """L1 penalty: `l1 * sum(abs(x))`.

    Args:
        l1: non-negative factor (stored rounded to float32, as in Keras).

    Example:

    >>> float(L1(0.5)(torch.tensor([1.0, -2.0])))
    1.5
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _as_float32(_non_negative("l1", l1, 0.01))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Returns `l1 * sum(abs(x))`."""
        return self.l1 * torch.sum(torch.abs(x))

    def get_config(self) -> dict[str, Any]:
        """Returns `{"l1": l1}`."""
        return {"l1": self.l1}


class L2(Regularizer):
    """L2 penalty: `l2 * sum(square(x))`.

    Args:
        l2: non-negative factor.

    Example:

    >>> float(L2(0.5)(torch.tensor([1.0, -2.0])))
    2.5
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _non_negative("l2", l2, 0.01)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Returns `l2 * sum(square(x))`."""
        return self.l2 * torch.sum(torch.square(x))

    def get_config(self) -> dict[str, Any]:
        """Returns `{"l2": l2}`."""
        return {"l2": self.l2}


class L1L2(Regularizer):
    """Sum of L1 and L2 penalties: `l1 * sum(abs(x)) + l2 * sum(square(x))`.

    Args:
        l1: non-negative L1 factor.
        l2: non-negative L2 factor.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _non_negative("l1", l1, 0.0)
        self.l2 = _non_negative("l2", l2, 0.0)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the summed penalty (a 0-d zero when both factors are 0)."""
        penalty = torch.zeros((), dtype=x.dtype, device=x.device)
        if self.l1:
            penalty = penalty + self.l1 * torch.sum(torch.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * torch.sum(torch.square(x))
        return penalty

    def get_config(self) -> dict[str, Any]:
        """Returns `{"l1": l1, "l2": l2}`."""
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalty that pushes the rows (or columns) of a 2D weight to be orthogonal.

    The rows (or columns) are L2-normalized (norms floored at `epsilon()`);
    the penalty is `factor` times the mean absolute value of their
    off-diagonal dot products:
    `factor * sum(|P - diag(P)|) / (n * (n - 1))` with `P = X X^T`.

    Args:
        factor: non-negative strength (stored rounded to float32, as in Keras).
        mode: `"rows"` or `"columns"`: which vectors should be orthogonal.

    Raises:
        ValueError: for an unknown mode, or when called on a non-2D tensor.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _as_float32(_non_negative("factor", factor, 0.01))
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"`mode` must be 'rows' or 'columns'. Received: mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the orthogonality penalty of the rows or columns of `x`."""
        if x.ndim != 2:
            raise ValueError(
                "Inputs to OrthogonalRegularizer must have rank 2. "
                f"Received: inputs.shape={tuple(x.shape)}"
            )
        vectors = x if self.mode == "rows" else x.T
        vectors = F.normalize(vectors, dim=1, eps=epsilon())  # norms floored at eps
        n = vectors.shape[0]
        products = vectors @ vectors.T
        off_diagonal = products - torch.diag(torch.diagonal(products))
        return self.factor * torch.sum(torch.abs(off_diagonal)) / (n * (n - 1))

    def get_config(self) -> dict[str, Any]:
        """Returns `{"factor": factor, "mode": mode}`."""
        return {"factor": self.factor, "mode": self.mode}
