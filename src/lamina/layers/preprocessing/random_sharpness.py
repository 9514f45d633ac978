"""RandomSharpness: sharpens or blurs images by a random amount in training."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.preprocessing._color import check_value_range
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomSharpness(RandomImageLayer):
    """Blends each image with a smoothed copy: `x + (1 - 2 f) * (smooth(x) - x)`.

    `smooth` is the 3x3 kernel `[[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13` with
    zero padding; `f` is drawn per image from `factor` (a float `v` means
    `[0, v]`): `f < 0.5` blurs, `f > 0.5` sharpens. Clipped to `value_range`,
    as in Keras. Seeded draws on the images' device; identity in inference.

    Args:
        factor: a float in `[0, 1]` or a pair.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomSharpness(0.5, seed=0)(np.ones((2, 4, 4, 3))).shape
    torch.Size([2, 4, 4, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.value_range = check_value_range(value_range)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        f = self._uniform((x.shape[0],), *self.factor, x).reshape(-1, 1, 1, 1) * 2
        channels = x.shape[-1]
        kernel = torch.full((3, 3), 1.0 / 13.0, dtype=x.dtype, device=x.device)
        kernel[1, 1] = 5.0 / 13.0
        weight = kernel.expand(channels, 1, 3, 3)
        smooth = F.conv2d(x.permute(0, 3, 1, 2), weight, padding=1, groups=channels)
        out = x + (1.0 - f) * (smooth.permute(0, 2, 3, 1) - x)
        return out.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
