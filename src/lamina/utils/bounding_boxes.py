"""`keras.utils.bounding_boxes`: box formats, geometry, IoU and anchor deltas.

The functions live in `lamina.layers.preprocessing._bounding_boxes`, next to
the image layers that move boxes with images; this module is their public name.
"""

from lamina.layers.preprocessing._bounding_boxes import (
    affine_transform,
    clip_to_image_size,
    compute_ciou,
    compute_iou,
    convert_format,
    crop,
    decode_deltas_to_boxes,
    encode_box_to_deltas,
    pad,
)

__all__ = [
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
