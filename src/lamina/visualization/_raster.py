"""Pixel masks of rectangle outlines and text, for drawing boxes on images.

Rectangles follow OpenCV's `cv2.rectangle` (what Keras draws with): a
1-pixel outline through the corner pixels, or, for `thickness > 1`, each
edge widened by `ceil(thickness / 2)` pixels to both sides with a filled
disc of that radius on every corner; a negative thickness fills the box.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def rectangle_mask(
    height: int, width: int, corners: tuple[int, int, int, int], thickness: int
) -> np.ndarray:
    """`(height, width)` bool mask of a rectangle outline with corners `(x1, y1, x2, y2)`."""
    x1, y1, x2, y2 = corners
    x1, x2 = min(x1, x2), max(x1, x2)
    y1, y2 = min(y1, y2), max(y1, y2)
    ys = np.arange(height)[:, None]
    xs = np.arange(width)[None, :]
    inside_x = (xs >= x1) & (xs <= x2)
    inside_y = (ys >= y1) & (ys <= y2)
    if thickness < 0:
        return inside_x & inside_y
    if thickness <= 1:
        on_x = (xs == x1) | (xs == x2)
        on_y = (ys == y1) | (ys == y2)
        return (on_x & inside_y) | (on_y & inside_x)
    half = math.ceil(thickness / 2)
    near_x = (np.abs(xs - x1) <= half) | (np.abs(xs - x2) <= half)
    near_y = (np.abs(ys - y1) <= half) | (np.abs(ys - y2) <= half)
    mask = (near_x & inside_y) | (near_y & inside_x)
    for cx in (x1, x2):
        for cy in (y1, y2):
            mask |= (xs - cx) ** 2 + (ys - cy) ** 2 <= half * half
    return mask


# Hershey's simplex capitals are 21 units tall at font_scale 1 (OpenCV scales
# its glyphs by font_scale), the height lamina gives its text's capitals.
_CAP_HEIGHT = 21.0


def text_mask(
    height: int,
    width: int,
    text: str,
    origin: tuple[int, int],
    font_scale: float,
    thickness: int,
) -> np.ndarray:
    """`(height, width)` bool mask of `text` with its baseline's left end at `origin`.

    The glyphs are matplotlib's default sans-serif outlines, sized so capitals
    are `21 * font_scale` pixels tall, as OpenCV's Hershey simplex font that
    Keras uses; `thickness` widens the strokes.
    """
    # Deferred: matplotlib is an optional extra, needed only for text labels.
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath  # deferred too: optional extra

    prop = FontProperties(family="DejaVu Sans")
    cap = TextPath((0, 0), "H", size=100, prop=prop).get_extents().height / 100
    path = TextPath((0, 0), text, size=_CAP_HEIGHT * font_scale / cap, prop=prop)
    mask = np.zeros((height, width), dtype=bool)
    # Only the pixels under the text's extents (plus the widening) are tested.
    box = path.get_extents()
    grow = max(int(thickness), 1) - 1
    left = max(int(math.floor(origin[0] + box.x0)) - grow, 0)
    right = min(int(math.ceil(origin[0] + box.x1)) + grow + 1, width)
    top = max(int(math.floor(origin[1] - box.y1)) - grow, 0)
    bottom = min(int(math.ceil(origin[1] - box.y0)) + grow + 1, height)
    if left >= right or top >= bottom:
        return mask
    ys, xs = np.mgrid[top:bottom, left:right]
    # Pixel centres in the text's frame: x to the right, y up from the baseline.
    points = np.stack([xs.ravel() - origin[0], origin[1] - ys.ravel()], axis=1)
    inside = path.contains_points(points.astype(float)).reshape(xs.shape)
    mask[top:bottom, left:right] = inside
    for _ in range(grow):
        mask = _grow(mask)
    return mask


def _grow(mask: np.ndarray) -> np.ndarray:
    """`mask` widened by one pixel in the four directions."""
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return grown


def paint(image: np.ndarray, mask: np.ndarray, color: Any) -> None:
    """Sets the pixels of `mask` in a `(H, W, C)` uint8 image to `color`, in place.

    As OpenCV does, the colour is saturated to `[0, 255]`, a channel past the
    colour's length gets 0 and a one-channel image takes the first value.
    """
    values = np.zeros(image.shape[-1])
    given = np.asarray(color, dtype=float).ravel()[: image.shape[-1]]
    values[: given.size] = given
    image[mask] = np.clip(np.rint(values), 0, 255).astype(np.uint8)
