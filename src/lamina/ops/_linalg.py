"""Linear algebra: `matmul`, `dot`, `tensordot`, `einsum`, `outer`, `norm`, `trace`, ...

Operands are cast to their common dtype first (torch's products need one
dtype); bool and narrow integers multiply in `int32`, as in Keras.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.ops._convert import _SMALL_INTS, float_tensor, promote, to_tensor
from lamina.ops._reductions import sum as _sum


def _operands(*xs: Any) -> list[torch.Tensor]:
    """Promoted operands; bool and narrow integers widened to `int32`."""
    tensors = promote(*xs)
    if tensors[0].dtype in _SMALL_INTS:
        tensors = [t.to(torch.int32) for t in tensors]
    return tensors


def matmul(x1: Any, x2: Any) -> torch.Tensor:
    """Matrix product of `x1` and `x2`, batched over leading axes (`x1 @ x2`)."""
    return torch.matmul(*_operands(x1, x2))


def dot(x1: Any, x2: Any) -> torch.Tensor:
    """Dot product: scalars multiply, other operands follow `matmul`.

    For 1-D and 2-D operands this is `numpy.dot`; for higher ranks it batches
    over leading axes like `matmul`, as Keras's torch backend does.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The product tensor.
    """
    a, b = _operands(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return torch.matmul(a, b)


def tensordot(x1: Any, x2: Any, axes: Any = 2) -> torch.Tensor:
    """Contracts `x1` and `x2` over axes.

    Args:
        x1: first input tensor.
        x2: second input tensor.
        axes: an int `n` (the last `n` axes of `x1` with the first `n` of
            `x2`), or two sequences of axes.

    Returns:
        The contracted tensor.
    """
    a, b = _operands(x1, x2)
    if not isinstance(axes, int):
        axes = [[axes[0]] if isinstance(axes[0], int) else list(axes[0]),
                [axes[1]] if isinstance(axes[1], int) else list(axes[1])]  # fmt: skip
    return torch.tensordot(a, b, dims=axes)


def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> torch.Tensor:
    """Einstein summation, e.g. `einsum("bij,bjk->bik", x, y)`.

    Args:
        subscripts: the summation pattern.
        *operands: the input tensors.
        **kwargs: accepted for Keras compatibility and ignored.

    Returns:
        The result tensor.
    """
    return torch.einsum(subscripts, *_operands(*operands))


def outer(x1: Any, x2: Any) -> torch.Tensor:
    """Outer product of the flattened `x1` and `x2`."""
    a, b = _operands(x1, x2)
    return torch.outer(a.reshape(-1), b.reshape(-1))


def inner(x1: Any, x2: Any) -> torch.Tensor:
    """Inner product over the last axes of `x1` and `x2`."""
    return torch.inner(*_operands(x1, x2))


def vdot(x1: Any, x2: Any) -> torch.Tensor:
    """Dot product of the flattened `x1` and `x2` (conjugating `x1`)."""
    a, b = _operands(x1, x2)
    return torch.vdot(a.reshape(-1), b.reshape(-1))


def diag(x: Any, k: int = 0) -> torch.Tensor:
    """The `k`-th diagonal of a 2-D `x`, or a matrix with a 1-D `x` on it."""
    return torch.diag(to_tensor(x), k)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> torch.Tensor:
    """The diagonal of `x` over axes `axis1` and `axis2`, moved to the last axis."""
    return torch.diagonal(to_tensor(x), offset=offset, dim1=axis1, dim2=axis2)


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> torch.Tensor:
    """Sum along the diagonal of `x` over `axis1` and `axis2`."""
    return _sum(diagonal(x, offset, axis1, axis2), axis=-1)


def norm(
    x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False
) -> torch.Tensor:
    """Vector or matrix norm, as `numpy.linalg.norm`.

    Args:
        x: input tensor (integers are cast to `floatx()`).
        ord: the order: `None` (2-norm / Frobenius), a number, `inf`,
            `-inf`, `"fro"` or `"nuc"`.
        axis: `None` (all of `x`, flattened when `ord` is `None`), an int
            (vector norms) or a pair of ints (matrix norms).
        keepdims: keep the reduced axes with size 1.

    Returns:
        The norm tensor.
    """
    if isinstance(axis, list):
        axis = tuple(axis)
    return torch.linalg.norm(float_tensor(x), ord=ord, dim=axis, keepdim=keepdims)
