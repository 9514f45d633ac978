"""Global configuration: float type, epsilon, image data format, device, seeds."""

from lamina._naming import reset_names
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
from lamina.backend._random import SeedGenerator, draw_seed, set_random_seed
from lamina.backend.variable import Variable


def clear_session() -> None:
    """Resets the name counter, so new layers are named `dense`, `dense_1`, ..."""
    reset_names()


def backend() -> str:
    """The engine's name: lamina always runs on PyTorch."""
    return "torch"


__all__ = [
    "SeedGenerator",
    "Variable",
    "backend",
    "clear_session",
    "draw_seed",
    "epsilon",
    "floatx",
    "get_device",
    "image_data_format",
    "set_device",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_random_seed",
    "standardize_dtype",
    "to_torch_dtype",
]
