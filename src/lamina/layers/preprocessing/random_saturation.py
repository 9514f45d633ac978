"""RandomSaturation: scales colour saturation by a random factor in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend
from lamina.layers.preprocessing._color import check_value_range, hsv_to_rgb, rgb_to_hsv
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomSaturation(RandomImageLayer):
    """Multiplies each image's HSV saturation by `f / (1 - f)`, `f` random.

    `f` is drawn per image from `factor` (a float `v` means `[-v, v]`; 0.5
    leaves the image unchanged, 0 makes it gray, values near 1 saturate it);
    the saturation is clipped to `value_range`, as Keras does. Seeded draws on
    the images' device; identity in inference.

    Args:
        factor: a float in `[-1, 1]` or a pair.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.RandomSaturation((0.0, 0.0))
    >>> layer(np.array([[[[255.0, 0.0, 0.0]]]])).tolist()
    [[[[255.0, 255.0, 255.0]]]]
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
        self.factor = symmetric_factor("factor", factor, (-1, 1))
        self.value_range = check_value_range(value_range)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        f = self._uniform((x.shape[0],), *self.factor, x)
        f = (f / (1 - f + backend.epsilon())).reshape(-1, 1, 1)
        h, s, v = rgb_to_hsv(x).unbind(-1)
        s = (s * f).clamp(self.value_range[0], self.value_range[1])
        return hsv_to_rgb(torch.stack([h, s, v], dim=-1))

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
