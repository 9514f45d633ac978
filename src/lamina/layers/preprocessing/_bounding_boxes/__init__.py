"""Bounding-box arithmetic on torch tensors: formats, geometry, IoU, anchor deltas.

It sits beside the image preprocessing layers, below `lamina.utils` (which
exports it as `lamina.utils.bounding_boxes`), so that augmentation layers can
move boxes with the images. Numpy and list inputs come back as torch tensors,
as Keras's torch backend returns them.
"""

from lamina.layers.preprocessing._bounding_boxes._deltas import (
    decode_deltas_to_boxes,
    encode_box_to_deltas,
)
from lamina.layers.preprocessing._bounding_boxes._formats import (
    SUPPORTED_FORMATS,
    convert_format,
)
from lamina.layers.preprocessing._bounding_boxes._geometry import (
    affine_transform,
    clip_to_image_size,
    crop,
    pad,
)
from lamina.layers.preprocessing._bounding_boxes._iou import compute_ciou, compute_iou

__all__ = [
    "SUPPORTED_FORMATS",
    "affine_transform",
    "clip_to_image_size",
    "compute_ciou",
    "compute_iou",
    "convert_format",
    "crop",
    "decode_deltas_to_boxes",
    "encode_box_to_deltas",
    "pad",
]
