"""VGG19 (Simonyan & Zisserman, ICLR 2015), with Keras's layer names and weights."""

from __future__ import annotations

from typing import Any

from lamina.applications import _common
from lamina.applications.vgg16 import build_vgg, decode_predictions, preprocess_input
from lamina.models import Model

FILES = _common.WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/",
    ("vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"),
    (
        "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "253f8cb515780f3b799900260a226db6",
    ),
)


def VGG19(
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "vgg19",
) -> Model:
    """Instantiates VGG19 (16 convolutions and 3 dense layers).

    Arguments as `VGG16`; call `vgg19.preprocess_input` (caffe mode) on RGB
    images first.
    """
    return build_vgg(
        (2, 2, 4, 4, 4),
        FILES,
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
