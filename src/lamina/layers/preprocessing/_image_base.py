"""Shared plumbing of the image preprocessing and augmentation layers.

- Keras's preprocessing layers default to `training=True` in `call`: a direct
  call augments, while inside a model the model's flag applies (off in
  `predict` and `evaluate`).
- Random draws come from a `torch.Generator` on the images' device, seeded
  once from `seed` (or from torch's global generator when `seed` is None), so
  augmentation costs no copy to the host.
- Images are `(batch, height, width, channels)` (or channels first), or one
  unbatched image of rank 3; the computation runs channels last on a batch.
"""

from __future__ import annotations

from typing import Any

import torch

from lamina.layers.base import Layer
from lamina.layers.convolutional import _conv_utils as cu
from lamina.layers.preprocessing._bounding_boxes import (
    SUPPORTED_FORMATS,
    convert_format,
)


class ImageLayer(Layer):
    """Base of the image layers: data format, rank handling and the output dtype."""

    def __init__(
        self,
        data_format: str | None = None,
        bounding_box_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = cu.normalize_data_format(data_format)
        if bounding_box_format is not None and (
            not isinstance(bounding_box_format, str)
            or bounding_box_format.lower() not in SUPPORTED_FORMATS
        ):
            raise ValueError(
                f"Layer {type(self).__name__} got an unknown `bounding_box_format`: "
                f"{bounding_box_format!r}. Expected one of {list(SUPPORTED_FORMATS)}."
            )
        self.bounding_box_format = bounding_box_format
        self.built = True

    def _as_batch(self, images: torch.Tensor) -> tuple[torch.Tensor, bool]:
        """Float images as a channels-last batch, and whether the input was one image."""
        if images.dim() not in (3, 4):
            raise ValueError(
                f"Layer '{self.name}' expects images of rank 3 (one image) or 4 (a "
                f"batch). Received input with shape={tuple(images.shape)}"
            )
        single = images.dim() == 3
        x = images.unsqueeze(0) if single else images
        if self.data_format == "channels_first":
            x = x.permute(0, 2, 3, 1)
        return x.to(self._dtype_policy.torch_compute_dtype), single

    def _from_batch(self, x: torch.Tensor, single: bool) -> torch.Tensor:
        if self.data_format == "channels_first":
            x = x.permute(0, 3, 1, 2)
        return x[0] if single else x

    def _config(self) -> dict:
        config = {**super().get_config(), "data_format": self.data_format}
        if self.bounding_box_format is not None:  # as Keras: only when set
            config["bounding_box_format"] = self.bounding_box_format
        return config

    # ---- dict inputs: {"images", "bounding_boxes", "segmentation_masks", ...}
    # Only a dict input takes this path; plain image tensors never reach it.
    # A layer that supports dicts overrides `_draw`, `_apply`, `_apply_masks`
    # and `_apply_boxes`; the transformation drawn once serves every entry.

    def _convert_inputs(self, inputs: Any) -> Any:
        if isinstance(inputs, dict):  # nested {"bounding_boxes": {...}}
            return {k: self._convert_inputs(v) for k, v in inputs.items()}
        return super()._convert_inputs(inputs)

    # Colour and occlusion layers change pixel values only: in a dict, their
    # boxes and masks pass unchanged (Keras's transform_bounding_boxes and
    # transform_segmentation_masks return them as they are).
    _pixel_only = False

    def _draw(self, x: torch.Tensor, training: Any) -> Any:
        """The transformation of the channels-last batch `x` (None: identity)."""
        if self._pixel_only:
            return True
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not support dict inputs "
            "(images with bounding boxes or segmentation masks) yet. Pass the "
            "images tensor alone."
        )

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _apply_images(self, x: torch.Tensor, transform: Any) -> torch.Tensor:
        """The channels-last batch `x` after `transform`."""
        if self._pixel_only:
            return self._augment(x) if transform else x
        raise NotImplementedError

    def _apply_masks(self, masks: torch.Tensor, transform: Any) -> torch.Tensor:
        """Segmentation masks (channels-last batch) after `transform`."""
        if self._pixel_only:
            return masks
        raise NotImplementedError

    def _apply_boxes(
        self, boxes: dict, transform: Any, height: int, width: int
    ) -> dict:
        """`{"boxes": (B, N, 4) float32 in bounding_box_format, "labels": ...}`
        after `transform`, for input images of `height` x `width`."""
        if self._pixel_only:
            return boxes
        raise NotImplementedError

    def _masks_batch(self, masks: Any, single: bool) -> torch.Tensor:
        masks = torch.as_tensor(masks)
        if masks.dim() != (3 if single else 4):
            raise ValueError(
                f"Layer '{self.name}' expects `segmentation_masks` of the images' "
                f"rank ({3 if single else 4}). Received: segmentation_masks.shape="
                f"{tuple(masks.shape)}"
            )
        m = masks.unsqueeze(0) if single else masks
        return m.permute(0, 2, 3, 1) if self.data_format == "channels_first" else m

    def _call_dict(self, data: dict, training: Any = True) -> dict:
        if "images" not in data:
            raise ValueError(
                f"Layer '{self.name}' received a dict without an 'images' entry. "
                "Expected {'images': ..., 'bounding_boxes': {'boxes': ..., "
                f"'labels': ...}}, 'segmentation_masks': ...}}. Received keys: "
                f"{sorted(data)}"
            )
        x, single = self._as_batch(torch.as_tensor(data["images"]))
        height, width = int(x.shape[1]), int(x.shape[2])
        transform = self._draw(x, training)
        out = dict(data)
        out["images"] = self._from_batch(self._apply_images(x, transform), single)
        if "bounding_boxes" in data:
            self._require_box_format()
            boxes = dense_boxes(data["bounding_boxes"], single)
            boxes = self._apply_boxes(boxes, transform, height, width)
            if single:
                boxes = {
                    k: v[0] if k in ("boxes", "labels") else v for k, v in boxes.items()
                }
            out["bounding_boxes"] = boxes
        if "segmentation_masks" in data:
            masks = self._masks_batch(data["segmentation_masks"], single)
            out["segmentation_masks"] = self._from_batch(
                self._apply_masks(masks, transform), single
            )
        if "labels" in data:  # class labels follow the image unchanged
            out["labels"] = torch.as_tensor(data["labels"])
        return out

    def _require_box_format(self) -> None:
        if not self.bounding_box_format:
            raise ValueError(
                "You passed an input with a 'bounding_boxes' key, but you "
                "didn't specify a bounding box format. Pass a "
                f"`bounding_box_format` argument to your {type(self).__name__} "
                "layer, e.g. `bounding_box_format='xyxy'`."
            )

    @property
    def _box_format(self) -> str:
        """`bounding_box_format`, checked set (by `_require_box_format`)."""
        return str(self.bounding_box_format)

    def _to_xyxy(self, boxes: dict, height: Any, width: Any) -> dict:
        return convert_format(dict(boxes), self._box_format, "xyxy", height, width)

    def _from_xyxy(self, boxes: dict, height: Any, width: Any) -> dict:
        return convert_format(dict(boxes), "xyxy", self._box_format, height, width)


