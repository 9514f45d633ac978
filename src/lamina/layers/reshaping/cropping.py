"""Cropping1D/2D/3D: removes entries from the edges of the spatial axes."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.reshaping._args import SpatialPairsLayer


class _Cropping(SpatialPairsLayer):
    """Cropping of `rank` spatial axes; `cropping` holds `(before, after)` pairs."""

    arg_name = "cropping"

    def _spatial_axes(self) -> range:
        first = 2 if self.data_format == "channels_first" else 1
        return range(first, first + self.rank)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        index: list[slice] = [slice(None)] * inputs.ndim
        for axis, (before, after) in zip(
            self._spatial_axes(), self._pairs, strict=True
        ):
            size = inputs.shape[axis]
            if before + after >= size:
                raise ValueError(
                    f"Layer '{self.name}': values in `cropping` must leave at least "
                    "one entry of each spatial axis. Received: "
                    f"inputs.shape={tuple(inputs.shape)}, cropping={self.cropping}"
                )
            index[axis] = slice(before, size - after)
        return inputs[tuple(index)]


class Cropping1D(_Cropping):
    """Crops the steps axis of a `(batch, steps, features)` sequence.

    Args:
        cropping: int (both ends) or `(before, after)`.

    Input shape:
        `(batch, steps, features)`.

    Output shape:
        `(batch, steps - before - after, features)`.

    Example:
    >>> import lamina
    >>> lamina.layers.Cropping1D((1, 2))(np.ones((1, 5, 3))).shape
    torch.Size([1, 2, 3])
    """

    rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, "channels_last", **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        return config


class Cropping2D(_Cropping):
    """Crops the rows and columns of an image.

    Args:
        cropping: int (all sides), `(rows, cols)` (symmetric), or
            `((top, bottom), (left, right))`.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).

    Input shape:
        4D tensor.

    Output shape:
        4D tensor with cropped rows and columns.
    """

    rank = 2

    def __init__(
        self,
        cropping: Any = ((0, 0), (0, 0)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes of a volume.

    Args:
        cropping: int (all sides), 3 ints (symmetric per axis), or 3
            `(before, after)` pairs.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).

    Input shape:
        5D tensor.

    Output shape:
        5D tensor with cropped spatial axes.
    """

    rank = 3

    def __init__(
        self,
        cropping: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(cropping, data_format, **kwargs)
