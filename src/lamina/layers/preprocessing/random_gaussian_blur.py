"""RandomGaussianBlur: blurs images with a random Gaussian kernel in training."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


def _odd_sizes(kernel_size: Any) -> tuple:
    error = ValueError(
        f"kernel_size must be an odd number. Received: kernel_size={kernel_size}"
    )
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(
                "The `kernel_size` argument should be a number (or a list of two "
                f"numbers) Received: kernel_size={kernel_size}"
            )
        if kernel_size[0] % 2 == 0 or kernel_size[1] % 2 == 0:
            raise error
        return tuple(kernel_size)
    if isinstance(kernel_size, (int, float)) and kernel_size % 2:
        return (kernel_size, kernel_size)
    raise error


def gaussian_blur(
    x: torch.Tensor, kernel_size: tuple, sigma: torch.Tensor
) -> torch.Tensor:
    """Depthwise Gaussian blur of a channels-last batch, Keras's kernel and padding."""

    def kernel_1d(size: int, s: torch.Tensor) -> torch.Tensor:
        t = torch.arange(size, dtype=x.dtype, device=x.device) - (size - 1) / 2
        k = torch.exp(-0.5 * (t / s) ** 2)
        return k / k.sum()

    kh, kw = int(kernel_size[0]), int(kernel_size[1])
    kernel = torch.outer(kernel_1d(kw, sigma[1]), kernel_1d(kh, sigma[0]))
    channels = x.shape[-1]
    weight = kernel.reshape(1, 1, kh, kw).expand(channels, 1, kh, kw)
    y = F.conv2d(x.permute(0, 3, 1, 2), weight, padding=kh // 2, groups=channels)
    return y.permute(0, 2, 3, 1)


class RandomGaussianBlur(RandomImageLayer):
    """Blurs images with a Gaussian kernel of random width, in training only.

    Each image is blurred with a probability drawn from `factor` (a float `f`
    means `[0, f]`); the kernel's two standard deviations are drawn once per
    batch from `sigma` (plus 1e-6), as in Keras. The result is clipped to
    `value_range`. Seeded draws on the images' device; identity in inference.

    Args:
        factor: probability range, a float in `[0, 1]` or a pair (default 1).
        kernel_size: odd int or pair of odd ints (default 3).
        sigma: a float in `[0, 1]` or a pair (default 1).
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomGaussianBlur(seed=0)(np.ones((2, 5, 5, 3))).shape
    torch.Size([2, 5, 5, 3])
    """

    _pixel_only = True  # dict inputs: boxes and masks pass unchanged

    def __init__(
        self,
        factor: Any = 1.0,
        kernel_size: Any = 3,
        sigma: Any = 1.0,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.kernel_size = _odd_sizes(kernel_size)
        self.sigma = symmetric_factor("sigma", sigma, (0, 1))
        self.value_range = value_range

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        batch = (x.shape[0],)
        probability = self._uniform(batch, *self.factor, x)
        apply = self._uniform(batch, 0.0, 1.0, x) < probability
        sigma = self._uniform((2,), *self.sigma, x) + 1e-6
        blurred = gaussian_blur(x, self.kernel_size, sigma)
        out = torch.where(apply[:, None, None, None], blurred, x)
        return out.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
            "seed": self.seed,
        }
