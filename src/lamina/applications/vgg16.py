"""VGG16 (Simonyan & Zisserman, ICLR 2015), with Keras's layer names and weights."""

from __future__ import annotations

from typing import Any

from lamina import layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/"
FILES = _common.WeightFiles(
    _ORIGIN + "vgg16/",
    ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b"),
    (
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "6d6bbae143d832006294945121d1f1fc",
    ),
)


def build_vgg(
    convs_per_block: tuple[int, ...],
    files: _common.WeightFiles,
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: Any,
    classes: int,
    classifier_activation: Any,
    name: str,
) -> Model:
    """A VGG network: five blocks of 3x3 convolutions and max pooling, then
    `fc1`, `fc2` and `predictions` (4096, 4096, `classes`)."""
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, 224, 32, include_top, weights
    )
    x = img_input
    for block, (filters, convs) in enumerate(
        zip((64, 128, 256, 512, 512), convs_per_block, strict=True), start=1
    ):
        for i in range(1, convs + 1):
            x = layers.Conv2D(
                filters,
                (3, 3),
                activation="relu",
                padding="same",
                name=f"block{block}_conv{i}",
            )(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(
            x
        )
    else:
        x = _common.pool(x, pooling, None, None)
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def VGG16(
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "vgg16",
) -> Model:
    """Instantiates VGG16 (13 convolutions and 3 dense layers).

    The default input is 224x224x3; call `vgg16.preprocess_input` (caffe
    mode: BGR, minus the ImageNet mean) on RGB images first.

    Args:
        include_top: include the three fully-connected layers at the top.
        weights: `None` (random), `"imagenet"` (Keras's published weights,
            from the Keras cache folder or fetched once), or a weights file.
        input_tensor: an optional KerasTensor to use as the model's input.
        input_shape: the input shape when `include_top` is False (at least
            32x32, 3 channels for ImageNet weights).
        pooling: `None`, `"avg"` or `"max"` over the last feature map when
            `include_top` is False.
        classes: the number of classes when `include_top` is True.
        classifier_activation: the activation of the `predictions` layer
            (`None` or `"softmax"` with pretrained weights).
        name: the model's name.

    Returns:
        A functional `Model`.
    """
    return build_vgg(
        (2, 2, 3, 3, 3),
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


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """Caffe-style preprocessing: RGB to BGR, minus the ImageNet channel means."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = ["VGG16", "decode_predictions", "preprocess_input"]
