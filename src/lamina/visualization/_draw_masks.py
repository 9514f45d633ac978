"""`draw_segmentation_masks`: class masks painted over a batch of images."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.backend import image_data_format, is_int_dtype, standardize_dtype
from lamina.ops import convert_to_tensor


def check_batched_images(images: Any) -> torch.Tensor:
    """`images` as a tensor, or an error if they are not a 4D batch."""
    images = convert_to_tensor(images)
    if images.ndim != 4:
        raise ValueError(
            "`images` must be batched 4D tensor. "
            f"Received: images.shape={tuple(images.shape)}"
        )
    return images


def color_palette(num_classes: int) -> list:
    """Keras's default class colours: `(i * (2**25-1, 2**15-1, 2**21-1)) % 255`."""
    palette = np.array([2**25 - 1, 2**15 - 1, 2**21 - 1])
    return [((i * palette) % 255).tolist() for i in range(num_classes)]


def _masks_tensor(masks: Any, channels_first: bool) -> torch.Tensor:
    """`(B, H, W)` integer class masks from `(B, H, W)` or `(B, H, W, 1)` ones."""
    masks = convert_to_tensor(masks)
    if not is_int_dtype(masks.dtype):
        raise TypeError(
            "`segmentation_masks` must be in integer dtype. "
            f"Received: segmentation_masks.dtype={standardize_dtype(masks.dtype)}"
        )
    if masks.ndim == 4:
        masks = masks.permute(0, 2, 3, 1) if channels_first else masks
        if masks.shape[-1] != 1:
            raise ValueError(
                "`segmentation_masks` must be (batch, height, width) or "
                "(batch, height, width, 1). "
                f"Received: segmentation_masks.shape={tuple(masks.shape)}"
            )
        masks = masks[..., 0]
    if masks.ndim != 3:
        raise ValueError(
            "`segmentation_masks` must be (batch, height, width) or "
            f"(batch, height, width, 1). Received: shape={tuple(masks.shape)}"
        )
    return masks.long()


def _class_colors(num_classes: int, color_mapping: Any) -> list:
    if color_mapping is None:
        return color_palette(num_classes)
    missing = [i for i in range(num_classes) if i not in color_mapping]
    if missing:
        raise ValueError(
            f"`color_mapping` needs a colour for every class 0..{num_classes - 1}. "
            f"Missing: {missing}. Received keys: {sorted(color_mapping)}"
        )
    return [color_mapping[i] for i in range(num_classes)]


def draw_segmentation_masks(
    images: Any,
    segmentation_masks: Any,
    num_classes: int | None = None,
    color_mapping: dict | None = None,
    alpha: float = 0.8,
    blend: bool = True,
    ignore_index: int = -1,
    data_format: str | None = None,
) -> Any:
    """Paints segmentation masks over images.

    A pixel of class `c` (`0 <= c < num_classes`) takes the colour of class
    `c`; with `blend`, the result is `image * (1 - alpha) + colour * alpha`,
    except where the mask equals `ignore_index`, which keeps the image.

    Args:
        images: `(batch, height, width, channels)` images (channels first when
            `data_format="channels_first"`), values in `[0, 255]`.
        segmentation_masks: integer masks, `(batch, height, width)` or
            `(batch, height, width, 1)`.
        num_classes: number of classes. `None` takes the largest class in the
            masks plus one (Keras on torch fails there; on its other backends
            it leaves the largest class unpainted).
        color_mapping: a dict from class index (`0..num_classes-1`) to an RGB
            colour. `None` uses Keras's default palette.
        alpha: opacity of the masks, in `[0, 1]`. Defaults to 0.8.
        blend: whether to blend with `alpha` (returns uint8 numpy) or return
            the painted images as they are (a float32 torch tensor, as Keras
            does). Defaults to `True`.
        ignore_index: the mask value left unpainted. Defaults to -1.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Returns:
        The painted images, channels last (as Keras returns them).

    Raises:
        ValueError: if `images` is not 4D, the masks have another shape, or a
            class is out of range.
        TypeError: if the masks are not integers.

    Example:
    >>> import numpy as np
    >>> images = np.full((1, 1, 2, 3), 100.0)
    >>> masks = np.array([[[1, -1]]])
    >>> draw_segmentation_masks(images, masks, color_mapping={0: (0, 0, 0), 1: (200, 0, 0)})
    array([[[[180,  20,  20],
             [100, 100, 100]]]], dtype=uint8)
    """
    channels_first = (data_format or image_data_format()) == "channels_first"
    images = check_batched_images(images)
    if channels_first:
        images = images.permute(0, 2, 3, 1)
    images = images.to(torch.float32)
    masks = _masks_tensor(segmentation_masks, channels_first).to(images.device)
    if num_classes is None:
        num_classes = int(masks.max()) + 1
    if int(masks.max()) >= num_classes:
        raise ValueError(
            f"`segmentation_masks` holds class {int(masks.max())}, but "
            f"num_classes={num_classes}: classes must be below `num_classes`."
        )
    colors = _class_colors(num_classes, color_mapping)
    painted = images.clone()
    for index, color in enumerate(colors):
        color = torch.as_tensor(color, dtype=torch.float32, device=images.device)
        painted[masks == index] = color
    if not blend:
        return painted
    mixed = images * (1 - alpha) + painted * alpha
    mixed = torch.where((masks != ignore_index)[..., None], mixed, images)
    return mixed.to(torch.uint8).cpu().numpy()
