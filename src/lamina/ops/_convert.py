"""Turning inputs (tensors, numpy arrays, Python scalars and lists) into tensors.

Dtypes follow Keras: Python floats become `floatx()`, Python ints `int32`,
numpy arrays keep their dtype (unsigned types that torch lacks become
`int64`), and tensors are returned unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from lamina.backend import floatx, get_device, to_torch_dtype

_FLOAT_ONLY = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
_SMALL_INTS = (torch.bool, torch.int8, torch.uint8, torch.int16, torch.int32)


def _python_dtype(x: object) -> torch.dtype:
    """The Keras dtype of a Python scalar."""
    if isinstance(x, bool):
        return torch.bool
    if isinstance(x, int):
        return torch.int32
    if isinstance(x, complex):
        return torch.complex64
    return to_torch_dtype(floatx())


def _numpy_dtype(array: np.ndarray) -> torch.dtype:
    """The Keras dtype of a numpy array: its own, or `int64` for wide unsigned."""
    if array.dtype in (np.uint16, np.uint32, np.uint64):
        return torch.int64
    return to_torch_dtype(array.dtype)


def _list_dtype(array: np.ndarray) -> torch.dtype:
    """The Keras dtype of a nested Python list, read from numpy's guess."""
    kind = array.dtype.kind
    if kind == "b":
        return torch.bool
    if kind in "iu":
        return torch.int32
    if kind == "c":
        return torch.complex64
    return to_torch_dtype(floatx())


def _has_tensor(x: Sequence[Any]) -> bool:
    """Whether a (nested) list holds a torch tensor."""
    return any(
        isinstance(e, torch.Tensor) or (isinstance(e, (list, tuple)) and _has_tensor(e))
        for e in x
    )


def to_tensor(x: Any, dtype: Any = None, device: Any = None) -> torch.Tensor:
    """Converts `x` to a tensor with Keras's dtype rules (see module doc)."""
    target = None if dtype is None else to_torch_dtype(dtype)
    if isinstance(x, torch.Tensor):
        return x if target is None or x.dtype == target else x.to(target)
    device = get_device() if device is None else device
    if isinstance(x, (bool, int, float, complex)):
        return torch.tensor(x, dtype=target or _python_dtype(x), device=device)
    if isinstance(x, (list, tuple)) and _has_tensor(x):
        return torch.stack([to_tensor(e, dtype, device) for e in x])
    if isinstance(x, (list, tuple)):
        array = np.asarray(x)
        return torch.tensor(array, dtype=target or _list_dtype(array), device=device)
    array = np.asarray(x)
    if array.dtype == object:
        raise TypeError(
            f"Cannot convert to a tensor: unsupported type {type(x).__name__}. "
            "Pass a tensor, numpy array, Python number or list of numbers."
        )
    return torch.tensor(array, dtype=target or _numpy_dtype(array), device=device)


def pair(x1: Any, x2: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Converts two operands; a Python scalar lands on the other's device.

    Python scalars become 0-d tensors, which torch's type promotion treats as
    weakly typed, as Keras does (`float16_tensor + 1.0` stays `float16`).
    """
    if isinstance(x1, torch.Tensor) and not isinstance(x2, torch.Tensor):
        return x1, to_tensor(x2, device=x1.device)
    if isinstance(x2, torch.Tensor) and not isinstance(x1, torch.Tensor):
        return to_tensor(x1, device=x2.device), x2
    return to_tensor(x1), to_tensor(x2)


def promote(*xs: Any) -> list[torch.Tensor]:
    """Converts operands and casts them to their common (promoted) dtype."""
    tensors = [to_tensor(x) for x in xs]
    common = tensors[0].dtype
    for t in tensors[1:]:
        common = torch.promote_types(common, t.dtype)
    return [t.to(common) for t in tensors]


def float_tensor(x: Any) -> torch.Tensor:
    """Converts `x`; integer and bool inputs are cast to `floatx()`."""
    x = to_tensor(x)
    if x.is_floating_point() or x.is_complex():
        return x
    return x.to(to_torch_dtype(floatx()))


def axes(axis: Any) -> Any:
    """Normalizes an `axis` argument: lists become tuples, `None` stays."""
    if isinstance(axis, list):
        return tuple(axis)
    return axis
