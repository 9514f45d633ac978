"""Overlap of boxes: pairwise IoU tables and the complete IoU (CIoU)."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.backend import epsilon
from lamina.layers.preprocessing._bounding_boxes._formats import (
    as_boxes,
    convert_format,
)


def image_size(image_shape: Any) -> tuple[Any, Any]:
    """`(height, width)` from an `image_shape` of `(height, width, channels)`."""
    if image_shape is None:
        return None, None
    if len(image_shape) != 3:
        raise ValueError(
            "`image_shape` must be (height, width, channels). "
            f"Received: image_shape={image_shape}"
        )
    return image_shape[0], image_shape[1]


def _check_rank(name: str, rank: int, other: str, other_rank: int) -> None:
    if rank not in (2, 3):
        raise ValueError(
            f"compute_iou() expects {name} to be batched, or to be unbatched. "
            f"Received: len({name}.shape)={rank}, len({other}.shape)={other_rank}. "
            f"Expected len({name}.shape) to be 2 (N, 4) or 3 (batch, N, 4)."
        )


def _relative_needs_shape(bounding_box_format: str, image_shape: Any) -> None:
    if "rel" in bounding_box_format.lower() and image_shape is None:
        raise ValueError(
            "When using relative bounding box formats (e.g. `rel_yxyx`) "
            "the `image_shape` argument must be provided. "
            f"Received: image_shape={image_shape}"
        )


def compute_iou(
    boxes1: Any,
    boxes2: Any,
    bounding_box_format: str,
    use_masking: bool = False,
    mask_val: Any = -1,
    image_shape: Any = None,
) -> torch.Tensor:
    """Pairwise intersection over union of two sets of boxes.

    `(M, 4)` and `(N, 4)` give `(M, N)`; if either is batched
    (`(batch, ., 4)`) the result is `(batch, M, N)`.

    Args:
        boxes1: boxes, batched or not.
        boxes2: boxes, batched or not.
        bounding_box_format: the format of both (see `convert_format`).
        use_masking: whether pairs where either box has all four values below
            0 (padding boxes) get `mask_val` instead. Defaults to `False`.
        mask_val: the value of masked pairs. Defaults to `-1`.
        image_shape: `(height, width, channels)`, needed for relative formats.

    Returns:
        The IoU table, a float32 torch tensor.

    Raises:
        ValueError: for boxes of rank other than 2 or 3, or a relative format
            without `image_shape`.
    """
    boxes1, boxes2 = as_boxes(boxes1, "boxes1"), as_boxes(boxes2, "boxes2")
    _check_rank("boxes1", boxes1.ndim, "boxes2", boxes2.ndim)
    _check_rank("boxes2", boxes2.ndim, "boxes1", boxes1.ndim)
    _relative_needs_shape(bounding_box_format, image_shape)
    height, width = image_size(image_shape)
    a = convert_format(boxes1, bounding_box_format, "xyxy", height, width)
    b = convert_format(boxes2, bounding_box_format, "xyxy", height, width)
    a1, b1 = a[..., :, None, :], b[..., None, :, :]  # (.., M, 1, 4), (.., 1, N, 4)
    lo = torch.maximum(a1[..., :2], b1[..., :2])
    hi = torch.minimum(a1[..., 2:], b1[..., 2:])
    inter = (hi - lo).clamp(min=0).prod(dim=-1)
    area_a = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1]))[..., :, None]
    area_b = ((b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]))[..., None, :]
    iou = inter / (area_a + area_b - inter + epsilon())
    if not use_masking:
        return iou
    padding = (a.amax(dim=-1) < 0)[..., :, None] | (b.amax(dim=-1) < 0)[..., None, :]
    return torch.where(padding, float(mask_val), iou)


def compute_ciou(
    boxes1: Any, boxes2: Any, bounding_box_format: str, image_shape: Any = None
) -> torch.Tensor:
    """Complete IoU of matching boxes: IoU less centre-distance and aspect terms.

    `CIoU = IoU - d^2 / c^2 - alpha * v`, with `d` the distance between the
    box centres, `c` the diagonal of the smallest box holding both,
    `v = 4 / pi^2 * (atan(w2 / h2) - atan(w1 / h1))^2` and
    `alpha = v / (v - IoU + 1)`. Boxes pair up element by element
    (broadcasting), not in a table.

    Args:
        boxes1: `(..., 4)` boxes.
        boxes2: `(..., 4)` boxes.
        bounding_box_format: the format of both (see `convert_format`).
        image_shape: `(height, width, channels)`, needed for relative formats
            (Keras refuses relative formats here; lamina converts them).

    Returns:
        The CIoU of each pair, shape `(...)`.

    Raises:
        ValueError: for a relative format without `image_shape`.
    """
    _relative_needs_shape(bounding_box_format, image_shape)
    height, width = image_size(image_shape)
    a = convert_format(boxes1, bounding_box_format, "xyxy", height, width)
    b = convert_format(boxes2, bounding_box_format, "xyxy", height, width)
    eps = epsilon()
    ax1, ay1, ax2, ay2 = a.unbind(-1)
    bx1, by1, bx2, by2 = b.unbind(-1)
    w1, h1 = ax2 - ax1, ay2 - ay1 + eps
    w2, h2 = bx2 - bx1, by2 - by1 + eps
    inter_w = (torch.minimum(ax2, bx2) - torch.maximum(ax1, bx1)).clamp(min=0)
    inter_h = (torch.minimum(ay2, by2) - torch.maximum(ay1, by1)).clamp(min=0)
    inter = inter_w * inter_h
    union = w1 * h1 + w2 * h2 - inter + eps
    iou = inter / (union + eps)
    hull_w = torch.maximum(ax2, bx2) - torch.minimum(ax1, bx1)
    hull_h = torch.maximum(ay2, by2) - torch.minimum(ay1, by1)
    diagonal = hull_w**2 + hull_h**2 + eps
    centres = ((ax1 + ax2) / 2 - (bx1 + bx2) / 2) ** 2 + (
        (ay1 + ay2) / 2 - (by1 + by2) / 2
    ) ** 2
    v = (4 / math.pi**2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)) ** 2
    alpha = v / (v - iou + (1 + eps))
    return iou - (centres / diagonal + v * alpha)
