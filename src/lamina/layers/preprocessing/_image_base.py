"""Shared plumbing of the image preprocessing and augmentation layers.

- Keras's preprocessing layers default to `training=True` in `call`: a direct
  call augments, while inside a model the model's flag applies (off in
  `predict` and `evaluate`).
- Random draws come from a `torch.Generator` on the images' device, seeded
  once from `seed` (or from torch's global generator when `seed` is None), so
  augmentation costs no copy to the host.
- Images are `(batch, height, width, channels)` (or channels first), or one
  unbatched image of rank 3; the computation runs channels last on a batch.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.convolutional import _conv_utils as cu


class ImageLayer(Layer):
    """Base of the image layers: data format, rank handling and the output dtype."""

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = cu.normalize_data_format(data_format)
        self.built = True

    def _as_batch(self, images: torch.Tensor) -> tuple[torch.Tensor, bool]:
        """Float images as a channels-last batch, and whether the input was one image."""
        if images.dim() not in (3, 4):
            raise ValueError(
                f"Layer '{self.name}' expects images of rank 3 (one image) or 4 (a "
                f"batch). Received input with shape={tuple(images.shape)}"
            )
        single = images.dim() == 3
        x = images.unsqueeze(0) if single else images
        if self.data_format == "channels_first":
            x = x.permute(0, 2, 3, 1)
        return x.to(self._dtype_policy.torch_compute_dtype), single

    def _from_batch(self, x: torch.Tensor, single: bool) -> torch.Tensor:
        if self.data_format == "channels_first":
            x = x.permute(0, 3, 1, 2)
        return x[0] if single else x

    def _config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class RandomImageLayer(ImageLayer):
    """An augmentation: active in training only, seeded, drawn on the device."""

    def __init__(
        self, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self._base_seed = (
            int(seed) if seed is not None else int(torch.randint(0, 2**62, (1,)).item())
        )
        self._generators: dict = {}

    def _resolve_training(self, kwargs: dict, outer: bool) -> Any:
        if kwargs.get("training") is None and outer:
            kwargs["training"] = True  # Keras's `call(..., training=True)`
        return super()._resolve_training(kwargs, outer)

    def _generator(self, device: torch.device) -> torch.Generator:
        gen = self._generators.get(device)
        if gen is None:
            gen = torch.Generator(device=device)
            gen.manual_seed(self._base_seed)
            self._generators[device] = gen
        return gen

    def _uniform(
        self, shape: tuple, low: float, high: float, like: torch.Tensor
    ) -> torch.Tensor:
        """Uniform draws in `[low, high)` on `like`'s device (no host copy)."""
        if like.device.type == "meta":
            return torch.empty(shape, device="meta")
        u = torch.rand(
            shape, generator=self._generator(like.device), device=like.device
        )
        return low + (high - low) * u

    def _sample(self, make: Any, shape: tuple, like: torch.Tensor) -> torch.Tensor:
        """Draws `make(device).sample(shape)` from a torch distribution.

        torch's Beta/Gamma samplers take no generator: the device's global RNG
        is forked and seeded from this layer's seed and a call counter, so the
        draws are reproducible and stay on the device (no sync).
        """
        count = self.__dict__.setdefault("_dist_calls", 0)
        self.__dict__["_dist_calls"] = count + 1
        devices = [like.device] if like.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self._base_seed + count)
            return make(like.device).sample(shape)

    def _beta(self, n: int, alpha: Any, like: torch.Tensor) -> torch.Tensor:
        """`n` draws of `Beta(alpha, alpha)` on `like`'s device."""

        def make(device: torch.device) -> Any:
            a = torch.as_tensor(alpha, dtype=torch.float32, device=device)
            return torch.distributions.Beta(a, a)

        return self._sample(make, (n,), like)

    def _permutation(self, n: int, like: torch.Tensor) -> torch.Tensor:
        return torch.randperm(
            n, generator=self._generator(like.device), device=like.device
        )

    def call(self, inputs: torch.Tensor, training: Any = True) -> torch.Tensor:
        x, single = self._as_batch(inputs)
        if training:
            x = self._augment(x)
        return self._from_batch(x, single)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def symmetric_factor(
    name: str, factor: Any, bounds: tuple, open_low: bool = False
) -> tuple[float, float]:
    """`factor` as `(lower, upper)`: a number `f` means `(-f, f)` clipped to the
    bounds' low end; a pair is sorted. Raises for values outside `bounds`."""
    low, high = bounds
    error = ValueError(
        f"The `{name}` argument should be a number (or a list of two numbers) in "
        f"the range {'(' if open_low else '['}{low}, {high}]. Received: {name}={factor}"
    )

    def outside(v: float) -> bool:
        return v > high or v < low or (open_low and v == low)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or any(outside(v) for v in factor):
            raise error
        lower, upper = sorted(factor)
        return (lower, upper)
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if outside(factor):
            raise error
        f = abs(factor)
        return (max(-f, low) if not open_low else -f, f)
    raise error
