"""Boxes as offsets from anchors (the regression targets of detectors), and back."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import epsilon
from lamina.layers.preprocessing._bounding_boxes._formats import convert_format
from lamina.layers.preprocessing._bounding_boxes._iou import image_size
from lamina.ops import convert_to_tensor

_CENTRE_FORMATS = ("center_xywh", "center_yxhw")


def _variance(variance: Any) -> torch.Tensor | None:
    if variance is None:
        return None
    variance = convert_to_tensor(variance, "float32")
    if variance.ndim == 0 or variance.shape[-1] != 4:
        raise ValueError(f"`variance` must be length 4, got {variance}")
    return variance


def _check_centre_format(name: str, value: Any) -> None:
    if value not in _CENTRE_FORMATS:
        raise ValueError(
            f"`{name}` should be one of 'center_xywh' or 'center_yxhw'. "
            f"Received: {name}={value!r}"
        )


def encode_box_to_deltas(
    anchors: Any,
    boxes: Any,
    anchor_format: str,
    box_format: str,
    encoding_format: str = "center_yxhw",
    variance: Any = None,
    image_shape: Any = None,
) -> torch.Tensor:
    """Encodes boxes as deltas from anchors.

    With anchors and boxes in a centre format (`encoding_format`), the deltas
    are `(box_centre - anchor_centre) / anchor_size` and
    `log(box_size / anchor_size)` (sizes floored at `epsilon()`), divided by
    `variance` when given.

    Args:
        anchors: `(N, 4)` anchors.
        boxes: `(N, 4)` or `(batch, N, 4)` boxes.
        anchor_format: the format of `anchors`.
        box_format: the format of `boxes`.
        encoding_format: `"center_yxhw"` (default) or `"center_xywh"`.
        variance: 4 factors dividing the deltas. Defaults to `None`.
        image_shape: `(height, width, channels)`, for relative formats.

    Returns:
        The deltas, a float32 tensor shaped like `boxes`.

    Raises:
        ValueError: if `variance` is not of length 4, or `encoding_format` is
            not a centre format.
    """
    variance = _variance(variance)
    _check_centre_format("encoding_format", encoding_format)
    height, width = image_size(image_shape)
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    anchor_size = torch.clamp(anchors[..., 2:], min=epsilon())
    box_size = torch.clamp(boxes[..., 2:], min=epsilon())
    deltas = torch.cat(
        [
            (boxes[..., :2] - anchors[..., :2]) / anchor_size,
            torch.log(box_size / anchor_size),
        ],
        dim=-1,
    )
    return deltas if variance is None else deltas / variance.to(deltas.device)


def _decode_level(
    anchors: Any, deltas: Any, formats: tuple, variance: Any, size: tuple
) -> torch.Tensor:
    anchor_format, box_format, encoded_format = formats
    anchors = convert_format(anchors, anchor_format, encoded_format, *size)
    deltas = convert_to_tensor(deltas)
    if variance is not None:
        deltas = deltas * variance.to(deltas.device)
    boxes = torch.cat(
        [
            deltas[..., :2] * anchors[..., 2:] + anchors[..., :2],
            torch.exp(deltas[..., 2:]) * anchors[..., 2:],
        ],
        dim=-1,
    )
    return convert_format(boxes, encoded_format, box_format, *size)


def decode_deltas_to_boxes(
    anchors: Any,
    boxes_delta: Any,
    anchor_format: str,
    box_format: str,
    encoded_format: str = "center_yxhw",
    variance: Any = None,
    image_shape: Any = None,
) -> Any:
    """Decodes deltas from anchors back into boxes (`encode_box_to_deltas` undone).

    Args:
        anchors: `(N, 4)` anchors, or a dict of them by feature level.
        boxes_delta: `(N, 4)` or `(batch, N, 4)` deltas, or a dict with the
            same keys as `anchors`.
        anchor_format: the format of `anchors`.
        box_format: the format of the returned boxes.
        encoded_format: `"center_yxhw"` (default) or `"center_xywh"`.
        variance: 4 factors multiplying the deltas. Defaults to `None`.
        image_shape: `(height, width, channels)`, for relative formats.

    Returns:
        The boxes in `box_format` (a dict by level when dicts were given).

    Raises:
        ValueError: if `variance` is not of length 4, or `encoded_format` is
            not a centre format.
    """
    variance = _variance(variance)
    if encoded_format not in _CENTRE_FORMATS:
        raise ValueError(
            "`encoded_format` should be 'center_xywh' or 'center_yxhw', "
            f"but got '{encoded_format}'."
        )
    size = image_size(image_shape)
    formats = (anchor_format, box_format, encoded_format)
    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {
            level: _decode_level(anchor, boxes_delta[level], formats, variance, size)
            for level, anchor in anchors.items()
        }
    return _decode_level(anchors, boxes_delta, formats, variance, size)