def dense_boxes(boxes: Any, single: bool) -> dict:
    """`bounding_boxes` checked, as tensors (float32 boxes), with a batch axis."""
    if not isinstance(boxes, dict) or "boxes" not in boxes or "labels" not in boxes:
        raise ValueError(
            "Expected `bounding_boxes` to be a dict with keys 'boxes' and "
            f"'labels'. Received: {type(boxes).__name__}"
            + (f" with keys {sorted(boxes)}" if isinstance(boxes, dict) else "")
        )
    out = dict(boxes)
    out["boxes"] = torch.as_tensor(boxes["boxes"]).to(torch.float32)
    out["labels"] = torch.as_tensor(boxes["labels"])
    rank = out["boxes"].dim()
    if rank != (2 if single else 3) or out["boxes"].shape[-1] != 4:
        raise ValueError(
            "Expected `bounding_boxes['boxes']` of shape "
            f"{'(num_boxes, 4)' if single else '(batch_size, num_boxes, 4)'} "
            f"for {'one image' if single else 'a batch of images'}. Received: "
            f"bounding_boxes['boxes'].shape={tuple(out['boxes'].shape)}"
        )
    if single:
        out["boxes"] = out["boxes"][None]
        out["labels"] = out["labels"][None]
    return out


class RandomImageLayer(ImageLayer):
    """An augmentation: active in training only, seeded, drawn on the device."""

    def __init__(
        self, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self._base_seed = (
            int(seed) if seed is not None else int(torch.randint(0, 2**62, (1,)).item())
        )
        self._generators: dict = {}

    def _draw(self, x: torch.Tensor, training: Any) -> Any:
        if self._pixel_only:
            return bool(training)  # augment in training only
        return super()._draw(x, training)

    def _resolve_training(self, kwargs: dict, outer: bool) -> Any:
        if kwargs.get("training") is None and outer:
            kwargs["training"] = True  # Keras's `call(..., training=True)`
        return super()._resolve_training(kwargs, outer)

    def _generator(self, device: torch.device) -> torch.Generator:
        gen = self._generators.get(device)
        if gen is None:
            gen = torch.Generator(device=device)
            gen.manual_seed(self._base_seed)
            self._generators[device] = gen
        return gen

    def _uniform(
        self, shape: tuple, low: float, high: float, like: torch.Tensor
    ) -> torch.Tensor:
        """Uniform draws in `[low, high)` on `like`'s device (no host copy)."""
        if like.device.type == "meta":
            return torch.empty(shape, device="meta")
        u = torch.rand(
            shape, generator=self._generator(like.device), device=like.device
        )
        return low + (high - low) * u

    def _sample(self, make: Any, shape: tuple, like: torch.Tensor) -> torch.Tensor:
        """Draws `make(device).sample(shape)` from a torch distribution.

        torch's Beta/Gamma samplers take no generator: the device's global RNG
        is forked and seeded from this layer's seed and a call counter, so the
        draws are reproducible and stay on the device (no sync).
        """
        count = self.__dict__.setdefault("_dist_calls", 0)
        self.__dict__["_dist_calls"] = count + 1
        devices = [like.device] if like.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self._base_seed + count)
            return make(like.device).sample(shape)

    def _beta(self, n: int, alpha: Any, like: torch.Tensor) -> torch.Tensor:
        """`n` draws of `Beta(alpha, alpha)` on `like`'s device."""

        def make(device: torch.device) -> Any:
            a = torch.as_tensor(alpha, dtype=torch.float32, device=device)
            return torch.distributions.Beta(a, a)

        return self._sample(make, (n,), like)

    def _permutation(self, n: int, like: torch.Tensor) -> torch.Tensor:
        return torch.randperm(
            n, generator=self._generator(like.device), device=like.device
        )

    def call(self, inputs: torch.Tensor, training: Any = True) -> torch.Tensor:
        if isinstance(inputs, dict):
            return self._call_dict(inputs, training)
        x, single = self._as_batch(inputs)
        if training:
            x = self._augment(x)
        return self._from_batch(x, single)


def symmetric_factor(
    name: str, factor: Any, bounds: tuple, open_low: bool = False
) -> tuple[float, float]:
    """`factor` as `(lower, upper)`: a number `f` means `(-f, f)` clipped to the
    bounds' low end; a pair is sorted. Raises for values outside `bounds`."""
    low, high = bounds
    error = ValueError(
        f"The `{name}` argument should be a number (or a list of two numbers) in "
        f"the range {'(' if open_low else '['}{low}, {high}]. Received: {name}={factor}"
    )

    def outside(v: float) -> bool:
        return v > high or v < low or (open_low and v == low)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or any(outside(v) for v in factor):
            raise error
        lower, upper = sorted(factor)
        return (lower, upper)
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if outside(factor):
            raise error
        f = abs(factor)
        return (max(-f, low) if not open_low else -f, f)
    raise error
