"""Equalization: histogram equalization of each channel, in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._color import check_value_range, rescale
from lamina.layers.preprocessing._image_base import RandomImageLayer


class Equalization(RandomImageLayer):
    """Equalizes the histogram of each channel, pooled over the whole batch.

    On the `[0, 255]` scale each channel's values are binned into `bins`
    bins; the cumulative histogram maps each value to `round(255 * (cdf -
    cdf_min) / (cdf_max - cdf_min))`; a channel with a single occupied bin is
    left alone. As in Keras 3, the histogram pools every image of the batch,
    and the layer acts in training only (a direct call counts as training).
    Runs on the images' device, with no host synchronisation.

    Args:
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        bins: number of histogram bins (default 256).
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.Equalization()(np.array([[[[0.0], [10.0], [20.0]]]])).tolist()
    [[[[0.0], [128.0], [255.0]]]]
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        value_range: Any = (0, 255),
        bins: int = 256,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = check_value_range(value_range)

    def _equalize(self, channel: torch.Tensor) -> torch.Tensor:
        n = self.bins
        index = (channel * (n - 1) / 255.0).to(torch.int32).clamp(0, n - 1)
        hist = torch.bincount(index.reshape(-1), minlength=n)
        cdf = torch.cumsum(hist, 0)
        big = torch.iinfo(cdf.dtype).max
        cdf_min = torch.where(cdf > 0, cdf, torch.full_like(cdf, big)).min()
        denominator = cdf[-1] - cdf_min
        denominator = torch.where(
            denominator == 0, torch.ones_like(denominator), denominator
        )
        table = torch.round((cdf - cdf_min) * 255 / denominator).clamp(0, 255)
        lookup = (channel / 255.0 * (n - 1)).clamp(0, n - 1).to(torch.int64)
        equalized = table[lookup].to(channel.dtype)
        return torch.where((hist > 0).sum() <= 1, channel, equalized)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        y = rescale(x, self.value_range, (0, 255))
        y = torch.stack([self._equalize(y[..., c]) for c in range(y.shape[-1])], -1)
        return rescale(y, (0, 255), self.value_range)

    def get_config(self) -> dict:
        return {**self._config(), "value_range": self.value_range, "bins": self.bins}
