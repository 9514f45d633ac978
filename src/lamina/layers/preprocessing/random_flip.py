"""RandomFlip: flips images at random during training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(RandomImageLayer):
    """Flips each image left-right and/or top-bottom with probability 1/2.

    Active only in training (a direct call counts as training, as in Keras;
    inside a model, `predict` and `evaluate` leave images unchanged). Draws
    are seeded and made on the images' device. As in Keras, with
    `"horizontal_and_vertical"` one draw per image decides both flips.

    Args:
        mode: `"horizontal"`, `"vertical"` or `"horizontal_and_vertical"`.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.RandomFlip("horizontal", seed=1)
    >>> layer(np.ones((2, 3, 3, 1)), training=False).shape
    torch.Size([2, 3, 3, 1])
    """

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in _MODES:
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument "
                f"{mode}. Expected one of {list(_MODES)}."
            )
        self.mode = mode

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        flips = self._uniform((x.shape[0], 1, 1, 1), 0.0, 1.0, x) <= 0.5
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            x = torch.where(flips, x.flip(2), x)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            x = torch.where(flips, x.flip(1), x)
        return x

    def get_config(self) -> dict:
        return {**self._config(), "seed": self.seed, "mode": self.mode}
