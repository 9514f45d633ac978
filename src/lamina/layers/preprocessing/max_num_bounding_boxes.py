"""MaxNumBoundingBoxes: pads or truncates bounding boxes to a fixed count."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.preprocessing._image_base import ImageLayer, dense_boxes


class MaxNumBoundingBoxes(ImageLayer):
    """Gives every image exactly `max_number` boxes (and labels).

    Called on `{"images": ..., "bounding_boxes": {"boxes": (B, N, 4),
    "labels": (B, N)}}` (or one image: `(N, 4)` and `(N,)`), with
    `bounding_box_format` set as Keras requires: boxes and labels beyond
    `max_number` are dropped, and missing ones are padded with `fill_value`.
    Images, segmentation masks and class labels pass unchanged, as does a
    plain images tensor. Runs on torch tensors, on the inputs' device.

    Args:
        max_number: the number of boxes per image.
        fill_value: the padding value of boxes and labels (default -1).
        bounding_box_format: the format of the boxes (`"xyxy"`, ...); needed to
            pass boxes, as in Keras.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy")
    >>> boxes = {"boxes": np.ones((1, 2, 4)), "labels": np.ones((1, 2))}
    >>> layer({"images": np.ones((1, 2, 2, 3)), "bounding_boxes": boxes})[
    ...     "bounding_boxes"
    ... ]["labels"].tolist()
    [[1.0, 1.0, -1.0]]
    """

    def __init__(self, max_number: int, fill_value: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def _fit(self, x: torch.Tensor) -> torch.Tensor:
        """Truncates or pads axis 1 of `x` to `max_number`."""
        x = x[:, : self.max_number]
        pad = self.max_number - x.shape[1]
        if pad > 0:
            widths = [0, 0] * (x.dim() - 2) + [0, pad]
            x = F.pad(x, widths, value=self.fill_value)
        return x

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, dict) or "bounding_boxes" not in inputs:
            return inputs
        self._require_box_format()
        boxes = inputs["bounding_boxes"]
        extra = set(boxes) - {"boxes", "labels"} if isinstance(boxes, dict) else ()
        if extra:
            raise KeyError(
                "There are unsupported keys in `bounding_boxes`: "
                f"{sorted(extra)}. Only `boxes` and `labels` are supported."
            )
        images = inputs.get("images")
        single = images is not None and torch.as_tensor(images).dim() == 3
        boxes = dense_boxes(boxes, single)
        boxes["boxes"] = self._fit(boxes["boxes"])
        boxes["labels"] = self._fit(boxes["labels"])
        if single:
            boxes = {k: v[0] for k, v in boxes.items()}
        return {**inputs, "bounding_boxes": boxes}

    def get_config(self) -> dict:
        config = {**self._config(), "max_number": self.max_number}
        # Keras's config omits fill_value (so its round trip loses it): ours
        # equals Keras's for the default and keeps any other value.
        if self.fill_value != -1:
            config["fill_value"] = self.fill_value
        return config
