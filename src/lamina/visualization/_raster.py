"""Pixel masks of rectangle outlines and text, for drawing boxes on images.

Rectangles follow OpenCV's `cv2.rectangle` (what Keras draws with): a
1-pixel outline through the corner pixels, or, for `thickness > 1`, each
edge widened by `ceil(thickness / 2)` pixels to both sides with a filled
disc of that radius on every corner; a negative thickness fills the box.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

# A drawn shape: the rows and columns of the image it covers, and its mask there.
Window = tuple[slice, slice, np.ndarray]


def _grid(top: int, bottom: int, left: int, right: int) -> tuple:
    """Row and column coordinates of a window, clipped to nothing if empty."""
    return np.arange(top, bottom)[:, None], np.arange(left, right)[None, :]


def rectangle_window(
    height: int, width: int, corners: tuple[int, int, int, int], thickness: int
) -> Window | None:
    """The pixels of a rectangle outline with corners `(x1, y1, x2, y2)`.

    Only the window around the rectangle is computed, so drawing many boxes on
    large images costs the boxes' size, not the image's. `None` when the
    outline misses the image.
    """
    x1, y1, x2, y2 = corners
    x1, x2 = min(x1, x2), max(x1, x2)
    y1, y2 = min(y1, y2), max(y1, y2)
    half = math.ceil(thickness / 2) if thickness > 1 else 0
    top, bottom = max(y1 - half, 0), min(y2 + half + 1, height)
    left, right = max(x1 - half, 0), min(x2 + half + 1, width)
    if top >= bottom or left >= right:
        return None
    ys, xs = _grid(top, bottom, left, right)
    inside_x = (xs >= x1) & (xs <= x2)
    inside_y = (ys >= y1) & (ys <= y2)
    if thickness < 0:
        mask = inside_x & inside_y
    elif thickness <= 1:
        on_x = (xs == x1) | (xs == x2)
        on_y = (ys == y1) | (ys == y2)
        mask = (on_x & inside_y) | (on_y & inside_x)
    else:
        near_x = (np.abs(xs - x1) <= half) | (np.abs(xs - x2) <= half)
        near_y = (np.abs(ys - y1) <= half) | (np.abs(ys - y2) <= half)
        mask = (near_x & inside_y) | (near_y & inside_x)
        for cx in (x1, x2):
            for cy in (y1, y2):
                mask |= (xs - cx) ** 2 + (ys - cy) ** 2 <= half * half
    return slice(top, bottom), slice(left, right), mask


def full_mask(height: int, width: int, window: Window | None) -> np.ndarray:
    """A window's mask placed on a `(height, width)` canvas."""
    canvas = np.zeros((height, width), dtype=bool)
    if window is not None:
        rows, cols, mask = window
        canvas[rows, cols] = mask
    return canvas


def rectangle_mask(
    height: int, width: int, corners: tuple[int, int, int, int], thickness: int
) -> np.ndarray:
    """`(height, width)` bool mask of a rectangle outline (see `rectangle_window`)."""
    return full_mask(height, width, rectangle_window(height, width, corners, thickness))


# Hershey's simplex capitals are 21 units tall at font_scale 1 (OpenCV scales
# its glyphs by font_scale), the height lamina gives its text's capitals.
_CAP_HEIGHT = 21.0


@functools.lru_cache(maxsize=1)
def _font() -> tuple[Any, float]:
    """matplotlib's DejaVu Sans and its capital height per unit of font size."""
    # Deferred: matplotlib is an optional extra, needed only for text labels.
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath  # deferred too: optional extra

    prop = FontProperties(family="DejaVu Sans")
    cap = TextPath((0, 0), "H", size=100, prop=prop).get_extents().height / 100
    return prop, cap


