"""The base of RandomRotation, RandomZoom and RandomTranslation."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.layers.preprocessing._affine import (
    FILL_MODES,
    INTERPOLATIONS,
    affine_transform,
)
from lamina.layers.preprocessing._image_base import RandomImageLayer


class AffineAugmentation(RandomImageLayer):
    """Resamples each image through a random affine transform (in training)."""

    def __init__(
        self,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if fill_mode not in FILL_MODES:
            raise NotImplementedError(
                f"Unknown `fill_mode` {fill_mode}. Expected of one {FILL_MODES}."
            )
        if interpolation not in INTERPOLATIONS:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one "
                f"{INTERPOLATIONS}."
            )
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _matrix(self, x: torch.Tensor) -> torch.Tensor:
        """`(B, 8)` transforms mapping output pixels to input points."""
        raise NotImplementedError

    def _draw(self, x: torch.Tensor, training: Any) -> dict | None:
        """`{"matrix": (B, 8)}` in training (None in inference)."""
        if not training or x.device.type == "meta":
            return None
        return {"matrix": self._matrix(x)}

    def _apply_images(self, x: torch.Tensor, transform: dict | None) -> torch.Tensor:
        if transform is None:
            return x
        return affine_transform(
            x,
            transform["matrix"],
            self.interpolation,
            self.fill_mode,
            self.fill_value,
        )

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        return self._apply_images(x, self._draw(x, True))

    def _apply_masks(self, masks: torch.Tensor, transform: dict | None) -> torch.Tensor:
        """Masks resampled with nearest neighbours, in their own dtype (Keras)."""
        if transform is None:
            return masks
        out = affine_transform(
            masks.to(torch.float32),
            transform["matrix"],
            "nearest",
            self.fill_mode,
            self.fill_value,
        )
        return out if masks.is_floating_point() else out.round().to(masks.dtype)

    def _affine_config(self) -> dict:
        return {
            **self._config(),
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }


def rotation_matrix(
    angle_degrees: torch.Tensor, height: int, width: int
) -> torch.Tensor:
    """Rotation about the image centre, Keras's `_compute_affine_matrix` with
    no translation, unit scale and no shear."""
    angle = angle_degrees * (math.pi / 180.0)
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    cos, sin = torch.cos(angle), torch.sin(angle)
    zeros = torch.zeros_like(angle)
    a2 = cx - cx * cos - cy * -sin
    b2 = cy - cx * sin - cy * cos
    return torch.stack([cos, -sin, a2, sin, cos, b2, zeros, zeros], dim=1)
