"""CenterCrop: crops the central part of images to a target size."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import ImageLayer
from lamina.layers.preprocessing._resize import resize


class CenterCrop(ImageLayer):
    """Crops the centre `(height, width)` of each image, in training and inference.

    An image smaller than the target on an axis is instead cropped to the
    target's aspect ratio and resized (bilinear), as Keras's `smart_resize`.
    Runs on torch tensors, on the inputs' device.

    Args:
        height, width: the output size.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.CenterCrop(2, 2)(np.ones((1, 4, 5, 3))).shape
    torch.Size([1, 2, 2, 3])
    """

    def __init__(
        self, height: int, width: int, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x, single = self._as_batch(inputs)
        h_diff, w_diff = x.shape[1] - self.height, x.shape[2] - self.width
        if h_diff >= 0 and w_diff >= 0:
            top, left = h_diff // 2, w_diff // 2
            x = x[:, top : top + self.height, left : left + self.width]
        else:
            x = resize(x, (self.height, self.width), crop_to_aspect_ratio=True)
        return self._from_batch(x, single)

    def get_config(self) -> dict:
        return {**self._config(), "height": self.height, "width": self.width}