@functools.lru_cache(maxsize=512)
def _glyphs(text: str, font_scale: float, thickness: int) -> tuple:
    """`(mask, dx, dy)`: the text's pixels, their top-left corner at `origin + (dx, dy)`.

    Rasterised by matplotlib's Agg without antialiasing (a pixel is on when its
    centre is inside a glyph), then widened by `thickness - 1` pixels. Cached:
    galleries repeat the same few class names many times.
    """
    # Deferred: matplotlib is an optional extra, needed only for text labels.
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.textpath import TextPath  # deferred too: optional extra
    from matplotlib.transforms import Affine2D  # deferred too: optional extra

    prop, cap = _font()
    path = TextPath((0, 0), text, size=_CAP_HEIGHT * font_scale / cap, prop=prop)
    if len(path.vertices) == 0:
        return np.zeros((0, 0), dtype=bool), 0, 0
    grow = max(int(thickness), 1) - 1
    # Control points bound the outline; the canvas keeps `grow` spare pixels.
    (x_lo, y_lo), (x_hi, y_hi) = path.vertices.min(0), path.vertices.max(0)
    x_lo, y_lo = math.floor(x_lo) - grow, math.floor(y_lo) - grow
    cols = math.ceil(x_hi) + grow - x_lo + 1
    rows = math.ceil(y_hi) + grow - y_lo + 1
    renderer = RendererAgg(cols, rows, 72)
    gc = renderer.new_gc()
    gc.set_antialiased(False)
    gc.set_linewidth(0)
    # Agg samples pixel centres at half-integers, y up from the bottom row.
    shift = Affine2D().translate(0.5 - x_lo, 0.5 - y_lo)
    renderer.draw_path(gc, path, shift, (1.0, 1.0, 1.0, 1.0))
    mask = np.asarray(renderer.buffer_rgba())[..., 3] > 127
    for _ in range(grow):
        mask = _grow(mask)
    # Row 0 holds text-frame y = y_lo + rows - 1, which is image row oy - that.
    return mask, x_lo, -(y_lo + rows)


def text_window(
    height: int,
    width: int,
    text: str,
    origin: tuple[int, int],
    font_scale: float,
    thickness: int,
) -> Window | None:
    """The pixels of `text` with its baseline's left end at `origin`.

    The glyphs are matplotlib's default sans-serif outlines, sized so capitals
    are `21 * font_scale` pixels tall, as in OpenCV's Hershey simplex font that
    Keras uses; `thickness` widens the strokes. `None` when the text misses
    the image.
    """
    mask, dx, dy = _glyphs(text, float(font_scale), int(thickness))
    top, left = origin[1] + dy, origin[0] + dx
    bottom, right = top + mask.shape[0], left + mask.shape[1]
    clip_top, clip_left = max(top, 0), max(left, 0)
    clip_bottom, clip_right = min(bottom, height), min(right, width)
    if clip_top >= clip_bottom or clip_left >= clip_right:
        return None
    mask = mask[
        clip_top - top : clip_bottom - top, clip_left - left : clip_right - left
    ]
    return slice(clip_top, clip_bottom), slice(clip_left, clip_right), mask


def text_mask(
    height: int,
    width: int,
    text: str,
    origin: tuple[int, int],
    font_scale: float,
    thickness: int,
) -> np.ndarray:
    """`(height, width)` bool mask of `text` (see `text_window`)."""
    window = text_window(height, width, text, origin, font_scale, thickness)
    return full_mask(height, width, window)


def _grow(mask: np.ndarray) -> np.ndarray:
    """`mask` widened by one pixel in the four directions."""
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return grown


def paint(image: np.ndarray, window: Window | None, color: Any) -> None:
    """Sets the pixels of `window` in a `(H, W, C)` uint8 image to `color`, in place.

    As OpenCV does, the colour is saturated to `[0, 255]`, a channel past the
    colour's length gets 0 and a one-channel image takes the first value.
    """
    if window is None:
        return
    rows, cols, mask = window
    values = np.zeros(image.shape[-1])
    given = np.asarray(color, dtype=float).ravel()[: image.shape[-1]]
    values[: given.size] = given
    image[rows, cols][mask] = np.clip(np.rint(values), 0, 255).astype(np.uint8)
