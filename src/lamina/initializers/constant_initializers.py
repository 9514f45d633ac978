"""Deterministic initializers: Zeros, Ones, Constant, Identity."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.backend import standardize_dtype, to_torch_dtype
from lamina.initializers._base import Initializer, Shape, check_shape


class Zeros(Initializer):
    """Initializer that gives tensors filled with 0.

    Example:

    >>> Zeros()((2, 2)).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a CPU tensor of zeros with `shape` and `dtype`."""
        return torch.zeros(
            check_shape(shape), dtype=to_torch_dtype(dtype), device="cpu"
        )


class Ones(Initializer):
    """Initializer that gives tensors filled with 1.

    Example:

    >>> Ones()((3,)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a CPU tensor of ones with `shape` and `dtype`."""
        return torch.ones(check_shape(shape), dtype=to_torch_dtype(dtype), device="cpu")


def _value_to_config(value: Any) -> Any:
    """Writes an array value the way Keras does (`__numpy__` dict)."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {
                "value": value.tolist(),
                "dtype": standardize_dtype(value.dtype),
            },
        }
    if isinstance(value, np.generic):
        return value.item()
    return value


def _value_from_config(value: Any) -> Any:
    """Reads back what `_value_to_config` wrote."""
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        config = value["config"]
        return np.asarray(config["value"], dtype=config.get("dtype"))
    return value


class Constant(Initializer):
    """Initializer that gives tensors filled with a constant.

    An array `value` is broadcast to the requested shape.

    Args:
        value: a Python number, or an array broadcastable to the shape.

    Example:

    >>> Constant(2.5)((2,)).tolist()
    [2.5, 2.5]
    """

    def __init__(self, value: Any = 0.0) -> None:
        self.value = _value_from_config(value)

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns a CPU tensor of `shape` filled with `value`."""
        shape = check_shape(shape)
        value = torch.as_tensor(self.value, dtype=to_torch_dtype(dtype), device="cpu")
        try:
            return torch.broadcast_to(value, shape).clone()
        except RuntimeError as err:
            raise ValueError(
                "`Constant` could not broadcast its value of shape "
                f"{tuple(value.shape)} to the requested shape. Received: shape={shape}"
            ) from err

    def get_config(self) -> dict[str, Any]:
        """Returns `{"value": value}`."""
        return {"value": _value_to_config(self.value)}


class Identity(Initializer):
    """Initializer that gives a 2D identity matrix, times `gain`.

    A non-square shape gets ones on the main diagonal and zeros elsewhere.

    Args:
        gain: multiplicative factor applied to the identity matrix.

    Example:

    >>> Identity(gain=2.0)((2, 3)).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Shape, dtype: object = None) -> torch.Tensor:
        """Returns `gain * eye(rows, cols)` on the CPU.

        Raises:
            ValueError: when `shape` is not two-dimensional.
        """
        shape = check_shape(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        eye = torch.eye(*shape, dtype=torch.float64, device="cpu") * self.gain
        return eye.to(to_torch_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        """Returns `{"gain": gain}`."""
        return {"gain": self.gain}
