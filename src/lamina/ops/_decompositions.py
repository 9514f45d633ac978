"""Matrix decompositions and solvers: `keras.ops.linalg` beyond products.

Every function works on batches of matrices (the last two axes); integer
inputs are cast to `floatx()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from lamina.ops._convert import float_tensor, promote


def _square(x: Any, name: str) -> torch.Tensor:
    """`x` as a float batch of square matrices, or a clear error."""
    x = float_tensor(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"`{name}` needs square matrices in the last two axes. "
            f"Received: x.shape={tuple(x.shape)}"
        )
    return x


def cholesky(x: Any, upper: bool = False) -> torch.Tensor:
    """Cholesky factor `L` (`x = L L^T`), or `U` (`x = U^T U`) with `upper`."""
    return torch.linalg.cholesky(_square(x, "cholesky"), upper=upper)


def cholesky_inverse(x: Any, upper: bool = False) -> torch.Tensor:
    """The inverse of `A` from its Cholesky factor `x`."""
    return torch.cholesky_inverse(_square(x, "cholesky_inverse"), upper=upper)


def det(x: Any) -> torch.Tensor:
    """Determinant of each matrix."""
    return torch.linalg.det(_square(x, "det"))


def logdet(x: Any) -> torch.Tensor:
    """Natural log of the determinant of each (positive-definite) matrix."""
    return torch.logdet(_square(x, "logdet"))


def slogdet(x: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Sign and log of the absolute determinant of each matrix."""
    sign, logabs = torch.linalg.slogdet(_square(x, "slogdet"))
    return sign, logabs


def eig(x: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenvalues and right eigenvectors of general matrices (complex)."""
    return torch.linalg.eig(_square(x, "eig"))


def eigh(x: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices."""
    return torch.linalg.eigh(_square(x, "eigh"))


def inv(x: Any) -> torch.Tensor:
    """Inverse of each matrix."""
    return torch.linalg.inv(_square(x, "inv"))


def pinv(x: Any, rcond: float | None = None) -> torch.Tensor:
    """Moore-Penrose pseudo-inverse; singular values below `rcond * max` are cut."""
    x = float_tensor(x)
    return torch.linalg.pinv(x) if rcond is None else torch.linalg.pinv(x, rtol=rcond)


def matrix_rank(x: Any, tol: float | None = None) -> torch.Tensor:
    """Rank of each matrix (singular values above `tol`), as `int32`."""
    return torch.linalg.matrix_rank(float_tensor(x), atol=tol).to(torch.int32)


def qr(x: Any, mode: str = "reduced") -> tuple[torch.Tensor, torch.Tensor]:
    """QR decomposition, `x = Q R`.

    Raises:
        ValueError: for a `mode` other than `"reduced"` or `"complete"`.
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(
            f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}"
        )
    return torch.linalg.qr(float_tensor(x), mode=mode)


def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition `x = U diag(S) V^H`: (U, S, V^H), or S alone."""
    x = float_tensor(x)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return torch.linalg.svd(x, full_matrices=full_matrices)


def solve(a: Any, b: Any) -> torch.Tensor:
    """Solves `a @ x = b` for `x`."""
    a, b = promote(float_tensor(a), b)
    return torch.linalg.solve(a, b)


def solve_triangular(a: Any, b: Any, lower: bool = False) -> torch.Tensor:
    """Solves `a @ x = b` for a triangular `a` (upper unless `lower`)."""
    a, b = promote(float_tensor(a), b)
    vector = b.ndim == a.ndim - 1
    if vector:
        b = b.unsqueeze(-1)
    out = torch.linalg.solve_triangular(a, b, upper=not lower)
    return out.squeeze(-1) if vector else out


def lstsq(a: Any, b: Any, rcond: float | None = None) -> torch.Tensor:
    """Least-squares solution of `a @ x = b` (SVD-based when `rcond` is given)."""
    a, b = promote(float_tensor(a), b)
    if rcond is None:
        return torch.linalg.lstsq(a, b).solution
    vector = b.ndim == 1
    out = torch.linalg.pinv(a, rtol=rcond) @ (b.unsqueeze(-1) if vector else b)
    return out.squeeze(-1) if vector else out


def lu_factor(x: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """LU factorization with partial pivoting: packed LU and 0-based pivots."""
    lu, pivots = torch.linalg.lu_factor(float_tensor(x))
    return lu, pivots - 1


def jvp(
    fun: Callable[..., Any], primals: Any, tangents: Any, has_aux: bool = False
) -> Any:
    """Jacobian-vector product: `(fun(*primals), J @ tangents)` (and aux)."""
    return torch.func.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)
