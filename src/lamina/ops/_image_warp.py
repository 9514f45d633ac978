"""Geometric image ops: `map_coordinates`, `affine_transform`,
`perspective_transform`, `elastic_transform` and `scale_and_translate`.

Sampling follows scipy's `map_coordinates` (order 0 or 1) with the fill modes
`constant`, `nearest`, `wrap`, `mirror` and `reflect`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch

from lamina.backend._random import generator_for, seed_pair
from lamina.ops._convert import float_tensor, to_tensor
from lamina.ops._image import _batched, _fmt, gaussian_blur

_ORDERS = {"nearest": 0, "bilinear": 1}
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _mirror(index: torch.Tensor, size: int) -> torch.Tensor:
    """Mirror boundary (d c b | a b c d | c b a), a triangular wave."""
    if size == 1:
        return torch.zeros_like(index)
    period = size - 1
    return ((index + period) % (2 * period) - period).abs()


def _fix_index(index: torch.Tensor, size: int, mode: str) -> torch.Tensor:
    """Maps out-of-range indices back into `[0, size)` for `mode`."""
    if mode == "nearest" or mode == "constant":
        return index.clamp(0, size - 1)
    if mode == "wrap":
        return index % size
    if mode == "mirror":
        return _mirror(index, size)
    return torch.div(_mirror(2 * index + 1, 2 * size + 1) - 1, 2, rounding_mode="floor")


def _taps(coordinate: torch.Tensor, order: int) -> list[tuple[torch.Tensor, Any]]:
    """(index, weight) pairs of nearest (order 0) or linear (order 1) sampling."""
    if order == 0:
        return [(torch.round(coordinate).long(), 1.0)]
    low = torch.floor(coordinate)
    upper = coordinate - low
    return [(low.long(), 1.0 - upper), (low.long() + 1, upper)]


def map_coordinates(
    inputs: Any,
    coordinates: Any,
    order: int,
    fill_mode: str = "constant",
    fill_value: Any = 0,
) -> torch.Tensor:
    """Samples `inputs` at `coordinates` (one coordinate array per input axis).

    Args:
        inputs: an N-D tensor.
        coordinates: N arrays of the output shape, the sample positions.
        order: 0 (nearest) or 1 (linear).
        fill_mode: `"constant"`, `"nearest"`, `"wrap"`, `"mirror"` or `"reflect"`.
        fill_value: the value outside the input for `"constant"`.

    Raises:
        ValueError: for a wrong number of coordinate arrays or a bad mode.
    """
    x = to_tensor(inputs)
    coords = [float_tensor(c) for c in coordinates]
    if len(coords) != x.ndim:
        raise ValueError(
            "`coordinates` needs one array per axis of `inputs`. Received "
            f"{len(coords)} arrays for inputs.shape={tuple(x.shape)}"
        )
    if fill_mode not in _FILL_MODES:
        raise ValueError(
            f"`fill_mode` must be one of {_FILL_MODES}. Received: {fill_mode!r}"
        )
    if order not in (0, 1):
        raise NotImplementedError(
            f"`map_coordinates` supports order 0 or 1. Received: {order}"
        )
    per_axis = []
    for c, size in zip(coords, x.shape, strict=True):
        per_axis.append(
            [
                (_fix_index(i, size, fill_mode), (i >= 0) & (i < size), w)
                for i, w in _taps(c, order)
            ]
        )
    return _weighted_sum(x, per_axis, fill_mode == "constant", fill_value)


def _weighted_sum(
    x: torch.Tensor, per_axis: list, constant: bool, fill_value: Any
) -> torch.Tensor:
    """Sums the samples over every combination of per-axis taps."""
    total: Any = 0
    combos: list[list] = [[]]
    for taps in per_axis:
        combos = [c + [t] for c in combos for t in taps]
    for combo in combos:
        index = tuple(t[0] for t in combo)
        value = x[index].to(torch.promote_types(x.dtype, torch.float32))
        if constant:
            valid = combo[0][1]
            for t in combo[1:]:
                valid = valid & t[1]
            value = torch.where(
                valid, value, torch.as_tensor(fill_value, dtype=value.dtype)
            )
        weight: Any = 1.0
        for t in combo:
            weight = weight * t[2]
        total = total + weight * value
    if not x.is_floating_point():
        total = torch.round(total)
    return total.to(x.dtype)


def _check_modes(interpolation: str, fill_mode: str) -> int:
    """The interpolation order, or a clear error."""
    if interpolation not in _ORDERS:
        raise ValueError(
            f"`interpolation` must be 'nearest' or 'bilinear'. Received: {interpolation!r}"
        )
    if fill_mode not in _FILL_MODES:
        raise ValueError(
            f"`fill_mode` must be one of {_FILL_MODES}. Received: {fill_mode!r}"
        )
    return _ORDERS[interpolation]


def _sample_images(
    images: torch.Tensor,
    ys: torch.Tensor,
    xs: torch.Tensor,
    order: int,
    fill_mode: str,
    fill_value: Any,
) -> torch.Tensor:
    """Samples an NHWC batch at per-image (H, W) source positions `ys`, `xs`."""
    n, h, w, c = images.shape
    channel = torch.arange(c, device=images.device).expand(h, w, c).to(ys.dtype)
    out = []
    for i in range(n):
        coords = [
            ys[i][..., None].expand(h, w, c),
            xs[i][..., None].expand(h, w, c),
            channel,
        ]
        out.append(map_coordinates(images[i], coords, order, fill_mode, fill_value))
    return torch.stack(out)


def affine_transform(
    images: Any,
    transform: Any,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: Any = 0,
    data_format: Any = None,
) -> torch.Tensor:
    """Warps images by projective transforms `[a0, a1, a2, b0, b1, b2, c0, c1]`.

    An output pixel `(x, y)` samples the input at
    `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, `k = c0 x + c1 y + 1`.
    """
    order = _check_modes(interpolation, fill_mode)
    fmt = _fmt(data_format)
    x, squeeze = _batched(images, "affine_transform")
    t = float_tensor(transform)
    if t.ndim not in (1, 2):
        raise ValueError(
            "`transform` must have rank 1 (one transform) or 2 (a batch). "
            f"Received: transform.shape={tuple(t.shape)}"
        )
    t = t.expand(x.shape[0], 8) if t.ndim == 1 else t
    if fmt == "channels_first":
        x = x.permute(0, 2, 3, 1)
    ys, xs = _source_positions(t, x.shape[1], x.shape[2])
    out = _sample_images(x, ys, xs, order, fill_mode, fill_value)
    if fmt == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if squeeze else out


def _source_positions(
    t: torch.Tensor, h: int, w: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Source (y, x) of every output pixel under projective transforms `t`."""
    gy, gx = torch.meshgrid(
        torch.arange(h, dtype=t.dtype, device=t.device),
        torch.arange(w, dtype=t.dtype, device=t.device),
        indexing="ij",
    )
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i, None, None] for i in range(8))
    k = c0 * gx + c1 * gy + 1.0
    return (b0 * gx + b1 * gy + b2) / k, (a0 * gx + a1 * gy + a2) / k


def _homography(start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """The 8 projective coefficients mapping `end` points onto `start` points."""
    rows = []
    zero = torch.zeros_like(end[:, 0, 0])
    one = torch.ones_like(zero)
    for i in range(4):
        ex, ey = end[:, i, 0], end[:, i, 1]
        sx, sy = start[:, i, 0], start[:, i, 1]
        rows.append(
            torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1)
        )
        rows.append(
            torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1)
        )
    a = torch.stack(rows, dim=1)
    b = start.reshape(start.shape[0], 8)
    wide = torch.promote_types(a.dtype, torch.float32)
    return torch.linalg.solve(a.to(wide), b.to(wide)).to(a.dtype)


def perspective_transform(
    images: Any,
    start_points: Any,
    end_points: Any,
    interpolation: str = "bilinear",
    fill_value: Any = 0,
    data_format: Any = None,
) -> torch.Tensor:
    """Warps images so that the 4 `start_points` (x, y) move to `end_points`."""
    order = _check_modes(interpolation, "constant")
    fmt = _fmt(data_format)
    x, squeeze = _batched(images, "perspective_transform")
    start = to_tensor(start_points).to(
        x.dtype if x.is_floating_point() else torch.float32
    )
    end = to_tensor(end_points).to(start.dtype)
    for name, p in (("start_points", start), ("end_points", end)):
        if tuple(p.shape[-2:]) != (4, 2) or p.ndim not in (2, 3):
            raise ValueError(
                f"`{name}` must be (4, 2) or (batch, 4, 2). Received: {tuple(p.shape)}"
            )
    start = start.unsqueeze(0) if start.ndim == 2 else start
    end = end.unsqueeze(0) if end.ndim == 2 else end
    t = _homography(start, end).expand(x.shape[0], 8)
    if fmt == "channels_first":
        x = x.permute(0, 2, 3, 1)
    ys, xs = _source_positions(t, x.shape[1], x.shape[2])
    out = _sample_images(x, ys, xs, order, "constant", fill_value)
    if fmt == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if squeeze else out


def elastic_transform(
    images: Any,
    alpha: float = 20.0,
    sigma: float = 5.0,
    interpolation: str = "bilinear",
    fill_mode: str = "reflect",
    fill_value: float = 0.0,
    seed: Any = None,
    data_format: Any = None,
) -> torch.Tensor:
    """Displaces pixels by a Gaussian-smoothed random field scaled by `alpha`.

    The field is drawn from `seed` (an int or a `SeedGenerator`); the same
    seed gives the same warp.
    """
    order = _check_modes(interpolation, fill_mode)
    fmt = _fmt(data_format)
    x, squeeze = _batched(images, "elastic_transform")
    if fmt == "channels_first":
        x = x.permute(0, 2, 3, 1)
    n, h, w, _ = x.shape
    dtype = x.dtype if x.is_floating_point() else torch.float32
    generator = generator_for(seed_pair(seed), x.device)
    noise = torch.randn(
        (2, n, h, w, 1), generator=generator, dtype=dtype, device=x.device
    )
    size = int(6 * sigma) | 1
    smooth = [
        gaussian_blur(noise[i] * sigma, (size, size), (sigma, sigma), "channels_last")
        for i in range(2)
    ]
    gy, gx = torch.meshgrid(
        torch.arange(h, dtype=dtype, device=x.device),
        torch.arange(w, dtype=dtype, device=x.device),
        indexing="ij",
    )
    ys, xs = gy + alpha * smooth[1][..., 0], gx + alpha * smooth[0][..., 0]
    out = _sample_images(x, ys, xs, order, fill_mode, fill_value)
    if fmt == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if squeeze else out


def _triangle(x: torch.Tensor) -> torch.Tensor:
    return torch.clamp(1.0 - x.abs(), min=0.0)


def _keys_cubic(x: torch.Tensor) -> torch.Tensor:
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return torch.where(x >= 2.0, 0.0, torch.where(x >= 1.0, far, near))


def _lanczos(radius: int) -> Callable[[torch.Tensor], torch.Tensor]:
    def kernel(x: torch.Tensor) -> torch.Tensor:
        y = radius * torch.sin(math.pi * x) * torch.sin(math.pi * x / radius)
        safe = torch.where(x != 0, math.pi**2 * x**2, 1.0)
        out = torch.where(x > 1e-3, y / safe, 1.0)
        return torch.where(x > radius, 0.0, out)

    return kernel


_KERNELS = {
    "linear": _triangle,
    "bilinear": _triangle,
    "trilinear": _triangle,
    "cubic": _keys_cubic,
    "bicubic": _keys_cubic,
    "tricubic": _keys_cubic,
    "lanczos3": _lanczos(3),
    "lanczos5": _lanczos(5),
}


def _weights(
    n_in: int,
    n_out: int,
    scale: torch.Tensor,
    shift: torch.Tensor,
    kernel: Callable,
    antialias: bool,
) -> torch.Tensor:
    """The `(n_in, n_out)` resampling matrix of one axis."""
    inv = 1.0 / scale
    width = torch.clamp(inv, min=1.0) if antialias else torch.ones_like(inv)
    dtype = scale.dtype
    sample = (torch.arange(n_out, dtype=dtype) + 0.5) * inv - shift * inv - 0.5
    w = kernel(
        (sample[None, :] - torch.arange(n_in, dtype=dtype)[:, None]).abs() / width
    )
    total = w.sum(dim=0, keepdim=True)
    eps = 1000.0 * float(torch.finfo(torch.float32).eps)
    w = torch.where(total.abs() > eps, w / torch.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= n_in - 0.5)
    return torch.where(inside[None, :], w, 0.0)


def scale_and_translate(
    images: Any,
    output_shape: Sequence[int],
    scale: Any,
    translation: Any,
    spatial_dims: Sequence[int],
    method: str,
    antialias: bool = True,
) -> torch.Tensor:
    """Resamples `spatial_dims` to `output_shape` with a scale and a translation.

    An output position `o` samples the input at `(o + 0.5 - translation) /
    scale - 0.5` with the `method` kernel (`"linear"`, `"cubic"`,
    `"lanczos3"`, `"lanczos5"` and their aliases), as `jax.image` does.
    """
    if method not in _KERNELS:
        raise ValueError(
            f"`method` must be one of {sorted(_KERNELS)}. Received: {method!r}"
        )
    x = to_tensor(images)
    scale, shift = float_tensor(scale), float_tensor(translation)
    shift = shift.to(torch.promote_types(scale.dtype, shift.dtype))
    scale = scale.to(shift.dtype)
    out = x.float() if not x.is_floating_point() else x
    for i, d in enumerate(spatial_dims):
        d %= x.ndim
        w = _weights(
            x.shape[d], output_shape[d], scale[i], shift[i], _KERNELS[method], antialias
        )
        out = torch.moveaxis(
            torch.tensordot(out, w.to(out.dtype), dims=([d], [0])), -1, d
        )
    if not x.is_floating_point():
        out = torch.clamp(torch.round(out), x.min(), x.max()).to(x.dtype)
    return out
