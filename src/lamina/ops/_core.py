"""Conversion and inspection: `convert_to_tensor`, `cast`, `shape`, `dtype`, ..."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.backend import standardize_dtype, to_torch_dtype
from lamina.ops._convert import to_tensor


def convert_to_tensor(
    x: Any, dtype: Any = None, sparse: Any = None, ragged: Any = None
) -> torch.Tensor:
    """Converts a tensor, numpy array, Python number or list to a torch tensor.

    Python floats become `floatx()` (float32), Python ints `int32`, bools
    `bool`; numpy arrays keep their dtype; torch tensors are returned as they
    are (cast when `dtype` is given), so autograd is preserved.

    Args:
        x: the value to convert.
        dtype: the target dtype, or `None` to infer it as above.
        sparse: only `None` or `False` are supported.
        ragged: only `None` or `False` are supported.

    Returns:
        A `torch.Tensor`.

    Raises:
        ValueError: when sparse or ragged tensors are requested.
    """
    if sparse or ragged:
        raise ValueError(
            "lamina tensors are dense: `sparse` and `ragged` must be None or "
            f"False. Received: sparse={sparse}, ragged={ragged}"
        )
    return to_tensor(x, dtype)


def convert_to_numpy(x: Any) -> np.ndarray:
    """Converts a tensor (or array-like) to a numpy array, detached, on the CPU.

    Args:
        x: a tensor, array or Python value.

    Returns:
        A `np.ndarray` (`bfloat16` tensors become `float32`, which numpy lacks).
    """
    if not isinstance(x, torch.Tensor):
        return np.asarray(x)
    x = x.detach()
    if x.dtype == torch.bfloat16:
        x = x.float()
    return x.cpu().numpy()


def cast(x: Any, dtype: Any) -> torch.Tensor:
    """Casts a tensor to `dtype` (floats to ints truncate toward zero).

    Args:
        x: input tensor.
        dtype: target dtype name (`"float32"`), torch or numpy dtype.

    Returns:
        A tensor of dtype `dtype`.
    """
    return to_tensor(x).to(to_torch_dtype(dtype))


def is_tensor(x: Any) -> bool:
    """Returns whether `x` is a torch tensor."""
    return isinstance(x, torch.Tensor)


def shape(x: Any) -> tuple[int, ...]:
    """Returns the shape of `x` as a tuple of ints."""
    return tuple(to_tensor(x).shape)


def dtype(x: Any) -> str:
    """Returns the Keras name of the dtype of `x` (e.g. `"float32"`)."""
    return standardize_dtype(to_tensor(x).dtype)


def ndim(x: Any) -> int:
    """Returns the number of axes of `x`."""
    return to_tensor(x).ndim


def size(x: Any) -> torch.Tensor:
    """Returns the number of elements of `x`, as an integer tensor."""
    x = to_tensor(x)
    return torch.tensor(x.numel(), device=x.device)


def stop_gradient(variable: Any) -> torch.Tensor:
    """Returns `variable` detached from the autograd graph (no gradient flows)."""
    return to_tensor(variable).detach()


def copy(x: Any) -> torch.Tensor:
    """Returns a copy of `x` (gradients flow through the copy)."""
    return to_tensor(x).clone()
