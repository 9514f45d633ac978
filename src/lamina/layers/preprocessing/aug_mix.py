"""AugMix: mixes the image with several chains of random augmentations."""

from __future__ import annotations

import random
from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor
from lamina.layers.preprocessing.rand_augment import augmentation_ops

_BASIC = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)
_COLOUR = (
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
)


class AugMix(RandomImageLayer):
    """AugMix (Hendrycks et al., 2020): `w * x + (1 - w) * sum_i m_i chain_i(x)`.

    Each of `num_chains` chains applies up to `chain_depth` operations picked
    at random (a pick may be "none"); the chain weights `m` are drawn from a
    Dirichlet(alpha) and `w` from Beta(alpha, alpha); the result is clipped to
    `value_range`. Operation picks come from a seeded Python RNG on the host
    (a few integers); all other draws are seeded and made on the images'
    device. Identity in inference.

    Args:
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        num_chains: number of chains (default 3).
        chain_depth: operations per chain at most (default 3).
        factor: magnitude of the operations, in `[0, 1]` (default 0.3).
        alpha: Dirichlet and Beta parameter (default 1).
        all_ops: also use brightness, colour, contrast and sharpness.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.AugMix(seed=0)(np.ones((2, 6, 6, 3))).shape
    torch.Size([2, 6, 6, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        num_chains: int = 3,
        chain_depth: int = 3,
        factor: Any = 0.3,
        alpha: float = 1.0,
        all_ops: bool = True,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = symmetric_factor("factor", factor, (0, 1))
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self._picker = random.Random(self._base_seed)
        ops = augmentation_ops(self.factor, value_range, interpolation, self._base_seed)
        names = _BASIC + _COLOUR if all_ops else _BASIC
        self._names = list(names)
        self._ops = torch.nn.ModuleDict({name: ops[name] for name in names})

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        alpha = float(self.alpha)

        def dirichlet(device: torch.device) -> Any:
            conc = torch.full((self.num_chains,), alpha, device=device)
            return torch.distributions.Dirichlet(conc)

        mixing = self._sample(dirichlet, (), x).to(x.dtype)
        weight = self._beta(1, alpha, x).to(x.dtype)[0]
        mixed = torch.zeros_like(x)
        for i in range(self.num_chains):
            chain = x
            for _ in range(self.chain_depth):
                name = self._picker.choice([*self._names, None])
                if name is not None:
                    op: Any = self._ops[name]
                    chain = op._augment(chain)
            mixed = mixed + chain * mixing[i]
        out = weight * x + (1 - weight) * mixed
        return out.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        return {
            **self._config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
