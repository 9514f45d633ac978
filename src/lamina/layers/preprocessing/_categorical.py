"""Encoding integer ids as one-hot, multi-hot or count vectors (Keras's rules),
and reading preprocessing inputs that may be strings."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def one_hot(x: torch.Tensor, depth: int, dtype: torch.dtype) -> torch.Tensor:
    """`(..., depth)` one-hot of `x`; ids outside `[0, depth)` give all zeros."""
    return (x.unsqueeze(-1) == torch.arange(depth, device=x.device)).to(dtype)


def encode(
    x: torch.Tensor,
    mode: str,
    depth: int,
    dtype: torch.dtype,
    count_weights: torch.Tensor | None = None,
) -> torch.Tensor:
    """Encodes integer ids as Keras's `encode_categorical_inputs` does.

    `one_hot` drops a trailing axis of size 1; `multi_hot` and `count` reduce
    axis 1 (axis 0 for a rank-1 input, which is one sample).
    """
    if mode == "int":
        return x.to(torch.int64)
    if x.dim() == 0:
        x = x.unsqueeze(-1)
    if mode == "one_hot":
        if x.dim() > 1 and x.shape[-1] == 1:
            x = x.squeeze(-1)
        return one_hot(x, depth, dtype)
    axis = 1 if x.dim() > 1 else 0
    if mode == "multi_hot":
        return one_hot(x, depth, dtype).amax(dim=axis)
    if count_weights is not None:
        dtype = count_weights.dtype
    hot = one_hot(x, depth, dtype)
    if count_weights is not None:
        hot = hot * count_weights.unsqueeze(-1)
    return hot.sum(dim=axis)


def is_string_data(x: Any) -> bool:
    """Whether `x` holds strings (a str, bytes, or an array/list of them)."""
    if isinstance(x, (str, bytes)):
        return True
    if isinstance(x, torch.Tensor):
        return False
    arr = np.asarray(x) if not isinstance(x, np.ndarray) else x
    if arr.dtype.kind in "USO":
        return arr.size == 0 or isinstance(arr.flat[0], (str, bytes))
    return False


def as_str_array(x: Any, encoding: str = "utf-8") -> np.ndarray:
    """A numpy array of Python `str` (bytes decoded with `encoding`)."""
    arr = np.asarray(x, dtype=object)
    decode = np.vectorize(
        lambda v: v.decode(encoding) if isinstance(v, bytes) else str(v),
        otypes=[object],
    )
    return decode(arr) if arr.size else arr.astype(object)
