"""RandomPosterization: keeps only a random number of bits per channel."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._color import check_value_range, rescale
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomPosterization(RandomImageLayer):
    """Reduces each image to `bits` bits per channel, `bits` drawn per image.

    On the `[0, 255]` scale, values are truncated to 8-bit integers and their
    `8 - bits` low bits cleared. `bits` is a random integer in
    `[lower, upper)` of `factor` (a single `f` means `[1, f)`; equal bounds fix
    it), as in Keras. Seeded draws on the images' device; identity in
    inference.

    Args:
        factor: an integer in `[1, 8]` or a pair.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.RandomPosterization((1, 1))
    >>> layer(np.array([[[[200.0]]]])).tolist()
    [[[[128.0]]]]
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
        self.factor = symmetric_factor("factor", factor, (1, 8))
        self.value_range = check_value_range(value_range)

    def _bits(self, x: torch.Tensor) -> torch.Tensor:
        low, high = (int(v) for v in self.factor)
        if low == high:
            return torch.full((x.shape[0],), low, device=x.device)
        u = self._uniform((x.shape[0],), 0.0, 1.0, x)
        return (low + torch.floor(u * (high - low))).long()

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        shift = (8 - self._bits(x)).reshape(-1, 1, 1, 1).to(torch.uint8)
        y = rescale(x, self.value_range, (0, 255)).to(torch.uint8)
        y = torch.bitwise_left_shift(torch.bitwise_right_shift(y, shift), shift)
        return rescale(y.to(x.dtype), (0, 255), self.value_range)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }
