"""Global configuration: float type, epsilon, image data format, device, seeds."""

import gc
import sys

import torch

from lamina._naming import reset_names
from lamina.backend import _random
from lamina.backend._config import (
    epsilon,
    floatx,
    get_device,
    image_data_format,
    set_device,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_dtype,
    to_torch_dtype,
)
from lamina.backend._dtypes_and_scopes import (
    device,
    get_uid,
    is_float_dtype,
    is_int_dtype,
    result_type,
)
from lamina.backend._random import SeedGenerator, draw_seed, set_random_seed
from lamina.backend.variable import Variable


def clear_session(free_memory: bool = True) -> None:
    """Resets lamina's global state, as `keras.backend.clear_session` does.

    Layer names start again from `dense`, `dense_1`, ...; the global seed
    generator of `lamina.random` is made anew from Python's `random`.

    Args:
        free_memory: also run the garbage collector and release PyTorch's
            cached GPU memory.
    """
    reset_names()
    _random._GLOBAL.clear()
    if free_memory:
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def is_keras_tensor(x: object) -> bool:
    """Whether `x` is a symbolic `KerasTensor` (from `Input` or a layer on one)."""
    # Looked up, not imported: KerasTensor lives in ops, above backend, and none
    # exists before that module is loaded.
    module = sys.modules.get("lamina.ops._keras_tensor")
    return module is not None and isinstance(x, module.KerasTensor)


def backend() -> str:
    """The engine's name: lamina always runs on PyTorch."""
    return "torch"


__all__ = [
    "SeedGenerator",
    "Variable",
    "backend",
    "clear_session",
    "device",
    "draw_seed",
    "epsilon",
    "floatx",
    "get_device",
    "get_uid",
    "image_data_format",
    "is_float_dtype",
    "is_int_dtype",
    "is_keras_tensor",
    "result_type",
    "set_device",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_random_seed",
    "standardize_dtype",
    "to_torch_dtype",
]
