"""AutoContrast: stretches each image's values to the full range."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._color import check_value_range, rescale
from lamina.layers.preprocessing._image_base import ImageLayer


class AutoContrast(ImageLayer):
    """Rescales each image and channel so its minimum is 0 and maximum 255.

    Computed on the `[0, 255]` scale and mapped back to `value_range`; a
    constant channel (no range) is left as it was. Deterministic: applied in
    training and inference alike. Runs on the inputs' device.

    Args:
        value_range: the `(min, max)` range of the images (default `(0, 255)`).

    Example:
    >>> import lamina
    >>> lamina.layers.AutoContrast()(np.array([[[[50.0], [100.0]]]])).tolist()
    [[[[0.0], [255.0]]]]
    """

    def __init__(self, value_range: Any = (0, 255), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value_range = check_value_range(value_range)

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if isinstance(inputs, dict):
            return self._call_dict(inputs)
        x, single = self._as_batch(inputs)
        return self._from_batch(self._augment(x), single)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        """Auto-contrast of a float channels-last batch."""
        y = rescale(x, self.value_range, (0, 255))
        low = y.amin(dim=(1, 2), keepdim=True)
        high = y.amax(dim=(1, 2), keepdim=True)
        scale = 255.0 / (high - low)
        y = (y * scale - low * scale).clamp(0.0, 255.0)
        y = rescale(y, (0, 255), self.value_range)
        return torch.where(torch.isnan(y), x, y)

    def get_config(self) -> dict:
        config = {**self._config()}
        config.pop("data_format")
        return {**config, "value_range": self.value_range}
