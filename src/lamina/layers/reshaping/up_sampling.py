"""UpSampling1D/2D/3D: repeats (or interpolates) along the spatial axes."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec
from lamina.layers.reshaping import _args

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic")


class _UpSampling(Layer):
    """Upsampling of `rank` spatial axes by integer factors `size`."""

    rank = 0

    def __init__(self, size: Any, data_format: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sizes = _args.int_tuple(size, self.rank, "size")
        self.size: Any = self._sizes[0] if self.rank == 1 else self._sizes
        self.data_format = _args.data_format_arg(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _spatial_axes(self) -> range:
        first = 2 if self.data_format == "channels_first" else 1
        return range(first, first + self.rank)

    def _repeat(self, x: torch.Tensor) -> torch.Tensor:
        # Nearest neighbour with integer factors is repetition: one broadcast
        # view, then a single copy by the final reshape.
        factors = dict(zip(self._spatial_axes(), self._sizes, strict=True))
        view, expanded, final = [], [], []
        for axis, n in enumerate(x.shape):
            f = factors.get(axis)
            if f is None:
                view.append(n)
                expanded.append(n)
                final.append(n)
            else:
                view += [n, 1]
                expanded += [n, f]
                final.append(n * f)
        return x.reshape(view).expand(expanded).reshape(final)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._repeat(inputs)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
        }


class UpSampling1D(_UpSampling):
    """Repeats each step of a `(batch, steps, features)` sequence `size` times.

    Args:
        size: positive integer, the upsampling factor.

    Input shape:
        `(batch, steps, features)`.

    Output shape:
        `(batch, steps * size, features)`.

    Example:
    >>> import lamina
    >>> lamina.layers.UpSampling1D(2)(np.ones((1, 3, 4))).shape
    torch.Size([1, 6, 4])
    """

    rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(size, "channels_last", **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        return config


class UpSampling2D(_UpSampling):
    """Upsamples the rows and columns of an image by integer factors.

    `"nearest"` repeats each pixel; `"bilinear"` and `"bicubic"` interpolate
    with half-pixel centres (`align_corners=False`), as Keras does.

    Args:
        size: int or `(rows, cols)` factors.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).
        interpolation: `"nearest"`, `"bilinear"` or `"bicubic"`.

    Input shape:
        4D tensor.

    Output shape:
        4D tensor with `rows * size[0]` rows and `cols * size[1]` columns.
    """

    rank = 2

    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(size, data_format, **kwargs)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"`interpolation` must be one of {_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        self.interpolation = interpolation

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.interpolation == "nearest":
            return self._repeat(inputs)
        channels_last = self.data_format == "channels_last"
        # A channels-last image permuted to NCHW is torch's channels_last format.
        x = inputs.permute(0, 3, 1, 2) if channels_last else inputs
        h, w = x.shape[2], x.shape[3]
        out = F.interpolate(
            x,
            size=(h * self._sizes[0], w * self._sizes[1]),
            mode=self.interpolation,
            align_corners=False,
        )
        return out.permute(0, 2, 3, 1) if channels_last else out

    def get_config(self) -> dict:
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeats the entries of a volume along its three spatial axes.

    Args:
        size: int or 3 ints, the factors per spatial axis.
        data_format: `"channels_last"` or `"channels_first"` (default: the
            global `image_data_format()`).

    Input shape:
        5D tensor.

    Output shape:
        5D tensor with each spatial axis multiplied by its factor.
    """

    rank = 3

    def __init__(
        self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(size, data_format, **kwargs)
