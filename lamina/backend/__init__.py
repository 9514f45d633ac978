"""Global configuration: float type, epsilon, image data format, device, seeds."""

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

__all__ = [
    "SeedGenerator",
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
