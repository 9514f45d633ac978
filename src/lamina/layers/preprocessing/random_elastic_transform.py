"""RandomElasticTransform: smooth random local distortions, in training."""

from __future__ import annotations

import random
from typing import Any

import torch

from lamina.layers.preprocessing._affine import FILL_MODES, INTERPOLATIONS, sample
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor
from lamina.layers.preprocessing.random_gaussian_blur import gaussian_blur


class RandomElasticTransform(RandomImageLayer):
    """Displaces every pixel by a smoothed random field (Simard et al., 2003).

    Per batch a distortion factor `d` is drawn from `scale`; the field is
    Gaussian noise times `sigma`, blurred with a Gaussian of width `sigma`
    (kernel `int(6 sigma) | 1`) and scaled by `alpha`, where `alpha = 0.1 d
    max(H, W)` and `sigma = 0.05 d min(H, W)`, Keras's parameters. Each image
    is distorted when a uniform draw falls below a probability drawn from
    `factor`; the result is clipped to `value_range`. The factor `d` comes
    from a seeded Python RNG on the host (it sets the kernel size); the noise
    is seeded and drawn on the images' device. Identity in inference.

    Args:
        factor: probability range, a float in `[0, 1]` or a pair (default 1).
        scale: distortion range, a float in `[0, 1]` or a pair (default 1).
        interpolation: `"bilinear"` (default) or `"nearest"`.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        fill_value: the value for `fill_mode="constant"`.
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomElasticTransform(seed=0)(np.ones((2, 8, 8, 3))).shape
    torch.Size([2, 8, 8, 3])
    """

    def __init__(
        self,
        factor: Any = 1.0,
        scale: Any = 1.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.scale = symmetric_factor("scale", scale, (0, 1))
        if interpolation not in INTERPOLATIONS:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one "
                f"{INTERPOLATIONS}."
            )
        if fill_mode not in FILL_MODES:
            raise NotImplementedError(
                f"Unknown `fill_mode` {fill_mode}. Expected of one {FILL_MODES}."
            )
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range
        self._picker = random.Random(self._base_seed)

    def _field(self, shape: tuple, sigma: float, x: torch.Tensor) -> torch.Tensor:
        gen = self._generator(x.device)
        noise = torch.randn(shape, generator=gen, device=x.device).to(x.dtype) * sigma
        size = int(6 * sigma) | 1
        sigmas = torch.tensor([sigma, sigma], dtype=x.dtype, device=x.device)
        return gaussian_blur(noise.unsqueeze(-1), (size, size), sigmas)[..., 0]

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        if self.scale[1] == 0 or self.factor[1] == 0 or x.device.type == "meta":
            return x
        B, H, W = x.shape[:3]  # batch, height, width
        probability = self._uniform((B,), *self.factor, x)
        apply = self._uniform((B,), 0.0, 1.0, x) < probability
        d = self._picker.uniform(*self.scale)
        alpha, sigma = max(H, W) * 0.1 * d, min(H, W) * 0.05 * d
        if sigma <= 0:
            return x
        dx = self._field((B, H, W), sigma, x)
        dy = self._field((B, H, W), sigma, x)
        cols = torch.arange(W, dtype=x.dtype, device=x.device)[None, None, :]
        rows = torch.arange(H, dtype=x.dtype, device=x.device)[None, :, None]
        warped = sample(
            x,
            cols + alpha * dx,
            rows + alpha * dy,
            self.interpolation,
            self.fill_mode,
            self.fill_value,
        )
        out = torch.where(apply[:, None, None, None], warped, x)
        return out.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }
