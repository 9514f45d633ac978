"""Affine resampling of image batches, with Keras's fill modes and index rules.

A transform `[a0, a1, a2, b0, b1, b2, c0, c1]` maps an output pixel `(x, y)`
(column, row) to the input point `(a0 x + a1 y + a2, b0 x + b1 y + b2)`. The
value there is interpolated from its neighbouring pixels (nearest: the rounded
point; bilinear: four neighbours); a neighbour outside the image is read
according to `fill_mode`:

- `"reflect"`: `(d c b a | a b c d | d c b a)`;
- `"mirror"`: `(d c b | a b c d | c b a)`;
- `"wrap"`: `(a b c d | a b c d | a b c d)`;
- `"nearest"`: `(a a a a | a b c d | d d d d)`;
- `"constant"`: `fill_value`.

Everything runs as tensor gathers on the images' device.
"""

from __future__ import annotations

import torch

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _mirror(index: torch.Tensor, size: int) -> torch.Tensor:
    s = size - 1
    if s == 0:
        return torch.zeros_like(index)
    return ((index + s) % (2 * s) - s).abs()


def _reflect(index: torch.Tensor, size: int) -> torch.Tensor:
    return torch.div(_mirror(2 * index + 1, 2 * size + 1) - 1, 2, rounding_mode="floor")


def _fix(index: torch.Tensor, size: int, fill_mode: str) -> torch.Tensor:
    if fill_mode == "reflect":
        return _reflect(index, size)
    if fill_mode == "mirror":
        return _mirror(index, size)
    if fill_mode == "wrap":
        return index % size
    return index.clamp(0, size - 1)


def _nodes(coord: torch.Tensor, interpolation: str) -> list:
    """(integer index, weight) pairs of a coordinate's interpolation."""
    if interpolation == "nearest":
        return [(torch.round(coord).long(), None)]
    lower = torch.floor(coord)
    upper_weight = coord - lower
    index = lower.long()
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def sample(
    images: torch.Tensor,
    x_in: torch.Tensor,
    y_in: torch.Tensor,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> torch.Tensor:
    """Reads channels-last `images` `(B, H, W, C)` at the points `(x_in, y_in)`
    (each `(B, H, W)`, in pixels) with Keras's neighbour and fill rules."""
    B, H, W, C = images.shape  # batch, height, width, channels
    flat = images.reshape(B, H * W, C)
    out = torch.zeros_like(images)
    for iy, wy in _nodes(y_in, interpolation):
        for ix, wx in _nodes(x_in, interpolation):
            fy, fx = _fix(iy, H, fill_mode), _fix(ix, W, fill_mode)
            idx = (fy * W + fx).reshape(B, H * W, 1).expand(B, H * W, C)
            vals = torch.gather(flat, 1, idx).reshape(B, H, W, C)
            if fill_mode == "constant":
                valid = (iy >= 0) & (iy < H) & (ix >= 0) & (ix < W)
                vals = torch.where(
                    valid[..., None], vals, torch.full_like(vals, fill_value)
                )
            weight = 1.0 if wy is None else (wy * wx)[..., None]
            out = out + weight * vals
    return out


def affine_transform(
    images: torch.Tensor,
    transform: torch.Tensor,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
    projective: bool = False,
) -> torch.Tensor:
    """Resamples channels-last `images` `(B, H, W, C)` by `transform` `(B, 8)`.

    The last two entries are used only when `projective` (Keras's affine
    transform ignores them; its perspective transform divides by them)."""
    H, W = images.shape[1], images.shape[2]
    dtype, device = images.dtype, images.device
    t = transform.to(dtype)[:, :, None, None]  # (B, 8, 1, 1)
    ys = torch.arange(H, dtype=dtype, device=device)[:, None]
    xs = torch.arange(W, dtype=dtype, device=device)[None, :]
    x_in = t[:, 0] * xs + t[:, 1] * ys + t[:, 2]  # (B, H, W)
    y_in = t[:, 3] * xs + t[:, 4] * ys + t[:, 5]
    if projective:  # perspective: divide by `c0 x + c1 y + 1`
        k = t[:, 6] * xs + t[:, 7] * ys + 1.0
        x_in, y_in = x_in / k, y_in / k
    return sample(images, x_in, y_in, interpolation, fill_mode, fill_value)
