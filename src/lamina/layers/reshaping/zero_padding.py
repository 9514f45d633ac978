"""ZeroPadding1D/2D/3D: pads the spatial axes with zeros."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.reshaping._args import SpatialPairsLayer


class _ZeroPadding(SpatialPairsLayer):
    """Zero padding of `rank` spatial axes; `padding` holds `(before, after)` pairs."""

    arg_name = "padding"

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        # F.pad lists (before, after) from the last axis backwards.
        pad: list[int] = [0, 0] if self.data_format == "channels_last" else []
        for before, after in reversed(self._pairs):
            pad += [before, after]
        return F.pad(inputs, pad)


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis of a sequence with zeros.

    Args:
        padding: int (both sides) or `(before, after)`.
        data_format: `"channels_last"` (`(batch, steps, channels)`, default)
            or `"channels_first"` (`(batch, channels, steps)`).

    Input shape:
        3D tensor.

    Output shape:
        3D tensor with `before + after` more steps.

    Example:
    >>> import lamina
    >>> lamina.layers.ZeroPadding1D(2)(np.ones((1, 3, 4))).shape
    torch.Size([1, 7, 4])
    """

    rank = 1

    def __init__(
        self, padding: Any = 1, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads the rows and columns of an image with zeros.

    Args:
        padding: int (all sides), `(rows, cols)` (symmetric), or
            `((top, bottom), (left, right))`.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).

    Input shape:
        4D tensor.

    Output shape:
        4D tensor with padded rows and columns.
    """

    rank = 2

    def __init__(
        self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes of a volume with zeros.

    Args:
        padding: int (all sides), 3 ints (symmetric per axis), or 3
            `(before, after)` pairs.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).

    Input shape:
        5D tensor.

    Output shape:
        5D tensor with padded spatial axes.
    """

    rank = 3

    def __init__(
        self,
        padding: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(padding, data_format, **kwargs)
