"""Convolutions on tensors: `conv`, `conv_transpose`, `depthwise_conv`, ...

Kernels are in Keras's layout: `(*spatial, in_channels, out_channels)` for
`conv` and `(*spatial, out_channels, in_channels)` for `conv_transpose`;
inputs are channels-last unless `data_format="channels_first"`. `"same"`
padding follows Keras (and TensorFlow): more padding at the end when the
total is odd.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import image_data_format
from lamina.ops._convert import float_tensor, to_tensor

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def _ntuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """An int or `n` ints as a tuple of `n` positive ints."""
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) != n or any(int(v) < 1 for v in values):
        raise ValueError(
            f"`{name}` must be a positive int or a tuple of {n} positive ints. "
            f"Received: {name}={value!r}"
        )
    return tuple(int(v) for v in values)


def _channels_first(x: torch.Tensor, data_format: Any) -> tuple[torch.Tensor, bool]:
    """`x` moved to (batch, channels, *spatial); whether to move it back."""
    last = (data_format or image_data_format()) == "channels_last"
    return (torch.movedim(x, -1, 1) if last else x), last


def _rank(x: torch.Tensor, op: str) -> int:
    """The number of spatial axes of a batched input, or a clear error."""
    if x.ndim not in (3, 4, 5):
        raise ValueError(
            f"`{op}` needs inputs of rank 3, 4 or 5 (1-D, 2-D or 3-D). "
            f"Received: inputs.shape={tuple(x.shape)}"
        )
    return x.ndim - 2


def _same_padding(
    x: torch.Tensor,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
) -> torch.Tensor:
    """`x` (channels first) padded for Keras's `"same"` convolution."""
    pads: list[int] = []
    for size, k, s, d in reversed(list(zip(x.shape[2:], kernel, strides, dilation))):
        effective = d * (k - 1) + 1
        total = max((math.ceil(size / s) - 1) * s + effective - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


def _check_padding(padding: str) -> str:
    """The lower-cased padding mode, `"valid"` or `"same"`."""
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: {padding!r}")
    return mode


def conv(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: Any = None,
    dilation_rate: Any = 1,
) -> torch.Tensor:
    """N-D convolution (1-D, 2-D or 3-D) with a Keras-layout kernel.

    Input channels that are a multiple of the kernel's input channels give
    a grouped convolution.

    Args:
        inputs: `(batch, *spatial, channels)` (or channels first).
        kernel: `(*kernel_size, in_channels / groups, out_channels)`.
        strides: an int or one int per spatial axis.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: an int or one int per spatial axis.

    Returns:
        The output, in the input's data format.
    """
    x, moved = _channels_first(float_tensor(inputs), data_format)
    w = to_tensor(kernel).to(x.dtype)
    n = _rank(x, "conv")
    if x.shape[1] % w.shape[-2]:
        raise ValueError(
            f"Input channels ({x.shape[1]}) must be a multiple of the kernel's "
            f"input channels ({w.shape[-2]}). Received: kernel.shape={tuple(w.shape)}"
        )
    strides = _ntuple(strides, n, "strides")
    dilation = _ntuple(dilation_rate, n, "dilation_rate")
    if _check_padding(padding) == "same":
        x = _same_padding(x, w.shape[:n], strides, dilation)
    w = torch.movedim(w, (-1, -2), (0, 1))  # (out, in / groups, *kernel)
    y = _CONV[n](x, w, None, strides, 0, dilation, x.shape[1] // w.shape[1])
    return torch.movedim(y, 1, -1) if moved else y


def depthwise_conv(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: Any = None,
    dilation_rate: Any = 1,
) -> torch.Tensor:
    """Depthwise convolution: each input channel with its own filters.

    Args:
        inputs: `(batch, *spatial, channels)` (or channels first).
        kernel: `(*kernel_size, channels, depth_multiplier)`.

    Returns:
        `channels * depth_multiplier` output channels.
    """
    w = to_tensor(kernel)
    w = w.reshape(*w.shape[:-2], 1, w.shape[-2] * w.shape[-1])
    return conv(inputs, w, strides, padding, data_format, dilation_rate)


def separable_conv(
    inputs: Any,
    depthwise_kernel: Any,
    pointwise_kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: Any = None,
    dilation_rate: Any = 1,
) -> torch.Tensor:
    """A depthwise convolution followed by a pointwise (1x1) convolution."""
    depthwise = depthwise_conv(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _transpose_crops(
    kernel: int, stride: int, dilation: int, padding: str, output_padding: Any
) -> tuple[int, int]:
    """(left, right) crop of torch's full transposed output for Keras's size.

    A negative crop means zero padding on that side.
    """
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = (
            max(effective, stride) - effective
            if output_padding is None
            else output_padding
        )
        left, right = effective - 1, effective - 1 + extra
    else:
        if output_padding is None:
            total = stride + effective - 2
        else:
            total = effective + effective % 2 - 2 + output_padding
        left = min(total // 2 + total % 2, effective - 1)
        right = total - left
    return effective - 1 - left, effective - 1 - right


def conv_transpose(
    inputs: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    output_padding: Any = None,
    data_format: Any = None,
    dilation_rate: Any = 1,
) -> torch.Tensor:
    """Transposed N-D convolution (the gradient of `conv`), Keras's output sizes.

    Args:
        inputs: `(batch, *spatial, channels)` (or channels first).
        kernel: `(*kernel_size, out_channels, in_channels)`.
        strides: an int or one int per spatial axis.
        padding: `"valid"` or `"same"`.
        output_padding: extra size at the end of each spatial axis, or None.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: an int or one int per spatial axis.
    """
    x, moved = _channels_first(float_tensor(inputs), data_format)
    w = to_tensor(kernel).to(x.dtype)
    n = _rank(x, "conv_transpose")
    if x.shape[1] != w.shape[-1]:
        raise ValueError(
            f"Input channels ({x.shape[1]}) must equal the kernel's last axis. "
            f"Received: kernel.shape={tuple(w.shape)}"
        )
    strides = _ntuple(strides, n, "strides")
    dilation = _ntuple(dilation_rate, n, "dilation_rate")
    mode = _check_padding(padding)
    extra = output_padding
    if extra is None or isinstance(extra, int):
        extra = (extra,) * n
    w = torch.movedim(w, (-1, -2), (0, 1))  # (in, out, *kernel)
    y = _CONV_T[n](x, w, None, strides, 0, 0, 1, dilation)
    for axis, args in enumerate(zip(w.shape[2:], strides, dilation, extra), start=2):
        left, right = _transpose_crops(*args[:3], mode, args[3])
        y = y.narrow(axis, max(left, 0), y.shape[axis] - max(left, 0) - max(right, 0))
        if left < 0 or right < 0:
            pads = [0, 0] * (y.ndim - axis - 1) + [max(-left, 0), max(-right, 0)]
            y = F.pad(y, pads)
    return torch.movedim(y, 1, -1) if moved else y


def _adaptive(
    kind: str, inputs: Any, output_size: Any, data_format: Any
) -> torch.Tensor:
    """Adaptive average or max pooling to `output_size`."""
    x, moved = _channels_first(float_tensor(inputs), data_format)
    n = _rank(x, f"adaptive_{kind}_pool")
    size = _ntuple(output_size, n, "output_size")
    fn = getattr(F, f"adaptive_{kind}_pool{n}d")
    y = fn(x, size)
    return torch.movedim(y, 1, -1) if moved else y


def adaptive_average_pool(
    inputs: Any, output_size: Any, data_format: Any = None
) -> torch.Tensor:
    """Average pooling to a fixed `output_size` (PyTorch's adaptive bins)."""
    return _adaptive("avg", inputs, output_size, data_format)


def adaptive_max_pool(
    inputs: Any, output_size: Any, data_format: Any = None
) -> torch.Tensor:
    """Max pooling to a fixed `output_size` (PyTorch's adaptive bins)."""
    return _adaptive("max", inputs, output_size, data_format)


def depth_to_space(
    x: Any, block_size: int, data_format: str = "channels_last"
) -> torch.Tensor:
    """Moves channel blocks into `block_size x block_size` spatial tiles (4-D)."""
    x, moved = _channels_first(to_tensor(x), data_format)
    y = F.pixel_shuffle(x, block_size) if not moved else _d2s_last(x, block_size)
    return torch.movedim(y, 1, -1) if moved else y


def _d2s_last(x: torch.Tensor, b: int) -> torch.Tensor:
    """depth_to_space with TensorFlow's channels-last channel order (NCHW in/out)."""
    n, c, h, w = x.shape
    y = x.reshape(n, b, b, c // (b * b), h, w)  # channels split as (bh, bw, c')
    return y.permute(0, 3, 4, 1, 5, 2).reshape(n, c // (b * b), h * b, w * b)


def space_to_depth(
    x: Any, block_size: int, data_format: str = "channels_last"
) -> torch.Tensor:
    """Moves `block_size x block_size` spatial tiles into channels (4-D)."""
    x, moved = _channels_first(to_tensor(x), data_format)
    if not moved:
        return F.pixel_unshuffle(x, block_size)
    n, c, h, w = x.shape
    b = block_size
    y = x.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return torch.movedim(y.reshape(n, b * b * c, h // b, w // b), 1, -1)


def unfold(
    x: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
) -> torch.Tensor:
    """Sliding blocks of a channels-first image: `(N, C*kh*kw, L)`."""
    return F.unfold(float_tensor(x), kernel_size, dilation, padding, stride)


def fold(
    x: Any,
    output_size: Any,
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
) -> torch.Tensor:
    """Sums sliding blocks `(N, C*kh*kw, L)` back into a `(N, C, H, W)` image."""
    return F.fold(float_tensor(x), output_size, kernel_size, dilation, padding, stride)
