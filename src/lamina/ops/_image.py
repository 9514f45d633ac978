"""Image ops: resizing, colour spaces, crops and pads, patches, filters, SSIM.

Images are `(height, width, channels)` or batched `(batch, height, width,
channels)`, or channels first with `data_format="channels_first"`.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import image_data_format
from lamina.ops._conv import conv
from lamina.ops._convert import float_tensor, to_tensor

_RESIZE_MODES = {
    "bilinear": "bilinear",
    "nearest": "nearest-exact",
    "bicubic": "bicubic",
}


def _fmt(data_format: Any) -> str:
    """The data format, `image_data_format()` by default, or a clear error."""
    fmt = data_format or image_data_format()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return fmt


def _batched(images: Any, name: str) -> tuple[torch.Tensor, bool]:
    """Images as a 4-D batch; whether a batch axis was added."""
    x = to_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"`{name}` needs images of rank 3 (one image) or 4 (a batch). "
            f"Received: images.shape={tuple(x.shape)}"
        )
    return (x.unsqueeze(0), True) if x.ndim == 3 else (x, False)


def _to_nchw(x: torch.Tensor, fmt: str) -> torch.Tensor:
    """A 4-D batch in (batch, channels, height, width)."""
    return x.permute(0, 3, 1, 2) if fmt == "channels_last" else x


def _from_nchw(x: torch.Tensor, fmt: str, squeeze: bool) -> torch.Tensor:
    """The inverse of `_to_nchw`, dropping an added batch axis."""
    x = x.permute(0, 2, 3, 1) if fmt == "channels_last" else x
    return x.squeeze(0) if squeeze else x


def _aspect_box(
    x: torch.Tensor, size: tuple[int, int], crop: bool, fill_value: float
) -> torch.Tensor:
    """Crops (or pads) an NCHW batch to the target aspect ratio, centred."""
    h, w = x.shape[-2:]
    th, tw = size
    if crop:
        ch = max(min(h, int(w * th / tw)), 1)
        cw = max(min(w, int(h * tw / th)), 1)
        top, left = int((h - ch) / 2), int((w - cw) / 2)
        return x[..., top : top + ch, left : left + cw]
    ph, pw = max(h, int(w * th / tw)), max(w, int(h * tw / th))
    top, left = int((ph - h) / 2), int((pw - w) / 2)
    return F.pad(x, (left, left, top, top), value=fill_value)


def resize(
    images: Any,
    size: Any,
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_mode: str = "constant",
    fill_value: float = 0.0,
    data_format: Any = None,
) -> torch.Tensor:
    """Resizes images to `size = (height, width)`.

    Args:
        images: 3-D or 4-D images.
        size: the target `(height, width)`.
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"`.
        antialias: low-pass filter when downsampling.
        crop_to_aspect_ratio: crop the centre to the target aspect ratio first.
        pad_to_aspect_ratio: pad (with `fill_value`) to the ratio first.
        fill_mode: only `"constant"`.
        fill_value: the padding value.
        data_format: `"channels_last"` or `"channels_first"`.

    Raises:
        ValueError: for bad sizes, modes or ranks.
    """
    if interpolation not in _RESIZE_MODES:
        raise ValueError(
            f"`interpolation` must be one of {sorted(_RESIZE_MODES)}. "
            f"Received: interpolation={interpolation!r}"
        )
    if fill_mode != "constant":
        raise ValueError(f"`fill_mode` must be 'constant'. Received: {fill_mode!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True."
        )
    if len(size) != 2:
        raise ValueError(f"`size` must be (height, width). Received: size={size}")
    fmt = _fmt(data_format)
    x, squeeze = _batched(images, "resize")
    dtype = x.dtype
    x = _to_nchw(x, fmt)
    if not x.is_floating_point():
        x = x.float()
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        x = _aspect_box(x, tuple(size), crop_to_aspect_ratio, fill_value)
    mode = _RESIZE_MODES[interpolation]
    smooth = mode != "nearest-exact"
    y = F.interpolate(
        x,
        size=tuple(int(s) for s in size),
        mode=mode,
        align_corners=False if smooth else None,
        antialias=antialias and smooth,
    )
    if not dtype.is_floating_point:
        y = torch.round(y).clamp(torch.iinfo(dtype).min, torch.iinfo(dtype).max)
    return _from_nchw(y.to(dtype), fmt, squeeze)


def _channel_axis(fmt: str) -> int:
    """The channel axis of 3-D or 4-D images."""
    return -1 if fmt == "channels_last" else -3


def rgb_to_grayscale(images: Any, data_format: Any = None) -> torch.Tensor:
    """Luma `0.2989 R + 0.587 G + 0.114 B`, keeping a channel axis of size 1."""
    fmt = _fmt(data_format)
    x, _ = _batched(images, "rgb_to_grayscale")
    x = to_tensor(images)
    axis = _channel_axis(fmt)
    if x.shape[axis] not in (1, 3):
        raise ValueError(
            "`rgb_to_grayscale` needs 3 (RGB) or 1 channels. "
            f"Received: images.shape={tuple(x.shape)}"
        )
    if x.shape[axis] == 1:
        return x.clone()
    r, g, b = x.unbind(axis)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(x.dtype).unsqueeze(axis)


def _float_images(images: Any, name: str) -> torch.Tensor:
    """Float images of rank 3 or 4."""
    _batched(images, name)
    x = to_tensor(images)
    if not x.is_floating_point():
        raise ValueError(
            f"`{name}` needs float images. Received: images.dtype={x.dtype}"
        )
    return x


def rgb_to_hsv(images: Any, data_format: Any = None) -> torch.Tensor:
    """RGB in [0, 1] to hue, saturation, value in [0, 1]."""
    x = _float_images(images, "rgb_to_hsv")
    axis = _channel_axis(_fmt(data_format))
    x = torch.where(x.abs() < torch.finfo(x.dtype).eps, torch.zeros_like(x), x)
    r, g, b = x.unbind(axis)
    value = torch.maximum(torch.maximum(r, g), b)
    spread = value - torch.minimum(torch.minimum(r, g), b)
    saturation = torch.where(
        value > 0, spread / torch.where(value > 0, value, 1.0), 0.0
    )
    norm = 1.0 / (6.0 * torch.where(spread > 0, spread, 1.0))
    hue = torch.where(
        value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0
    )
    hue = torch.where(value == r, norm * (g - b), hue)
    hue = torch.where(spread > 0, hue, 0.0)
    hue = hue + (hue < 0).to(hue.dtype)
    return torch.stack([hue, saturation, value], dim=axis)


def hsv_to_rgb(images: Any, data_format: Any = None) -> torch.Tensor:
    """Hue, saturation, value in [0, 1] to RGB in [0, 1]."""
    x = _float_images(images, "hsv_to_rgb")
    axis = _channel_axis(_fmt(data_format))
    hue, saturation, value = x.unbind(axis)
    sector = torch.remainder(hue, 1.0) * 6.0
    red = torch.clamp((sector - 3.0).abs() - 1.0, 0.0, 1.0)
    green = torch.clamp(2.0 - (sector - 2.0).abs(), 0.0, 1.0)
    blue = torch.clamp(2.0 - (sector - 4.0).abs(), 0.0, 1.0)
    grey = 1.0 - saturation
    planes = [value * (grey + saturation * c) for c in (red, green, blue)]
    return torch.stack(planes, dim=axis)


def _resolve_box(
    size: int, before: Any, after: Any, target: Any, names: tuple[str, str, str]
) -> tuple[int, int]:
    """(before, target) amounts from any two of before/after/target."""
    given = [v is not None for v in (before, after, target)]
    if sum(given) != 2:
        raise ValueError(
            f"Give exactly two of `{names[0]}`, `{names[1]}` and `{names[2]}`. "
            f"Received: {names[0]}={before}, {names[1]}={after}, {names[2]}={target}"
        )
    return before, after


def crop_images(
    images: Any,
    top_cropping: Any = None,
    left_cropping: Any = None,
    bottom_cropping: Any = None,
    right_cropping: Any = None,
    target_height: Any = None,
    target_width: Any = None,
    data_format: Any = None,
) -> torch.Tensor:
    """Crops images to a box given by two of (top, bottom, height) and (left, right, width).

    Raises:
        ValueError: when the box is under- or over-specified or negative.
    """
    fmt = _fmt(data_format)
    x, squeeze = _batched(images, "crop_images")
    x = _to_nchw(x, fmt)
    h, w = x.shape[-2:]
    top = _crop_start(
        h,
        top_cropping,
        bottom_cropping,
        target_height,
        "top_cropping",
        "bottom_cropping",
        "target_height",
    )
    left = _crop_start(
        w,
        left_cropping,
        right_cropping,
        target_width,
        "left_cropping",
        "right_cropping",
        "target_width",
    )
    return _from_nchw(
        x[..., top[0] : top[0] + top[1], left[0] : left[0] + left[1]], fmt, squeeze
    )


def _crop_start(
    size: int, start: Any, end: Any, target: Any, *names: str
) -> tuple[int, int]:
    """(start, length) of a crop along one axis."""
    _resolve_box(size, start, end, target, names)
    if start is None:
        start = size - target - end
    if target is None:
        target = size - end - start
    if start < 0 or target < 0 or start + target > size:
        raise ValueError(
            f"The crop does not fit: `{names[0]}`={start}, length={target} on an axis "
            f"of size {size}."
        )
    return int(start), int(target)


def pad_images(
    images: Any,
    top_padding: Any = None,
    left_padding: Any = None,
    bottom_padding: Any = None,
    right_padding: Any = None,
    target_height: Any = None,
    target_width: Any = None,
    data_format: Any = None,
) -> torch.Tensor:
    """Zero-pads images, given two of (top, bottom, height) and (left, right, width).

    Raises:
        ValueError: when the padding is under- or over-specified or negative.
    """
    fmt = _fmt(data_format)
    x, squeeze = _batched(images, "pad_images")
    x = _to_nchw(x, fmt)
    h, w = x.shape[-2:]
    top, bottom = _pad_amounts(
        h,
        top_padding,
        bottom_padding,
        target_height,
        "top_padding",
        "bottom_padding",
        "target_height",
    )
    left, right = _pad_amounts(
        w,
        left_padding,
        right_padding,
        target_width,
        "left_padding",
        "right_padding",
        "target_width",
    )
    return _from_nchw(F.pad(x, (left, right, top, bottom)), fmt, squeeze)


def _pad_amounts(
    size: int, before: Any, after: Any, target: Any, *names: str
) -> tuple[int, int]:
    """(before, after) padding along one axis."""
    _resolve_box(size, before, after, target, names)
    if before is None:
        before = target - after - size
    if after is None:
        after = target - before - size
    if before < 0 or after < 0:
        raise ValueError(
            f"Padding must be >= 0. Received: {names[0]}={before}, {names[1]}={after}"
        )
    return int(before), int(after)


def _patches(
    x: torch.Tensor,
    size: tuple[int, ...],
    strides: Any,
    dilation_rate: Any,
    padding: str,
    fmt: str,
) -> torch.Tensor:
    """Patches as channels by an identity-kernel convolution, in (*size, C) order."""
    channels = x.shape[-1] if fmt == "channels_last" else x.shape[1]
    depth = channels
    for s in size:
        depth *= s
    kernel = torch.eye(depth, dtype=x.dtype, device=x.device)
    kernel = kernel.reshape(*size, channels, depth)
    return conv(x, kernel, strides or size, padding, fmt, dilation_rate)


def extract_patches(
    images: Any,
    size: Any,
    strides: Any = None,
    dilation_rate: Any = 1,
    padding: str = "valid",
    data_format: Any = None,
) -> torch.Tensor:
    """Patches of `size` every `strides` (default: `size`), flattened into channels.

    A 3-tuple `size` extracts 3-D patches from volumes (`extract_patches_3d`).

    Returns:
        `(batch, rows, cols, size_h * size_w * channels)` for channels-last
        images; the patch values are ordered (row, column, channel).
    """
    if not isinstance(size, int) and len(size) == 3:
        return extract_patches_3d(
            images, size, strides, dilation_rate, padding, data_format
        )
    size = (size, size) if isinstance(size, int) else tuple(size)
    if len(size) != 2:
        raise TypeError(f"`size` must be an int or 2 ints. Received: size={size}")
    x, squeeze = _batched(float_tensor(images), "extract_patches")
    out = _patches(x, size, strides, dilation_rate, padding, _fmt(data_format))
    return out.squeeze(0) if squeeze else out


def extract_patches_3d(
    volumes: Any,
    size: Any,
    strides: Any = None,
    dilation_rate: Any = 1,
    padding: str = "valid",
    data_format: Any = None,
) -> torch.Tensor:
    """3-D patches of volumes `(batch, d, h, w, c)`, flattened into channels."""
    size = (size,) * 3 if isinstance(size, int) else tuple(size)
    if len(size) != 3:
        raise TypeError(f"`size` must be an int or 3 ints. Received: size={size}")
    x = float_tensor(volumes)
    squeeze = x.ndim == 4
    x = x.unsqueeze(0) if squeeze else x
    out = _patches(x, size, strides, dilation_rate, padding, _fmt(data_format))
    return out.squeeze(0) if squeeze else out


def _gaussian_1d(
    size: int, sigma: Any, dtype: torch.dtype, device: Any
) -> torch.Tensor:
    """A normalized 1-D Gaussian of `size` taps."""
    x = torch.arange(size, dtype=dtype, device=device) - (size - 1) / 2
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


def gaussian_blur(
    images: Any,
    kernel_size: Any = (3, 3),
    sigma: Any = (1.0, 1.0),
    data_format: Any = None,
) -> torch.Tensor:
    """Blurs each channel with a Gaussian of `kernel_size` and `sigma` (zero padding)."""
    fmt = _fmt(data_format)
    x, squeeze = _batched(float_tensor(images), "gaussian_blur")
    x = _to_nchw(x, fmt)
    kh, kw = (int(k) for k in kernel_size)
    sh, sw = (float(s) for s in sigma)
    kernel = torch.outer(
        _gaussian_1d(kw, sw, x.dtype, x.device), _gaussian_1d(kh, sh, x.dtype, x.device)
    ).reshape(kh, kw)
    c = x.shape[1]
    out = F.conv2d(x, kernel.expand(c, 1, kh, kw), padding=kh // 2, groups=c)
    return _from_nchw(out, fmt, squeeze)


def sobel_edges(images: Any, data_format: Any = None) -> torch.Tensor:
    """Sobel gradients: `(..., 2)` holding (dy, dx) for each channel."""
    fmt = _fmt(data_format)
    x = _to_nchw(float_tensor(images), fmt)
    dx = torch.tensor(
        [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=x.dtype, device=x.device
    )
    c = x.shape[1]
    grads = [F.conv2d(x, k.expand(c, 1, 3, 3), padding=1, groups=c) for k in (dx.T, dx)]
    edges = torch.stack(grads, dim=-1)  # (N, C, H, W, 2)
    return edges.permute(0, 2, 3, 1, 4) if fmt == "channels_last" else edges


def ssim(
    image1: Any,
    image2: Any,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
    data_format: Any = None,
) -> torch.Tensor:
    """Structural similarity of two images (per image; 1 for identical images).

    Local statistics use a `filter_size` Gaussian window without padding;
    the SSIM map is averaged over space and channels.
    """
    fmt = _fmt(data_format)
    a, squeeze = _batched(float_tensor(image1), "ssim")
    b, _ = _batched(float_tensor(image2), "ssim")
    a, b = _to_nchw(a, fmt), _to_nchw(b.to(a.dtype), fmt)
    n, c, h, w = a.shape
    g = _gaussian_1d(filter_size, filter_sigma, a.dtype, a.device)
    window = torch.outer(g, g)[None, None]

    def blur(t: torch.Tensor) -> torch.Tensor:
        return F.conv2d(t.reshape(n * c, 1, h, w), window)

    mu1, mu2 = blur(a), blur(b)
    var1 = blur(a * a) - mu1 * mu1
    var2 = blur(b * b) - mu2 * mu2
    cov = blur(a * b) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    score = ((2 * mu1 * mu2 + c1) * (2 * cov + c2)) / (
        (mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2)
    )
    out = score.mean(dim=(1, 2, 3)).reshape(n, c).mean(dim=-1)
    return out.squeeze(0) if squeeze else out
