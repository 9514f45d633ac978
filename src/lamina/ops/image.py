"""`keras.ops.image`: resizing, colour spaces, crops, patches, warps and SSIM.

>>> import torch
>>> from lamina.ops import image
>>> image.resize(torch.ones(1, 4, 4, 3), (2, 2)).shape
torch.Size([1, 2, 2, 3])
"""

from lamina.ops._image import (
    crop_images,
    extract_patches,
    extract_patches_3d,
    gaussian_blur,
    hsv_to_rgb,
    pad_images,
    resize,
    rgb_to_grayscale,
    rgb_to_hsv,
    sobel_edges,
    ssim,
)
from lamina.ops._image_warp import (
    affine_transform,
    elastic_transform,
    map_coordinates,
    perspective_transform,
    scale_and_translate,
)
from lamina.ops._operation import install as _install_symbolic_dispatch

__all__ = [
    "affine_transform",
    "crop_images",
    "elastic_transform",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "perspective_transform",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]

# A KerasTensor argument makes any of these functions record a graph node.
_install_symbolic_dispatch(globals(), __all__)
