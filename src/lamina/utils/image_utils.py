"""Image files and arrays: `load_img`, `img_to_array`, `array_to_img`, `save_img`,
`smart_resize`. Pillow (an optional dependency) reads and writes the files.
"""

from __future__ import annotations

import io
import os
import pathlib
import warnings
from typing import Any

import numpy as np
import torch

from lamina import backend

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil() -> Any:
    try:
        # Pillow is an optional dependency: deferred until an image is touched.
        from PIL import Image
    except ImportError as err:
        raise ImportError(
            "Image files are read and written with Pillow: `pip install pillow`."
        ) from err
    return Image


def _data_format(data_format: str | None) -> str:
    fmt = data_format or backend.image_data_format()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return fmt


def load_img(
    path: Any,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Any:
    """Loads an image file as a PIL image, converted and optionally resized.

    Args:
        path: a path or an `io.BytesIO`.
        color_mode: "grayscale", "rgb" or "rgba".
        target_size: `(height, width)`, or None to keep the size.
        interpolation: Pillow's resampling: "nearest", "bilinear", "bicubic",
            "hamming", "box" or "lanczos".
        keep_aspect_ratio: centre-crop to the target aspect ratio first.

    Returns:
        A `PIL.Image.Image`.
    """
    image = _pil()
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (str, bytes, pathlib.Path, os.PathLike)):
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    img = _convert(img, color_mode)
    if target_size is None:
        return img
    size = (int(target_size[1]), int(target_size[0]))  # PIL sizes are (w, h)
    if img.size == size:
        return img
    if interpolation not in _RESAMPLING:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported "
            f"methods are {', '.join(_RESAMPLING)}"
        )
    resample = getattr(image.Resampling, interpolation.upper())
    box = _crop_box(img.size, size) if keep_aspect_ratio else None
    return img.resize(size, resample, box=box)


def _convert(img: Any, color_mode: str) -> Any:
    if color_mode == "grayscale":
        # 16- and 32-bit grayscale stay as they are; anything else becomes 8-bit.
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    if color_mode in ("rgb", "rgba"):
        mode = color_mode.upper()
        return img if img.mode == mode else img.convert(mode)
    raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')


def _crop_box(size: tuple[int, int], target: tuple[int, int]) -> list[int]:
    """The centred box of `size` (w, h) with the aspect ratio of `target` (w, h)."""
    width, height = size
    crop_h = min(height, width * target[1] // target[0])
    crop_w = min(width, height * target[0] // target[1])
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return [left, top, left + crop_w, top + crop_h]


def img_to_array(
    img: Any, data_format: str | None = None, dtype: Any = None
) -> np.ndarray:
    """A PIL image as a `(height, width, channels)` array (floatx by default)."""
    fmt = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 2:
        x = x[None] if fmt == "channels_first" else x[..., None]
    elif x.ndim == 3:
        if fmt == "channels_first":
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def array_to_img(
    x: Any, data_format: str | None = None, scale: bool = True, dtype: Any = None
) -> Any:
    """A `(height, width, channels)` array as a PIL image.

    With `scale`, values are shifted and stretched to fill 0-255 first.
    """
    image = _pil()
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(
            "Expected image array to have rank 3 (single image). Got array with "
            f"shape: {x.shape}"
        )
    if _data_format(data_format) == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - x.min()
        top = x.max()
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if x.max() > 255:  # 32-bit integer grayscale
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def save_img(
    path: Any,
    x: Any,
    data_format: str | None = None,
    file_format: str | None = None,
    scale: bool = True,
    **kwargs: Any,
) -> None:
    """Saves an array as an image file (format from the file name by default)."""
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn(
            "The JPEG format does not support RGBA images, converting to RGB.",
            stacklevel=2,
        )
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def smart_resize(
    x: Any,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    data_format: str = "channels_last",
    **kwargs: Any,
) -> Any:
    """Resizes images to `size` without distortion: centre-crop to the target
    aspect ratio, then resize. Takes one image (rank 3) or a batch (rank 4).

    Returns:
        A numpy array for numpy input, else a torch tensor.
    """
    modes = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}
    if interpolation not in modes:
        raise ValueError(
            f"`interpolation` must be one of {sorted(modes)}. "
            f"Received: interpolation={interpolation}"
        )
    is_numpy = not isinstance(x, torch.Tensor)
    t = torch.as_tensor(np.asarray(x) if is_numpy else x)
    if t.ndim not in (3, 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            f"`(batch_size, height, width, channels)`, but got input with "
            f"incorrect rank, of shape {tuple(t.shape)}."
        )
    batch = t if t.ndim == 4 else t[None]
    if data_format == "channels_last":
        batch = batch.permute(0, 3, 1, 2)
    out = _crop_and_resize(batch, size, modes[interpolation])
    if data_format == "channels_last":
        out = out.permute(0, 2, 3, 1)
    out = out if t.ndim == 4 else out[0]
    return out.numpy() if is_numpy else out


def _crop_and_resize(batch: torch.Tensor, size: Any, mode: str) -> torch.Tensor:
    height, width = batch.shape[-2:]  # batch: (N, C, H, W)
    th, tw = int(size[0]), int(size[1])
    ch = max(min(height, int(width * th / tw)), 1)
    cw = max(min(width, int(height * tw / th)), 1)
    top, left = int((height - ch) / 2), int((width - cw) / 2)
    crop = batch[:, :, top : top + ch, left : left + cw]
    if not crop.is_floating_point():
        crop = crop.float()
    kwargs = {"align_corners": False} if mode in ("bilinear", "bicubic") else {}
    return torch.nn.functional.interpolate(crop, size=(th, tw), mode=mode, **kwargs)
