"""Rescaling: multiplies inputs by a scale and adds an offset."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.layers.base import Layer


class Rescaling(Layer):
    """Computes `inputs * scale + offset` in the layer's compute dtype.

    For example `Rescaling(1 / 255)` maps pixels from [0, 255] to [0, 1], and
    `Rescaling(1 / 127.5, offset=-1)` to [-1, 1].

    Args:
        scale: float, or a list/array broadcast against the input.
        offset: float, or a list/array broadcast against the input.

    Input shape:
        any shape; integer inputs are cast to the compute dtype.

    Output shape:
        same as the input.

    Example:
    >>> import lamina
    >>> lamina.layers.Rescaling(0.5, offset=1.0)(np.array([2.0, 4.0]))
    tensor([2., 3.])
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = _plain(scale, "scale")
        self.offset = _plain(offset, "offset")
        self.supports_masking = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs.to(self._dtype_policy.torch_compute_dtype)
        return x * _as_operand(self.scale, x) + _as_operand(self.offset, x)

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


def _plain(value: Any, name: str) -> Any:
    """A number, or nested lists for arrays and tensors (serializable)."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.tolist()
    try:
        np.asarray(value, dtype="float64")
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"`{name}` must be a number or an array of numbers. "
            f"Received: {name}={value!r}"
        ) from err
    return value


def _as_operand(value: Any, like: torch.Tensor) -> Any:
    if isinstance(value, (int, float)):
        return value
    return torch.as_tensor(value, dtype=like.dtype, device=like.device)
