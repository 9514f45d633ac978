"""CutMix: pastes a random patch of another image of the batch."""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.preprocessing._boxes import box_bounds, box_mask
from lamina.layers.preprocessing._image_base import RandomImageLayer, symmetric_factor


class CutMix(RandomImageLayer):
    """Replaces a random box of each image with the same box of another image.

    Per call: `alpha` is drawn from `factor` (plus 1e-6), a weight
    `w ~ Beta(alpha, alpha)` per image, and a box of sides `sqrt(1 - w)` times
    the image's, uniformly placed; the box is filled from a random permutation
    of the batch. Called on `{"images": ..., "labels": ...}`, labels are mixed
    in proportion to the pasted area, as Keras does; `"segmentation_masks"`
    get the same box pasted (in the compute dtype, as Keras), and
    `"bounding_boxes"` raise NotImplementedError, as in Keras. Unbatched images
    pass unchanged. Seeded draws on the images' device; identity in inference.

    Args:
        factor: range of `alpha`, a float in `[0, 1]` or a pair (default 1).
        seed: integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> lamina.layers.CutMix(seed=0)(np.ones((4, 6, 6, 3))).shape
    torch.Size([4, 6, 6, 3])
    """

    def __init__(
        self,
        factor: Any = 1.0,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = symmetric_factor("factor", factor, (0, 1))

    def call(self, inputs: Any, training: Any = True) -> Any:
        data = inputs if isinstance(inputs, dict) else {"images": inputs}
        if "bounding_boxes" in data:  # Keras's CutMix raises here too
            raise NotImplementedError(
                f"Layer {type(self).__name__} does not transform bounding boxes "
                "(Keras's CutMix does not either). Drop 'bounding_boxes' from the "
                "dict, or use MixUp, which carries them."
            )
        x, single = self._as_batch(data["images"])
        out = dict(data)
        if training and not single and x.device.type != "meta":
            B, H, W = x.shape[:3]  # batch, height, width
            alpha = self._uniform((), *self.factor, x) + 1e-6
            ratio = torch.sqrt(1.0 - self._beta(B, alpha, x).to(x.dtype))
            xs = box_bounds(self._uniform((B,), 0.0, 1.0, x), W, ratio)
            ys = box_bounds(self._uniform((B,), 0.0, 1.0, x), H, ratio)
            mask = box_mask(H, W, xs, ys, x)
            perm = self._permutation(B, x)
            x = torch.where(mask, x[perm], x)
            if "segmentation_masks" in data:  # cut and pasted as the images
                masks = self._masks_batch(data["segmentation_masks"], single)
                masks = masks.to(x.dtype)
                masks = torch.where(mask, masks[perm], masks)
                out["segmentation_masks"] = self._from_batch(masks, single)
            if "labels" in data:
                weight = 1.0 - (xs[1] - xs[0]) * (ys[1] - ys[0]) / (W * H)
                labels = torch.as_tensor(data["labels"], device=x.device).to(x.dtype)
                w = weight.reshape(-1, *[1] * (labels.dim() - 1))
                out["labels"] = w * labels + (1.0 - w) * labels[perm]
        out["images"] = self._from_batch(x, single)
        return out if isinstance(inputs, dict) else out["images"]

    def get_config(self) -> dict:
        return {**self._config(), "factor": self.factor, "seed": self.seed}
