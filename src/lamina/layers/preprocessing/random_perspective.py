"""RandomPerspective: warps images by a random perspective in training."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._affine import INTERPOLATIONS, affine_transform
from lamina.layers.preprocessing._bounding_boxes import clip_to_image_size
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


def homography(start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """`(B, 8)` perspective transforms mapping each `end` corner to its `start`."""
    rows = []
    for i in range(4):
        ex, ey = end[:, i, 0], end[:, i, 1]
        sx, sy = start[:, i, 0], start[:, i, 1]
        one, zero = torch.ones_like(ex), torch.zeros_like(ex)
        rows.append(
            torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1)
        )
        rows.append(
            torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1)
        )
    matrix = torch.stack(rows, dim=1)  # (B, 8, 8)
    target = start.reshape(-1, 8, 1)
    return torch.linalg.solve(matrix, target).reshape(-1, 8)


class RandomPerspective(RandomImageLayer):
    """Moves each image's corners by random offsets and warps it accordingly.

    Each corner `p` goes to `p + p * d`, `d` uniform in `[-scale / 2, scale /
    2]` per coordinate (so the top-left corner stays, as in Keras); points
    outside the image take `fill_value`. An image is warped when a uniform draw
    falls below a probability drawn from `factor`. Seeded draws on the images'
    device; identity in inference.

    Called on a dict `{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}, "segmentation_masks": ...}` (with `bounding_box_format`
    set), each box becomes the box around its warped corners, clipped to the
    image (a box left with no area gets label -1), and masks warp with nearest
    neighbours, as in Keras (which, unlike ours, returns such boxes in
    `"xyxy"` whatever the format).

    Args:
        factor: probability range, a float in `[0, 1]` or a pair (default 1).
        scale: size of the corner offsets, in `[0, 1]` (default 1).
        interpolation: `"bilinear"` (default) or `"nearest"`.
        fill_value: the value outside the image.
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        bounding_box_format: the format of boxes in dict inputs (`"xyxy"`,
            `"rel_xyxy"`, `"xywh"`, ...); required to pass boxes.

    Example:
    >>> import lamina
    >>> lamina.layers.RandomPerspective(seed=0)(np.ones((2, 5, 5, 3))).shape
    torch.Size([2, 5, 5, 3])
    """

    def __init__(
        self,
        factor: Any = 1.0,
        scale: float = 1.0,
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))
        if scale < 0.0 or scale > 1.0:
            raise ValueError(
                f"The `scale` argument should be a number in the range [0,1]. "
                f"Received: scale={scale}"
            )
        if interpolation not in INTERPOLATIONS:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one "
                f"{INTERPOLATIONS}."
            )
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _draw(self, x: torch.Tensor, training: Any) -> dict | None:
        """Which images warp, their corners and `(B, 8)` transforms (training)."""
        if not training or x.device.type == "meta":
            return None
        B, H, W = x.shape[:3]  # batch, height, width
        probability = self._uniform((B,), *self.factor, x)
        apply = self._uniform((B,), 0.0, 1.0, x) < probability
        offsets = self._uniform((B, 4, 2), -0.5 * self.scale, 0.5 * self.scale, x)
        corners = [[0.0, 0.0], [W - 1, 0.0], [0.0, H - 1], [W - 1, H - 1]]
        start = torch.tensor(corners, dtype=x.dtype, device=x.device).expand(B, 4, 2)
        end = start + start * offsets
        matrix = homography(start, end)
        return {"apply": apply, "start": start, "end": end, "matrix": matrix}

    def _apply_images(
        self, x: torch.Tensor, transform: dict | None, interpolation: str = ""
    ) -> torch.Tensor:
        if transform is None:
            return x
        warped = affine_transform(
            x,
            transform["matrix"],
            interpolation or self.interpolation,
            "constant",
            self.fill_value,
            True,
        )
        return torch.where(transform["apply"][:, None, None, None], warped, x)

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        return self._apply_images(x, self._draw(x, True))

    def _apply_masks(self, masks: torch.Tensor, transform: dict | None) -> torch.Tensor:
        """Masks warped with nearest neighbours, in their own dtype (Keras)."""
        if transform is None:
            return masks
        out = self._apply_images(masks.to(torch.float32), transform, "nearest")
        return out if masks.is_floating_point() else out.round().to(masks.dtype)

    def _apply_boxes(
        self, boxes: dict, transform: dict | None, height: int, width: int
    ) -> dict:
        """The box around each warped box's corners, clipped to the image (a
        box left with no area gets label -1), as Keras does."""
        if transform is None:
            return boxes
        boxes = self._to_xyxy(boxes, height, width)
        b = boxes["boxes"]
        m = transform["matrix"].to(b.dtype)
        full = torch.cat([m, torch.ones_like(m[:, :1])], dim=1).reshape(-1, 3, 3)
        forward = torch.linalg.inv(full)  # input points to output points
        x1, y1, x2, y2 = b.unbind(-1)
        xs = torch.stack([x1, x2, x1, x2], dim=-1)  # (B, N, 4 corners)
        ys = torch.stack([y1, y2, y2, y1], dim=-1)
        points = torch.stack([xs, ys, torch.ones_like(xs)], dim=-1)  # (B, N, 4, 3)
        moved = torch.einsum("bij,bnkj->bnki", forward, points)
        px, py = moved[..., 0] / moved[..., 2], moved[..., 1] / moved[..., 2]
        warped = torch.stack(
            [px.amin(-1), py.amin(-1), px.amax(-1), py.amax(-1)], dim=-1
        )
        apply = transform["apply"][:, None, None]
        boxes["boxes"] = torch.where(apply, warped, b)
        boxes = clip_to_image_size(boxes, height, width, "xyxy")
        return self._from_xyxy(boxes, height, width)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }
