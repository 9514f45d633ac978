"""`draw_bounding_boxes`: box outlines and class labels drawn on a batch of images.

Keras draws with OpenCV; lamina needs no OpenCV. Outlines are OpenCV's
pixel for pixel (see `_raster`); labels are written with matplotlib's font
at the size and place OpenCV would put them, so they are close to Keras's
but not the same pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.backend import image_data_format
from lamina.layers.preprocessing._bounding_boxes import convert_format
from lamina.visualization._draw_masks import check_batched_images
from lamina.visualization._raster import paint, rectangle_window, text_window


def _as_numpy(x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def to_uint8_images(images: Any) -> np.ndarray:
    """Images as uint8, as Keras draws them: float images with a maximum of at
    most 1 are taken as `[0, 1]` and scaled, others clipped to `[0, 255]`."""
    images = _as_numpy(images)
    if images.dtype.kind == "f" and images.size > 0:
        if images.max() <= 1.0:
            images = np.clip(images, 0, 1) * 255
        else:
            images = np.clip(images, 0, 255)
    return images.astype("uint8")


def _check_boxes_dict(bounding_boxes: Any) -> None:
    if not isinstance(bounding_boxes, dict):
        raise TypeError(
            "`bounding_boxes` should be a dict. "
            f"Received: bounding_boxes={bounding_boxes} of type "
            f"{type(bounding_boxes)}"
        )
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError(
            "`bounding_boxes` should be a dict containing 'boxes' and "
            f"'labels' keys. Received keys: {sorted(bounding_boxes)}"
        )


def _check_batched_boxes(
    batch: int, boxes: np.ndarray, labels: np.ndarray, confidences: Any
) -> None:
    """Boxes `(batch, num_boxes, 4)` with labels (and scores) `(batch, num_boxes)`."""
    expected = (batch, boxes.shape[1] if boxes.ndim == 3 else -1)
    if boxes.ndim != 3 or boxes.shape[0] != batch:
        raise ValueError(
            "`bounding_boxes['boxes']` must be (batch, num_boxes, 4) with one row "
            f"of boxes per image ({batch} images). Received: shape={boxes.shape}"
        )
    for name, value in (("labels", labels), ("confidences", confidences)):
        if value is not None and value.shape != expected:
            raise ValueError(
                f"`bounding_boxes['{name}']` must be (batch, num_boxes) = "
                f"{expected}, like the boxes. Received: shape={value.shape}"
            )


def text_location(x: int, y: int, font_scale: float, thickness: int) -> tuple:
    """Where Keras puts a label: 8 pixels above the box, or inside it near the top."""
    font_height = int(font_scale * 12)
    if y - 8 - 2 * font_height > 0:
        return x, y - 8
    return x + 3, y + 2 * font_height + thickness + 3


def _draw_one(image: np.ndarray, boxes: np.ndarray, labels: Any, style: dict) -> None:
    """Draws the boxes of one `(H, W, C)` uint8 image in place."""
    height, width = image.shape[:2]
    for index, box in enumerate(boxes):
        x1, y1, x2, y2 = (int(v) for v in box.astype("int32"))
        corners = (x1, y1, x2, y2)
        label = int(labels[0][index])
        if label == -1:
            continue
        outline = rectangle_window(height, width, corners, style["line_thickness"])
        paint(image, outline, style["color"])
        if label not in style["class_mapping"]:
            continue
        text = str(style["class_mapping"][label])
        if labels[1] is not None:
            text = f"{text} | {labels[1][index]:.2f}"
        origin = text_location(
            corners[0], corners[1], style["font_scale"], style["text_thickness"]
        )
        glyphs = text_window(
            height, width, text, origin, style["font_scale"], style["text_thickness"]
        )
        paint(image, glyphs, style["color"])


def draw_bounding_boxes(
    images: Any,
    bounding_boxes: dict,
    bounding_box_format: str,
    class_mapping: dict | None = None,
    color: tuple = (128, 128, 128),
    line_thickness: int = 2,
    text_thickness: int = 1,
    font_scale: float = 1.0,
    data_format: str | None = None,
) -> np.ndarray:
    """Draws bounding boxes, and optionally their class names, on images.

    Boxes whose label is -1 (padding) are skipped. Outlines match OpenCV's
    `cv2.rectangle`, which Keras uses; labels (when `class_mapping` names the
    class) are drawn with matplotlib's font where OpenCV would write them.

    Args:
        images: `(batch, height, width, channels)` images (channels first with
            `data_format="channels_first"`). Float images whose maximum is at
            most 1 are scaled from `[0, 1]`; others are clipped to `[0, 255]`.
        bounding_boxes: a dict with `"boxes"` `(batch, num_boxes, 4)`,
            `"labels"` `(batch, num_boxes)` and optionally `"confidences"`
            `(batch, num_boxes)`, printed after the class name.
        bounding_box_format: the format of the boxes (see
            `keras.utils.bounding_boxes.convert_format`).
        class_mapping: a dict from class id to name. Defaults to no labels.
        color: RGB colour of boxes and labels. Defaults to `(128, 128, 128)`.
        line_thickness: outline thickness in pixels (-1 fills). Defaults to 2.
        text_thickness: label stroke thickness; `0` or `None` takes
            `line_thickness`. Defaults to 1.
        font_scale: label size; capitals are `21 * font_scale` pixels tall.
            Defaults to 1.0.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Returns:
        A uint8 numpy array of the drawn images, shaped as `images`.

    Raises:
        ValueError: if `images` is not 4D or `bounding_boxes` lacks `"boxes"`
            or `"labels"`.
        TypeError: if `bounding_boxes` is not a dict.
        ImportError: if labels are to be drawn and matplotlib is missing.

    Example:
    >>> import numpy as np
    >>> images = np.zeros((1, 4, 5, 1), "uint8")
    >>> boxes = {"boxes": np.array([[[1, 1, 3, 2]]]), "labels": np.array([[0]])}
    >>> draw_bounding_boxes(images, boxes, "xyxy", color=(9,), line_thickness=1)[0, ..., 0]
    array([[0, 0, 0, 0, 0],
           [0, 9, 9, 9, 0],
           [0, 9, 9, 9, 0],
           [0, 0, 0, 0, 0]], dtype=uint8)
    """
    channels_first = (data_format or image_data_format()) == "channels_first"
    shape = tuple(check_batched_images(images).shape)
    _check_boxes_dict(bounding_boxes)
    height, width = shape[2:4] if channels_first else shape[1:3]
    boxes = convert_format(
        dict(bounding_boxes), bounding_box_format, "xyxy", height, width
    )["boxes"]
    images = to_uint8_images(images)
    if channels_first:
        images = images.transpose(0, 2, 3, 1)
    images = np.ascontiguousarray(images)
    boxes, labels = _as_numpy(boxes), _as_numpy(bounding_boxes["labels"])
    confidences = bounding_boxes.get("confidences")
    confidences = None if confidences is None else _as_numpy(confidences)
    _check_batched_boxes(shape[0], boxes, labels, confidences)
    style = {
        "color": color,
        "class_mapping": class_mapping or {},
        "line_thickness": line_thickness,
        "text_thickness": text_thickness or line_thickness,
        "font_scale": font_scale,
    }
    for i in range(images.shape[0]):
        scores = None if confidences is None else confidences[i]
        _draw_one(images[i], boxes[i], (labels[i], scores), style)
    return images.transpose(0, 3, 1, 2) if channels_first else images
