"""MixUp: blends each image (and label) with another one of the batch."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._image_base import RandomImageLayer, dense_boxes


class MixUp(RandomImageLayer):
    """Mixes images pairwise: `w * x + (1 - w) * x[perm]`, in training only.

    Per call, a random permutation of the batch and, per image, a weight
    `w ~ Beta(alpha, alpha)` are drawn (on the images' device, seeded). Called
    on a dict `{"images": ..., "labels": ...}`, the labels are mixed with the
    same weights and permutation, as Keras does. With `bounding_box_format`
    set, `"bounding_boxes"` of a dict get each image's partner's boxes and
    labels appended on the box axis (Keras appends the boxes there too, but
    its labels on the batch axis), and `"segmentation_masks"` are mixed as the
    images are (Keras's torch backend mixes flattened masks). Identity in
    inference.

    Args:
        alpha: the Beta distribution's parameter (default 0.2).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: integer seed.
        bounding_box_format: the format of boxes in dict inputs; required to
            pass boxes.

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

    def _draw_mix(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A permutation and Beta weights, both on `x`'s device."""
        n = x.shape[0]
        perm = self._permutation(n, x)
        return perm, self._beta(n, torch.tensor(float(self.alpha)), x)

    def call(self, inputs: Any, training: Any = True) -> Any:
        data = inputs if isinstance(inputs, dict) else {"images": inputs}
        x, single = self._as_batch(data["images"])
        out = dict(data)
        perm = None
        if training and x.device.type != "meta":
            perm, weight = self._draw_mix(x)
            w = weight.to(x.dtype).reshape(-1, 1, 1, 1)
            x = w * x + (1.0 - w) * x[perm]
            if "labels" in data:
                labels = torch.as_tensor(data["labels"], device=x.device).to(x.dtype)
                lw = weight.to(labels.dtype).reshape(-1, *[1] * (labels.dim() - 1))
                out["labels"] = lw * labels + (1.0 - lw) * labels[perm]
            if "segmentation_masks" in data:  # mixed as the images are
                masks = self._masks_batch(data["segmentation_masks"], single).to(w)
                masks = w * masks + (1.0 - w) * masks[perm]
                out["segmentation_masks"] = self._from_batch(masks, single)
        if "bounding_boxes" in data:
            out["bounding_boxes"] = self._mix_boxes(
                data["bounding_boxes"], perm, single
            )
        out["images"] = self._from_batch(x, single)
        return out if isinstance(inputs, dict) else out["images"]

    def _mix_boxes(self, boxes: Any, perm: torch.Tensor | None, single: bool) -> dict:
        """Each image keeps its boxes and gains its partner's (as Keras appends
        them on the box axis; labels too, where Keras appends on the batch axis)."""
        self._require_box_format()
        boxes = dense_boxes(boxes, single)
        if perm is not None:
            for key in ("boxes", "labels"):
                value = boxes[key]
                boxes[key] = torch.cat([value, value[perm.to(value.device)]], dim=1)
        if single:
            boxes = {
                k: v[0] if k in ("boxes", "labels") else v for k, v in boxes.items()
            }
        return boxes

    def get_config(self) -> dict:
        return {**self._config(), "alpha": self.alpha, "seed": self.seed}
