"""Boxes following the image: clipping, cropping, padding and affine warps."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.layers.preprocessing._bounding_boxes._formats import as_boxes
from lamina.ops import convert_to_tensor


def _only_xyxy(function: str, bounding_box_format: Any) -> None:
    if bounding_box_format != "xyxy":
        raise NotImplementedError(
            f"`{function}` supports only bounding_box_format='xyxy'. Received: "
            f"bounding_box_format={bounding_box_format!r}. Convert the boxes "
            "first with `keras.utils.bounding_boxes.convert_format`."
        )


def _cat(*columns: torch.Tensor) -> torch.Tensor:
    return torch.cat(columns, dim=-1)


def _clip(x: torch.Tensor, high: Any) -> torch.Tensor:
    """`x` clipped to `[0, high]`, in `x`'s dtype."""
    high = torch.as_tensor(high, device=x.device).to(x.dtype)
    return torch.minimum(torch.clamp(x, min=0), high)


def clip_to_image_size(
    bounding_boxes: dict,
    height: Any = None,
    width: Any = None,
    bounding_box_format: str = "xyxy",
) -> dict:
    """Clips boxes to the image; boxes left with no area get label `-1`.

    Args:
        bounding_boxes: a dict with `"boxes"` of shape `(N, 4)` or
            `(batch, N, 4)` and, optionally, `"labels"` of shape `(N,)` or
            `(batch, N)`.
        height: image height (needed for `"xyxy"`).
        width: image width (needed for `"xyxy"`).
        bounding_box_format: `"xyxy"` (clip to `[0, width]` x `[0, height]`) or
            `"rel_xyxy"` (clip to `[0, 1]`). Defaults to `"xyxy"`.

    Returns:
        A new dict (the input is left as it was) with the clipped boxes, in
        their own dtype, and the updated labels.

    Raises:
        NotImplementedError: for any other format.
        ValueError: for `"xyxy"` without `height` and `width`.
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(
            "`clip_to_image_size` supports bounding_box_format 'xyxy' and "
            f"'rel_xyxy'. Received: bounding_box_format={bounding_box_format!r}"
        )
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError(
            "`height` and `width` must be set if `format='xyxy'`. "
            f"Received: height={height}, width={width}"
        )
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes:
        raise TypeError(
            "`bounding_boxes` must be a dict with a 'boxes' entry (and optionally "
            f"'labels'). Received: {type(bounding_boxes).__name__}"
        )
    boxes = as_boxes(bounding_boxes["boxes"])
    if bounding_box_format == "rel_xyxy":
        height = width = 1.0
    x1, y1, x2, y2 = torch.split(boxes, 1, dim=-1)
    x1, x2 = _clip(x1, width), _clip(x2, width)
    y1, y2 = _clip(y1, height), _clip(y2, height)
    result = dict(bounding_boxes)
    result["boxes"] = _cat(x1, y1, x2, y2)
    labels = bounding_boxes.get("labels")
    if labels is not None:
        labels = convert_to_tensor(labels)
        area = ((x2 - x1) * (y2 - y1)).squeeze(-1)
        result["labels"] = torch.where(area > 0, labels.to(area.device), -1)
    return result


def crop(
    boxes: Any,
    top: Any,
    left: Any,
    height: Any,
    width: Any,
    bounding_box_format: str = "xyxy",
) -> torch.Tensor:
    """Boxes in the coordinates of a crop, clipped to it.

    The crop starts at `(top, left)` and is `height` x `width`: each box moves
    by `(-left, -top)` and is clipped to `[0, width]` x `[0, height]`.

    Args:
        boxes: `(N, 4)` or `(batch, N, 4)` boxes.
        top: vertical offset of the crop.
        left: horizontal offset of the crop.
        height: height of the crop.
        width: width of the crop.
        bounding_box_format: only `"xyxy"`. Defaults to `"xyxy"`.

    Returns:
        The cropped boxes, a torch tensor.

    Raises:
        NotImplementedError: for a format other than `"xyxy"`.

    Example:
    >>> import numpy as np
    >>> crop(np.array([[10, 20, 50, 60]]), top=10, left=20, height=40, width=30)
    tensor([[ 0, 10, 30, 40]])
    """
    _only_xyxy("crop", bounding_box_format)
    x1, y1, x2, y2 = torch.split(as_boxes(boxes), 1, dim=-1)

    def clip(x: torch.Tensor, high: Any) -> torch.Tensor:
        # Unlike clip_to_image_size, float bounds promote integer boxes (as Keras).
        if not isinstance(high, (int, float)):
            high = convert_to_tensor(high).to(x.device)
        return torch.clamp(torch.clamp(x, min=0), max=high)

    return _cat(
        clip(x1 - left, width),
        clip(y1 - top, height),
        clip(x2 - left, width),
        clip(y2 - top, height),
    )


def pad(
    boxes: Any,
    top: Any,
    left: Any,
    height: Any = None,
    width: Any = None,
    bounding_box_format: str = "xyxy",
) -> torch.Tensor:
    """Boxes moved by the padding added above (`top`) and left of (`left`) the image.

    Args:
        boxes: `(N, 4)` or `(batch, N, 4)` boxes.
        top: rows of padding added above the image.
        left: columns of padding added left of the image.
        height: unused (Keras takes it too). Defaults to `None`.
        width: unused (Keras takes it too). Defaults to `None`.
        bounding_box_format: only `"xyxy"`. Defaults to `"xyxy"`.

    Returns:
        The moved boxes, a torch tensor.

    Raises:
        NotImplementedError: for a format other than `"xyxy"`.
    """
    _only_xyxy("pad", bounding_box_format)
    x1, y1, x2, y2 = torch.split(as_boxes(boxes), 1, dim=-1)
    return _cat(x1 + left, y1 + top, x2 + left, y2 + top)


def _per_image(
    value: Any, batch: int, like: torch.Tensor, device: torch.device
) -> torch.Tensor:
    """A transform parameter as a `(batch,)` float tensor (scalars broadcast)."""
    value = convert_to_tensor(value)
    if not value.is_floating_point():
        value = value.to(like.dtype if like.is_floating_point() else torch.float32)
    value = value.to(device)
    if value.ndim == 0:
        return value.expand(batch)
    return value.reshape(-1).expand(batch) if value.numel() == 1 else value


def _affine_matrix(params: dict, height: Any, width: Any) -> torch.Tensor:
    """`(B, 2, 3)` matrices taking box corners where the image warp takes pixels.

    Angles and shears are in degrees, translations and centres fractions of
    `size - 1` pixels; the rotation-shear block has determinant 1 before
    scaling, so its inverse is written out by hand.
    """
    rad = math.pi / 180.0
    rot = -params["angle"] * rad
    sx, sy = -params["shear_x"] * rad, -params["shear_y"] * rad
    cx, cy = params["center_x"] * (width - 1), params["center_y"] * (height - 1)
    tx, ty = -params["translate_x"] * (width - 1), -params["translate_y"] * (height - 1)
    a = torch.cos(rot - sy) / torch.cos(sy)
    b = a * torch.tan(sx) + torch.sin(rot)
    c = -torch.sin(rot - sy) / torch.cos(sy)
    d = torch.cos(rot) - c * torch.tan(sx)
    s = params["scale"]
    m00, m01, m10, m11 = d * s, -b * s, -c * s, a * s
    m02 = cx - m00 * (cx + tx) - m01 * (cy + ty)
    m12 = cy - m10 * (cx + tx) - m11 * (cy + ty)
    rows = [torch.stack([m00, m01, m02], -1), torch.stack([m10, m11, m12], -1)]
    return torch.stack(rows, dim=-2)


def affine_transform(
    boxes: Any,
    angle: Any,
    translate_x: Any,
    translate_y: Any,
    scale: Any,
    shear_x: Any,
    shear_y: Any,
    height: Any,
    width: Any,
    center_x: Any = None,
    center_y: Any = None,
    bounding_box_format: str = "xyxy",
) -> torch.Tensor:
    """Boxes after the affine warp that Keras's image augmentations apply.

    The four corners of each box are transformed and the result is the
    axis-aligned box around them.

    Args:
        boxes: `(batch, N, 4)` or `(N, 4)` boxes.
        angle: rotation in degrees, a scalar or one per image `(batch,)`.
        translate_x: horizontal shift, a fraction of the width.
        translate_y: vertical shift, a fraction of the height.
        scale: scale factor.
        shear_x: shear angle along x, in degrees.
        shear_y: shear angle along y, in degrees.
        height: image height.
        width: image width.
        center_x: x of the centre of the warp, a fraction. Defaults to 0.5.
        center_y: y of the centre of the warp, a fraction. Defaults to 0.5.
        bounding_box_format: only `"xyxy"`. Defaults to `"xyxy"`.

    Returns:
        The transformed boxes, with the shape of `boxes`, in the parameters'
        float dtype.

    Raises:
        NotImplementedError: for a format other than `"xyxy"`.
    """
    _only_xyxy("affine_transform", bounding_box_format)
    boxes = as_boxes(boxes)
    unbatched = boxes.ndim == 2
    if unbatched:
        boxes = boxes[None]
    like = convert_to_tensor(angle)
    values = {
        "angle": angle,
        "translate_x": translate_x,
        "translate_y": translate_y,
        "scale": scale,
        "shear_x": shear_x,
        "shear_y": shear_y,
        "center_x": 0.5 if center_x is None else center_x,
        "center_y": 0.5 if center_y is None else center_y,
    }
    batch = boxes.shape[0]
    params = {k: _per_image(v, batch, like, boxes.device) for k, v in values.items()}
    matrix = _affine_matrix(params, height, width)  # (B, 2, 3)
    boxes = boxes.to(matrix.dtype)
    x1, y1, x2, y2 = boxes.unbind(-1)
    xs = torch.stack([x1, x2, x2, x1], dim=-1)  # (B, N, 4 corners)
    ys = torch.stack([y1, y1, y2, y2], dim=-1)
    points = torch.stack([xs, ys, torch.ones_like(xs)], dim=-1)  # (B, N, 4, 3)
    moved = torch.einsum("bnkj,bij->bnki", points, matrix)  # (B, N, 4, 2)
    out = torch.cat([moved.amin(dim=2), moved.amax(dim=2)], dim=-1)
    return out[0] if unbatched else out
