"""Random initializers with explicit parameters, and Orthogonal."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import SeedGenerator
from lamina.initializers._base import (
    RandomInitializer,
    Shape,
    check_shape,
    empty_for_sampling,
    float_dtype,
    product,
)


class RandomNormal(RandomInitializer):
    """Initializer that draws from a normal distribution.

    Args:
        mean: mean of the values.
        stddev: standard deviation of the values.
        seed: an int (the same values on every call), a `SeedGenerator`
            (new values on every call) or `None` (torch's global RNG).

    Example:

    >>> RandomNormal(stddev=1.0, seed=1)((2, 2)).shape
    torch.Size([2, 2])
    """

    def __init__(
        self,
        mean: float = 0.0,
        stddev: float = 0.05,
        seed: int | SeedGenerator | None = None,
    ) -> None:
        super().__init__(seed)
        self.mean = mean
        self.stddev = stddev

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a CPU tensor of `shape` drawn from N(mean, stddev**2)."""
        torch_dtype = float_dtype(dtype, type(self).__name__)
        out = empty_for_sampling(check_shape(shape), torch_dtype)
        out.normal_(self.mean, self.stddev, generator=self.generator())
        return out.to(torch_dtype)

    def get_config(self) -> dict[str, Any]:
        """Returns `{"seed", "mean", "stddev"}`."""
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomNormal):
    """Initializer that draws from a normal distribution cut at two stddevs.

    Values further than `2 * stddev` from `mean` are redrawn, so all values lie
    in `[mean - 2 * stddev, mean + 2 * stddev]`; the spread of the result is
    about `0.88 * stddev`.

    Args:
        mean: mean of the untruncated distribution.
        stddev: standard deviation of the untruncated distribution.
        seed: an int, a `SeedGenerator` or `None`, as for `RandomNormal`.
    """

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a CPU tensor of `shape` from the truncated normal."""
        torch_dtype = float_dtype(dtype, type(self).__name__)
        out = empty_for_sampling(check_shape(shape), torch_dtype)
        low, high = self.mean - 2 * self.stddev, self.mean + 2 * self.stddev
        generator = self.generator()
        torch.nn.init.trunc_normal_(out, self.mean, self.stddev, low, high, generator)
        return out.to(torch_dtype)


class RandomUniform(RandomInitializer):
    """Initializer that draws from a uniform distribution on `[minval, maxval)`.

    Args:
        minval: lower bound of the range.
        maxval: upper bound of the range.
        seed: an int, a `SeedGenerator` or `None`, as for `RandomNormal`.

    Example:

    >>> bool((RandomUniform(0.0, 1.0, seed=2)((100,)) >= 0).all())
    True
    """

    def __init__(
        self,
        minval: float = -0.05,
        maxval: float = 0.05,
        seed: int | SeedGenerator | None = None,
    ) -> None:
        super().__init__(seed)
        self.minval = minval
        self.maxval = maxval

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a CPU tensor of `shape` drawn from U(minval, maxval)."""
        torch_dtype = float_dtype(dtype, type(self).__name__)
        out = empty_for_sampling(check_shape(shape), torch_dtype)
        out.uniform_(self.minval, self.maxval, generator=self.generator())
        return out.to(torch_dtype)

    def get_config(self) -> dict[str, Any]:
        """Returns `{"seed", "minval", "maxval"}`."""
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class Orthogonal(RandomInitializer):
    """Initializer that gives an orthogonal matrix (times `gain`).

    The shape is flattened to `(prod(shape[:-1]), shape[-1])`; the QR
    decomposition of a normal random matrix of that shape gives orthonormal
    rows or columns (whichever are fewer).

    Args:
        gain: multiplicative factor applied to the matrix.
        seed: an int, a `SeedGenerator` or `None`, as for `RandomNormal`.

    Example:

    >>> q = Orthogonal(seed=0)((3, 3))
    >>> bool(torch.allclose(q @ q.T, torch.eye(3), atol=1e-5))
    True
    """

    def __init__(
        self, gain: float = 1.0, seed: int | SeedGenerator | None = None
    ) -> None:
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns an orthogonal CPU tensor of `shape`.

        Raises:
            ValueError: when `shape` has fewer than two dimensions.
        """
        shape = check_shape(shape)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        torch_dtype = float_dtype(dtype, type(self).__name__)
        rows, cols = product(shape[:-1]), shape[-1]
        flat = empty_for_sampling((max(rows, cols), min(rows, cols)), torch_dtype)
        flat.normal_(0.0, 1.0, generator=self.generator())
        q, r = torch.linalg.qr(flat)
        q = q * torch.sign(torch.diagonal(r))  # makes the decomposition unique
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).to(torch_dtype)

    def get_config(self) -> dict[str, Any]:
        """Returns `{"seed", "gain"}`."""
        return {**super().get_config(), "gain": self.gain}
