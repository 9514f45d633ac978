"""SpectralNormalization: divides a layer's kernel by its spectral norm."""

from __future__ import annotations

from typing import Any

import torch

from lamina import initializers
from lamina.layers.base import Layer
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec


def _l2_normalize(x: torch.Tensor) -> torch.Tensor:
    """`x / ||x||` over all entries, the inverse norm capped at 1 / 1e-7 (Keras)."""
    return x * torch.clamp(torch.rsqrt(x.square().sum()), max=1e7)


class SpectralNormalization(Wrapper):
    """Wraps a layer and keeps its kernel's spectral norm near 1.

    In training, each call runs `power_iterations` steps of power iteration on
    the kernel (reshaped to `(-1, kernel.shape[-1])`) from the stored vector
    `u`, estimates the largest singular value `sigma = v W u^T`, and overwrites
    the kernel with `kernel / sigma` and `u` with the new estimate before the
    wrapped layer runs; an all-zero kernel is left alone. In inference the
    wrapped layer runs unchanged. This is Keras's scheme: the stored kernel
    itself is normalized.

    Args:
        layer: a layer with a `kernel` (Dense, Conv...) or `embeddings`.
        power_iterations: power-iteration steps per training call (>= 1).

    Input shape:
        As the wrapped layer's.

    Output shape:
        As the wrapped layer's.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.SpectralNormalization(lamina.layers.Dense(3))
    >>> layer(np.ones((2, 4)), training=True).shape
    torch.Size([2, 3])
    """

    def __init__(self, layer: Layer, power_iterations: int = 1, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(
                "`power_iterations` should be greater than zero. Received: "
                f"`power_iterations={power_iterations}`"
            )
        self.power_iterations = power_iterations

    def _kernel(self) -> torch.Tensor:
        for name in ("kernel", "embeddings"):
            value = getattr(self.layer, name, None)
            if isinstance(value, torch.Tensor):
                return value
        raise ValueError(
            f"{type(self.layer).__name__} object has no attribute 'kernel' nor "
            "'embeddings'"
        )

    def build(self, input_shape: Any = None) -> None:
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = self._kernel()
        self.vector_u = self.add_weight(
            shape=(1, kernel.shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=str(kernel.dtype).replace("torch.", ""),
        )
        self.built = True

    @property
    def weights(self) -> list[torch.Tensor]:
        """Keras's order: the wrapped kernel, `vector_u`, then the other weights."""
        out = super().weights
        if not self.built:
            return out
        kernel = self._kernel()
        rest = [w for w in out if w is not kernel]
        return [kernel, *rest]

    def _saved_variables(self) -> list[torch.Tensor]:
        """Keras's own variables of the wrapper: the wrapped kernel (tracked as
        `self.kernel` in Keras, so saved here too), then `vector_u`."""
        own = super()._saved_variables()
        return [self._kernel(), *own] if self.built else own

    def normalized_weights(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The new `u` and the kernel divided by its estimated spectral norm."""
        kernel = self._kernel()
        weights = kernel.reshape(-1, kernel.shape[-1])
        u: torch.Tensor = self.vector_u
        for _ in range(self.power_iterations):
            v = _l2_normalize(u @ weights.t())
            u = _l2_normalize(v @ weights)
        sigma = v @ weights @ u.t()
        return u, kernel / sigma

    def call(self, inputs: torch.Tensor, training: Any = False) -> torch.Tensor:
        if training:
            with torch.no_grad():
                kernel = self._kernel()
                u, new_kernel = self.normalized_weights()
                zero = (kernel == 0).all()
                self.vector_u.copy_(torch.where(zero, self.vector_u, u))
                kernel.copy_(torch.where(zero, kernel, new_kernel))
        return self.layer(inputs).to(inputs.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "power_iterations": self.power_iterations}
