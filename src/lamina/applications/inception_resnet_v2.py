"""InceptionResNetV2 (Szegedy et al., AAAI 2017), with Keras's layers and weights."""

from __future__ import annotations

from typing import Any

import torch

from lamina import backend, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

FILES = _common.WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/",
    (
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
        "e693bd0210a403b3192acc6073ad2e96",
    ),
    (
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "d19885ff4a710c122648d3b5c3b684e4",
    ),
)


def _axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(
    x: Any,
    filters: int,
    kernel_size: Any,
    strides: int = 1,
    padding: str = "same",
    activation: Any = "relu",
    use_bias: bool = False,
    name: str | None = None,
) -> Any:
    """Conv2D, BatchNormalization (no scale; skipped with a bias), activation."""
    x = layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=use_bias,
        name=name,
    )(x)
    if not use_bias:
        bn_name = None if name is None else f"{name}_bn"
        x = layers.BatchNormalization(axis=_axis(), scale=False, name=bn_name)(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(
            x
        )
    return x


class CustomScaleLayer(layers.Layer):
    """`inputs[0] + inputs[1] * scale`: the scaled residual of a block."""

    def __init__(self, scale: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return inputs[0] + inputs[1] * self.scale

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale}


def _chain(x: Any, specs: list[tuple]) -> Any:
    for spec in specs:
        x = conv2d_bn(x, *spec[:2], **(spec[2] if len(spec) > 2 else {}))
    return x


_BRANCHES = {
    "block35": [[(32, 1)], [(32, 1), (32, 3)], [(32, 1), (48, 3), (64, 3)]],
    "block17": [[(192, 1)], [(128, 1), (160, [1, 7]), (192, [7, 1])]],
    "block8": [[(192, 1)], [(192, 1), (224, [1, 3]), (256, [3, 1])]],
}


def inception_resnet_block(
    x: Any, scale: float, block_type: str, block_idx: int, activation: Any = "relu"
) -> Any:
    """An Inception branch mix added to `x` as `x + scale * residual`.

    Raises:
        ValueError: for an unknown `block_type`.
    """
    if block_type not in _BRANCHES:
        raise ValueError(
            'Unknown Inception-ResNet block type. Expects "block35", "block17" or '
            f'"block8", but got: {block_type}'
        )
    branches = [_chain(x, specs) for specs in _BRANCHES[block_type]]
    name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=_axis(), name=f"{name}_mixed")(branches)
    up = conv2d_bn(
        mixed, x.shape[_axis()], 1, activation=None, use_bias=True, name=f"{name}_conv"
    )
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{name}_ac")(x)
    return x


def _body(x: Any) -> Any:
    valid = {"padding": "valid"}
    x = _chain(x, [(32, 3, {"strides": 2, **valid}), (32, 3, valid), (64, 3)])
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _chain(x, [(80, 1, valid), (192, 3, valid)])
    x = layers.MaxPooling2D(3, strides=2)(x)
    branches = [
        conv2d_bn(x, 96, 1),
        _chain(x, [(48, 1), (64, 5)]),
        _chain(x, [(64, 1), (96, 3), (96, 3)]),
        conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1),
    ]
    x = layers.Concatenate(axis=_axis(), name="mixed_5b")(branches)
    for i in range(1, 11):
        x = inception_resnet_block(x, 0.17, "block35", i)
    down = {"strides": 2, "padding": "valid"}
    branches = [
        conv2d_bn(x, 384, 3, **down),
        _chain(x, [(256, 1), (256, 3), (384, 3, down)]),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ]
    x = layers.Concatenate(axis=_axis(), name="mixed_6a")(branches)
    for i in range(1, 21):
        x = inception_resnet_block(x, 0.1, "block17", i)
    branches = [
        _chain(x, [(256, 1), (384, 3, down)]),
        _chain(x, [(256, 1), (288, 3, down)]),
        _chain(x, [(256, 1), (288, 3), (320, 3, down)]),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x),
    ]
    x = layers.Concatenate(axis=_axis(), name="mixed_7a")(branches)
    for i in range(1, 10):
        x = inception_resnet_block(x, 0.2, "block8", i)
    x = inception_resnet_block(x, 1.0, "block8", 10, activation=None)
    return conv2d_bn(x, 1536, 1, name="conv_7b")


def InceptionResNetV2(
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "inception_resnet_v2",
) -> Model:
    """Instantiates InceptionResNetV2 (default input 299x299, at least 75x75;
    tf preprocessing). Arguments as `VGG16`'s."""
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, 299, 75, include_top, weights
    )
    x = _body(img_input)
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


__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]
