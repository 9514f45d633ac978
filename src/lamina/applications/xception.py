"""Xception (Chollet, CVPR 2017), with Keras's layer names and weights."""

from __future__ import annotations

from typing import Any

from lamina import backend, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

FILES = _common.WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/xception/",
    (
        "xception_weights_tf_dim_ordering_tf_kernels.h5",
        "0a58e3b7378bc2990ea3b43d5981f1f6",
    ),
    (
        "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "b0042744bf5b25fce3cb969f33bebb97",
    ),
)


def _axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else -1


def _sep_bn(x: Any, filters: int, name: str) -> Any:
    """SeparableConv2D (3x3, same) and its BatchNormalization `{name}_bn`."""
    x = layers.SeparableConv2D(
        filters, (3, 3), padding="same", use_bias=False, name=name
    )(x)
    return layers.BatchNormalization(axis=_axis(), name=f"{name}_bn")(x)


def _projection(x: Any, filters: int) -> Any:
    """The strided 1x1 shortcut of an entry/exit block (automatic names)."""
    r = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(
        x
    )
    return layers.BatchNormalization(axis=_axis())(r)


def _down_block(x: Any, filters: tuple[int, int], block: int, first_relu: bool) -> Any:
    """Two separable convs and a strided max pool, added to a projected shortcut."""
    residual = _projection(x, filters[1])
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, filters[0], f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D(
        (3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool"
    )(x)
    return layers.add([x, residual])


def Xception(
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "xception",
) -> Model:
    """Instantiates Xception (default input 299x299, at least 71x71; tf
    preprocessing). Arguments as `VGG16`'s."""
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, 299, 71, include_top, weights
    )
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(
        img_input
    )
    x = layers.BatchNormalization(axis=_axis(), name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=_axis(), name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _down_block(x, (128, 128), 2, first_relu=False)
    x = _down_block(x, (256, 256), 3, first_relu=True)
    x = _down_block(x, (728, 728), 4, first_relu=True)
    for i in range(8):
        residual, prefix = x, f"block{i + 5}"
        for j in (1, 2, 3):
            x = layers.Activation("relu", name=f"{prefix}_sepconv{j}_act")(x)
            x = _sep_bn(x, 728, f"{prefix}_sepconv{j}")
        x = layers.add([x, residual])
    x = _down_block(x, (728, 1024), 13, first_relu=True)
    x = _sep_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sep_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    if include_top:
        x = _common.classifier(x, True, None, classes, classifier_activation, weights)
    else:
        x = _common.pool(x, pooling, None, None)
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, FILES)


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """TF-style preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = ["Xception", "decode_predictions", "preprocess_input"]
