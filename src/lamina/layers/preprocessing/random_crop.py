"""RandomCrop: crops a random `(height, width)` window in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer
from lamina.layers.preprocessing._resize import _crop_box, resize


class RandomCrop(RandomImageLayer):
    """Crops one random `(height, width)` window from the batch, in training.

    As in Keras 3, the window's offset is drawn once per batch; an image not
    larger than the target on both axes is instead sliced from the corner of
    the centred aspect-ratio box and resized to the target, as Keras does. In inference the images pass unchanged
    (cast to float). Seeded draws on the images' device.

    Args:
        height, width: the crop size.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomCrop(2, 2, seed=0)(np.ones((1, 4, 4, 3))).shape
    torch.Size([1, 2, 2, 3])
    """

    def __init__(
        self,
        height: int,
        width: int,
        seed: int | None = None,
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = height, width

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        in_h, in_w = x.shape[1], x.shape[2]
        if in_h > self.height and in_w > self.width and x.device.type != "meta":
            top_t = self._uniform((), 0.0, float(in_h - self.height + 1), x).long()
            left_t = self._uniform((), 0.0, float(in_w - self.width + 1), x).long()
            rows = top_t + torch.arange(self.height, device=x.device)
            cols = left_t + torch.arange(self.width, device=x.device)
            return x.index_select(1, rows).index_select(2, cols)
        # Keras slices the target size from the aspect-ratio box's corner.
        top, left, _, _ = _crop_box(in_h, in_w, (self.height, self.width))
        x = x[:, top : top + self.height, left : left + self.width]
        if tuple(x.shape[1:3]) != (self.height, self.width):
            x = resize(x, (self.height, self.width))
        return x

    def get_config(self) -> dict:
        return {
            **self._config(),
            "height": self.height,
            "width": self.width,
            "seed": self.seed,
        }
