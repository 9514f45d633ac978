"""Argument normalization and padding arithmetic shared by conv and pooling layers.

Padding follows Keras (and TensorFlow): `"same"` gives `ceil(size / stride)`
outputs and pads `total // 2` before and the rest after, so even kernels and
strides pad more at the end; `"causal"` pads `dilation * (kernel - 1)` before.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

DATA_FORMATS = ("channels_first", "channels_last")


def normalize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """Returns `value` (an int or `n` ints) as a tuple of `n` ints, or raises."""
    if isinstance(value, int) and not isinstance(value, bool):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = None
        if (
            values is None
            or len(values) != n
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        ):
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. "
                f"Received {name}={value!r}"
            )
    bad = {v for v in values if v < 0 or (v == 0 and not allow_zero)}
    if bad:
        rule = "value >= 0" if allow_zero else "value > 0"
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received "
            f"{name}={value!r}, including values {bad} that do not satisfy `{rule}`"
        )
    return values


def normalize_data_format(value: str | None) -> str:
    """Returns the data format, the global `image_data_format()` when None."""
    from lamina import backend

    if value is None:
        return backend.image_data_format()
    fmt = str(value).lower()
    if fmt not in DATA_FORMATS:
        raise ValueError(
            "The `data_format` argument must be one of "
            f"{{'channels_first', 'channels_last'}}. Received: data_format={value}"
        )
    return fmt


def normalize_padding(value: Any, allowed: tuple = ("valid", "same")) -> str:
    """Returns the lower-cased padding mode, or raises if it is not in `allowed`."""
    mode = value.lower() if isinstance(value, str) else value
    if mode not in allowed:
        choices = ", ".join(f"'{a}'" for a in allowed)
        raise ValueError(
            f"The `padding` argument must be one of {{{choices}}}. "
            f"Received: padding={value!r}"
        )
    return mode


def positive_count(name: str, value: Any) -> int:
    """Returns a strictly positive integer (integral floats accepted), or raises."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or value <= 0 or int(value) != value:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a strictly positive "
            f"integer. Received: {name}={value!r}"
        )
    return int(value)


def same_pads(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple:
    """(before, after) padding of one axis for Keras's `"same"` mode."""
    effective = dilation * (kernel - 1) + 1
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def spatial_pads(
    sizes: tuple, padding: str, kernel: tuple, strides: tuple, dilation: tuple
) -> list:
    """(before, after) padding per spatial axis for `padding`."""
    if padding == "valid":
        return [(0, 0)] * len(sizes)
    if padding == "causal":
        return [(d * (k - 1), 0) for k, d in zip(kernel, dilation, strict=True)]
    return [
        same_pads(*args) for args in zip(sizes, kernel, strides, dilation, strict=True)
    ]


def pad_spatial(x: torch.Tensor, pads: list, value: float = 0.0) -> torch.Tensor:
    """Pads the trailing spatial axes of a channels-first tensor."""
    flat = [p for pair in reversed(pads) for p in pair]  # F.pad: last axis first
    return F.pad(x, flat, value=value)


def to_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """(B, *S, C) -> (B, C, *S) as a view (PyTorch's channels_last layout)."""
    return x.movedim(-1, 1) if data_format == "channels_last" else x


def from_channels_first(y: torch.Tensor, data_format: str) -> torch.Tensor:
    """(B, C, *S) -> (B, *S, C) as a view; the inverse of `to_channels_first`."""
    return y.movedim(1, -1) if data_format == "channels_last" else y


def check_output_size(layer: Any, shape: tuple, kernel: tuple, sizes: list) -> None:
    """Raises a clear error when a convolution would give an empty output."""
    if any(s <= 0 for s in sizes):
        raise ValueError(
            f"Layer '{layer.name}': computed output size would be zero or negative. "
            f"Received input shape={tuple(shape)}, kernel_size={kernel}, "
            f"strides={layer.strides}, padding={layer.padding!r}. Use a larger "
            "input or `padding='same'`."
        )
