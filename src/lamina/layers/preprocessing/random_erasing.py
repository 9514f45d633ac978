"""RandomErasing: fills a random rectangle of some images during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._boxes import box_bounds, box_mask
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class RandomErasing(RandomImageLayer):
    """Erases one random rectangle per image, with a random probability.

    The rectangle's sides are `sqrt(s) * width` and `sqrt(s') * height`, `s`,
    `s'` drawn from `scale`; its position is uniform. It is filled with
    `fill_value` (a number or an RGB triple), or, by default, with Gaussian
    noise times `value_range[1]`, clipped to `value_range` (Keras's rule).
    Each image is erased when a uniform draw falls below a probability drawn
    from `factor`. Seeded draws on the images' device; identity in inference.

    Args:
        factor: probability range, a float in `[0, 1]` or a pair (default 1).
        scale: area fraction range, a float in `[0, 1]` or a pair.
        fill_value: None (noise), a number, or three numbers.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomErasing(seed=0)(np.ones((2, 6, 6, 3))).shape
    torch.Size([2, 6, 6, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        factor: Any = 1.0,
        scale: Any = (0.02, 0.33),
        fill_value: Any = None,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.scale = symmetric_factor("scale", scale, (0, 1))
        if fill_value is not None and not (
            isinstance(fill_value, (int, float))
            or (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)
        ):
            raise ValueError(
                "The `fill_value` argument should be a number (or a list of three "
                f"numbers). Received: fill_value={fill_value}"
            )
        self.fill_value = fill_value
        self.value_range = value_range

    def _fill(self, x: torch.Tensor) -> torch.Tensor:
        if self.fill_value is None:
            noise = torch.randn(
                x.shape, generator=self._generator(x.device), device=x.device
            )
            fill = noise.to(x.dtype) * self.value_range[1]
        else:
            fill = torch.as_tensor(self.fill_value, dtype=x.dtype, device=x.device)
            fill = fill.expand_as(x)
        return fill.clamp(self.value_range[0], self.value_range[1])

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        B, H, W = x.shape[:3]  # batch, height, width
        sides = torch.sqrt(self._uniform((B, 2), *self.scale, x))
        xs = box_bounds(self._uniform((B,), 0.0, 1.0, x), W, sides[:, 0])
        ys = box_bounds(self._uniform((B,), 0.0, 1.0, x), H, sides[:, 1])
        mask = box_mask(H, W, xs, ys, x)
        probability = self._uniform((B,), *self.factor, x)
        apply = (self._uniform((B,), 0.0, 1.0, x) < probability)[:, None, None, None]
        return torch.where(mask & apply, self._fill(x), x)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }
