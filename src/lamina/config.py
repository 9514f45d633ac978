"""`lamina.config`: global settings, as `keras.config` names them."""

from __future__ import annotations

from lamina._registry import enable_unsafe_deserialization
from lamina.backend import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from lamina.layers._dtype_policy import global_policy as dtype_policy
from lamina.layers._dtype_policy import set_global_policy as set_dtype_policy


def backend() -> str:
    """The engine's name: lamina always runs on PyTorch."""
    return "torch"


__all__ = [
    "backend",
    "dtype_policy",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
