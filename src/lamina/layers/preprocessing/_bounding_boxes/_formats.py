"""Bounding-box formats and `convert_format` between them.

Every conversion goes through corners: the source is read into
`(x1, y1, x2, y2)` (left, top, right, bottom) and the target is written from
them. A `rel_` format holds the same four numbers divided by the image width
(x values) and height (y values).
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.ops import convert_to_tensor

SUPPORTED_FORMATS = (
    "xyxy",
    "yxyx",
    "xywh",
    "center_xywh",
    "center_yxhw",
    "rel_xyxy",
    "rel_yxyx",
    "rel_xywh",
    "rel_center_xywh",
)

Corners = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def _split(boxes: torch.Tensor) -> Corners:
    """The four `(..., 1)` columns of `(..., 4)` boxes."""
    a, b, c, d = torch.split(boxes, 1, dim=-1)
    return a, b, c, d


def _read_corners(boxes: torch.Tensor, fmt: str) -> Corners:
    """`(x1, y1, x2, y2)` of boxes in an absolute format `fmt`."""
    a, b, c, d = _split(boxes)
    if fmt == "xyxy":
        return a, b, c, d
    if fmt == "yxyx":
        return b, a, d, c
    if fmt == "xywh":
        return a, b, a + c, b + d
    if fmt == "center_xywh":
        return a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0
    # center_yxhw: (cy, cx, h, w)
    return b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0


def _write_corners(corners: Corners, fmt: str) -> torch.Tensor:
    """Boxes in the absolute format `fmt` from their corners."""
    x1, y1, x2, y2 = corners
    if fmt == "xyxy":
        parts = [x1, y1, x2, y2]
    elif fmt == "yxyx":
        parts = [y1, x1, y2, x2]
    elif fmt == "xywh":
        parts = [x1, y1, x2 - x1, y2 - y1]
    else:
        w, h = x2 - x1, y2 - y1
        cx, cy = x1 + w / 2.0, y1 + h / 2.0
        parts = [cx, cy, w, h] if fmt == "center_xywh" else [cy, cx, h, w]
    return torch.cat(parts, dim=-1)


def _to_pixels(corners: Corners, width: torch.Tensor, height: torch.Tensor) -> Corners:
    """Corners of a relative format in pixels (x values times `width`, y `height`)."""
    x1, y1, x2, y2 = corners
    return x1 * width, y1 * height, x2 * width, y2 * height


# Which image side divides each value of a format when it is made relative.
_SIDES = {"xyxy": "xyxy", "yxyx": "yxyx", "xywh": "xyxy", "center_xywh": "xyxy"}


def _to_relative(
    boxes: torch.Tensor, fmt: str, width: torch.Tensor, height: torch.Tensor
) -> torch.Tensor:
    """Boxes of an absolute format divided, value by value, by the image side."""
    sides = torch.stack([width if side == "x" else height for side in _SIDES[fmt]])
    return boxes / sides


def _check_formats(source: Any, target: Any) -> tuple[str, str]:
    if not isinstance(source, str) or not isinstance(target, str):
        raise ValueError(
            "`source` and `target` must be format strings, one of "
            f"{SUPPORTED_FORMATS}. Received: source={source!r}, target={target!r}"
        )
    source, target = source.lower(), target.lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(
            "Invalid source or target format. Supported formats: "
            f"{SUPPORTED_FORMATS}. Received: source={source!r}, target={target!r}"
        )
    return source, target


def as_boxes(boxes: Any, name: str = "boxes") -> torch.Tensor:
    """`boxes` as a tensor whose last dimension is 4, or a clear error."""
    boxes = convert_to_tensor(boxes)
    if boxes.ndim == 0 or boxes.shape[-1] != 4:
        raise ValueError(
            f"`{name}` must be a tensor with the last dimension of 4. "
            f"Received: {name}.shape={tuple(boxes.shape)}"
        )
    return boxes


def convert_format(
    boxes: Any,
    source: str,
    target: str,
    height: Any = None,
    width: Any = None,
    dtype: Any = "float32",
) -> Any:
    """Converts bounding boxes between formats.

    Formats (case-insensitive): `"xyxy"` [left, top, right, bottom], `"yxyx"`
    [top, left, bottom, right], `"xywh"` [left, top, width, height],
    `"center_xywh"` [center_x, center_y, width, height], `"center_yxhw"`
    [center_y, center_x, height, width], and `"rel_xyxy"`, `"rel_yxyx"`,
    `"rel_xywh"`, `"rel_center_xywh"`: the same divided by the image `width`
    (x values) and `height` (y values).

    Args:
        boxes: `(..., 4)` boxes (tensor, numpy array or list), or a dict whose
            `"boxes"` entry is converted; as in Keras, that dict is updated in
            place and returned.
        source: the format of `boxes`.
        target: the format to return.
        height: image height; needed when either format is relative.
        width: image width; needed when either format is relative.
        dtype: dtype of the result. Defaults to `"float32"`.

    Returns:
        A torch tensor of the converted boxes (or the updated dict).

    Raises:
        ValueError: for an unknown format, boxes whose last dimension is not 4,
            or a relative format without `height` and `width`.

    Example:
    >>> import numpy as np
    >>> convert_format(np.array([[10, 20, 30, 40]]), "xyxy", "xywh")
    tensor([[10., 20., 20., 20.]])
    """
    if isinstance(boxes, dict):
        boxes["boxes"] = convert_format(
            boxes["boxes"], source, target, height, width, dtype
        )
        return boxes
    boxes = as_boxes(boxes)
    source, target = _check_formats(source, target)
    relative = source.startswith("rel_") or target.startswith("rel_")
    if relative and (height is None or width is None):
        raise ValueError(
            "convert_format() must receive `height` and `width` when "
            "converting from or to a relative format. Received: "
            f"source={source!r}, target={target!r}, height={height}, width={width}."
        )
    boxes = boxes.to(convert_to_tensor(0, dtype).dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        source, target = source[4:], target[4:]
    if relative:
        h = torch.as_tensor(height, dtype=boxes.dtype, device=boxes.device)
        w = torch.as_tensor(width, dtype=boxes.dtype, device=boxes.device)
    # Relative values are scaled where Keras scales them (so results agree to
    # the bit): a relative source is read and then multiplied, a relative
    # target is written in pixels and then divided.
    corners = _read_corners(boxes, source.removeprefix("rel_"))
    if source.startswith("rel_"):
        corners = _to_pixels(corners, w, h)
    out = _write_corners(corners, target.removeprefix("rel_"))
    if target.startswith("rel_"):
        out = _to_relative(out, target[4:], w, h)
    return out
