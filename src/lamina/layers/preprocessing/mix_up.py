"""MixUp: blends each image (and label) with another one of the batch."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer


class MixUp(RandomImageLayer):
    """Mixes images pairwise: `w * x + (1 - w) * x[perm]`, in training only.

    Per call, a random permutation of the batch and, per image, a weight
    `w ~ Beta(alpha, alpha)` are drawn (on the images' device, seeded). Called
    on a dict `{"images": ..., "labels": ...}`, the labels are mixed with the
    same weights and permutation, as Keras does. Identity in inference.

    Args:
        alpha: the Beta distribution's parameter (default 0.2).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.

    Example:
    >>> import lamina
    >>> out = lamina.layers.MixUp(seed=0)(
    ...     {"images": np.ones((4, 2, 2, 3)), "labels": np.eye(4)}
    ... )
    >>> sorted(out)
    ['images', 'labels']
    """

    def __init__(
        self,
        alpha: float = 0.2,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.alpha = alpha

    def _draw(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A permutation and Beta weights, both on `x`'s device."""
        n = x.shape[0]
        perm = self._permutation(n, x)
        return perm, self._beta(n, torch.tensor(float(self.alpha)), x)

    def call(self, inputs: Any, training: Any = True) -> Any:
        data = inputs if isinstance(inputs, dict) else {"images": inputs}
        x, single = self._as_batch(data["images"])
        out = dict(data)
        if training and x.device.type != "meta":
            perm, weight = self._draw(x)
            w = weight.to(x.dtype).reshape(-1, 1, 1, 1)
            x = w * x + (1.0 - w) * x[perm]
            if "labels" in data:
                labels = torch.as_tensor(data["labels"], device=x.device).to(x.dtype)
                lw = weight.to(labels.dtype).reshape(-1, *[1] * (labels.dim() - 1))
                out["labels"] = lw * labels + (1.0 - lw) * labels[perm]
        out["images"] = self._from_batch(x, single)
        return out if isinstance(inputs, dict) else out["images"]

    def get_config(self) -> dict:
        return {**self._config(), "alpha": self.alpha, "seed": self.seed}
