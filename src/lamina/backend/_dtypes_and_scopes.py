"""Small pieces of Keras's backend API: uids, dtype tests and promotion, and the
`device` scope."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch

from lamina.backend._config import (
    get_device,
    set_device,
    standardize_dtype,
    to_torch_dtype,
)

_UIDS: dict[str, int] = {}


def get_uid(prefix: str = "") -> int:
    """1, 2, 3, ... for each call with the same `prefix` (Keras's counter)."""
    _UIDS[prefix] = _UIDS.get(prefix, 0) + 1
    return _UIDS[prefix]


def is_float_dtype(dtype: Any) -> bool:
    """Whether `dtype` is a floating type (`"float32"`, `"bfloat16"`, ...)."""
    name = standardize_dtype(dtype)
    return name.startswith(("float", "bfloat"))


def is_int_dtype(dtype: Any) -> bool:
    """Whether `dtype` is a signed or unsigned integer type."""
    name = standardize_dtype(dtype)
    return name.startswith(("int", "uint"))


def result_type(*dtypes: Any) -> str:
    """The dtype operands of these dtypes combine to, as a string.

    Python scalar types (`int`, `float`) take part weakly, as in Keras: an
    `int` leaves an integer or float dtype as it is.

    Example:
    >>> result_type("int32", "float32")
    'float32'
    """
    values: list[Any] = [
        d(1) if d in (int, float, bool) else torch.zeros((), dtype=to_torch_dtype(d))
        for d in dtypes
    ]
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    if not tensors:  # only Python scalars (or nothing): Keras's defaults
        return "float32" if float in dtypes or not dtypes else "int32"
    out = tensors[0]
    for v in values:
        out = torch.zeros((), dtype=torch.result_type(out, v))
    return standardize_dtype(out.dtype)


def _torch_device_name(device_name: str) -> str:
    kind, _, index = str(device_name).lower().partition(":")
    kind = {"gpu": "cuda"}.get(kind, kind)
    return f"{kind}:{index}" if index else kind


@contextlib.contextmanager
def device(device_name: str) -> Iterator[None]:
    """Places the weights and data of models made or run inside on `device_name`
    (`"cpu"`, `"gpu:0"`, `"cuda:1"`); the previous device comes back after.

    Example:
    >>> with device("cpu"):
    ...     pass
    """
    previous = get_device()
    set_device(_torch_device_name(device_name))
    try:
        yield
    finally:
        set_device(previous)


__all__ = ["device", "get_uid", "is_float_dtype", "is_int_dtype", "result_type"]
