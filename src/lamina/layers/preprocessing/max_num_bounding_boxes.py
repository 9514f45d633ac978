"""MaxNumBoundingBoxes: pads or truncates bounding boxes to a fixed count."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.layers.base import Layer


class MaxNumBoundingBoxes(Layer):
    """Gives every image exactly `max_number` boxes (and labels).

    Called on `{"images": ..., "bounding_boxes": {"boxes": (B, N, 4),
    "labels": (B, N)}}`: boxes and labels beyond `max_number` are dropped, and
    missing ones are padded with `fill_value`. Images pass unchanged. Runs on
    torch tensors, on the inputs' device.

    Args:
        max_number: the number of boxes per image.
        fill_value: the padding value of boxes and labels (default -1).

    Example:
    >>> import lamina
    >>> layer = lamina.layers.MaxNumBoundingBoxes(3)
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
        self.built = True

    def _convert_inputs(self, inputs: Any) -> Any:
        if isinstance(inputs, dict):  # nested {"bounding_boxes": {...}}
            return {k: self._convert_inputs(v) for k, v in inputs.items()}
        return super()._convert_inputs(inputs)

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
        boxes = dict(inputs["bounding_boxes"])
        extra = set(boxes) - {"boxes", "labels"}
        if extra:
            raise KeyError(
                "There are unsupported keys in `bounding_boxes`: "
                f"{sorted(extra)}. Only `boxes` and `labels` are supported."
            )
        boxes["boxes"] = self._fit(torch.as_tensor(boxes["boxes"]))
        boxes["labels"] = self._fit(torch.as_tensor(boxes["labels"]))
        return {**inputs, "bounding_boxes": boxes}

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "max_number": self.max_number,
            "fill_value": self.fill_value,
        }
