"""InceptionV3 (Szegedy et al., CVPR 2016), with Keras's layers and weights."""

from __future__ import annotations

from typing import Any

from lamina import backend, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

FILES = _common.WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/",
    (
        "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
        "9a0d58056eeedaa3f26cb7ebd46da564",
    ),
    (
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "bcbd6486424b2319ff4ef7d526e38f63",
    ),
)


def _axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(
    x: Any,
    filters: int,
    num_row: int,
    num_col: int,
    padding: str = "same",
    strides: tuple[int, int] = (1, 1),
    name: str | None = None,
) -> Any:
    """Conv2D (no bias), BatchNormalization (no scale) and ReLU."""
    conv_name, bn_name = (f"{name}_conv", f"{name}_bn") if name else (None, None)
    x = layers.Conv2D(
        filters,
        (num_row, num_col),
        strides=strides,
        padding=padding,
        use_bias=False,
        name=conv_name,
    )(x)
    x = layers.BatchNormalization(axis=_axis(), scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def _chain(x: Any, specs: list[tuple]) -> Any:
    """`conv2d_bn` applied in sequence: each spec is (filters, rows, cols[, kwargs])."""
    for spec in specs:
        x = conv2d_bn(x, *spec[:3], **(spec[3] if len(spec) > 3 else {}))
    return x


def _avg_branch(x: Any, filters: int) -> Any:
    pooled = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(pooled, filters, 1, 1)


def _block_a(x: Any, pool_filters: int, name: str) -> Any:
    branches = [
        conv2d_bn(x, 64, 1, 1),
        _chain(x, [(48, 1, 1), (64, 5, 5)]),
        _chain(x, [(64, 1, 1), (96, 3, 3), (96, 3, 3)]),
        _avg_branch(x, pool_filters),
    ]
    return layers.concatenate(branches, axis=_axis(), name=name)


def _block_c(x: Any, width: int, name: str) -> Any:
    branches = [
        conv2d_bn(x, 192, 1, 1),
        _chain(x, [(width, 1, 1), (width, 1, 7), (192, 7, 1)]),
        _chain(
            x, [(width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)]
        ),
        _avg_branch(x, 192),
    ]
    return layers.concatenate(branches, axis=_axis(), name=name)


def _block_e(x: Any, i: int) -> Any:
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = layers.concatenate(
        [conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)],
        axis=_axis(),
        name=f"mixed9_{i}",
    )
    d3 = _chain(x, [(448, 1, 1), (384, 3, 3)])
    d3 = layers.concatenate(
        [conv2d_bn(d3, 384, 1, 3), conv2d_bn(d3, 384, 3, 1)], axis=_axis()
    )
    return layers.concatenate(
        [branch1x1, b3, d3, _avg_branch(x, 192)], axis=_axis(), name=f"mixed{9 + i}"
    )


def _body(x: Any) -> Any:
    """The stem and the eleven mixed blocks."""
    valid = {"padding": "valid"}
    x = _chain(
        x, [(32, 3, 3, {"strides": (2, 2), **valid}), (32, 3, 3, valid), (64, 3, 3)]
    )
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _chain(x, [(80, 1, 1, valid), (192, 3, 3, valid)])
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _block_a(x, 32, "mixed0")
    x = _block_a(x, 64, "mixed1")
    x = _block_a(x, 64, "mixed2")
    down = {"strides": (2, 2), "padding": "valid"}
    x = layers.concatenate(
        [
            conv2d_bn(x, 384, 3, 3, **down),
            _chain(x, [(64, 1, 1), (96, 3, 3), (96, 3, 3, down)]),
            layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
        ],
        axis=_axis(),
        name="mixed3",
    )
    x = _block_c(x, 128, "mixed4")
    x = _block_c(x, 160, "mixed5")
    x = _block_c(x, 160, "mixed6")
    x = _block_c(x, 192, "mixed7")
    x = layers.concatenate(
        [
            _chain(x, [(192, 1, 1), (320, 3, 3, down)]),
            _chain(x, [(192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3, down)]),
            layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
        ],
        axis=_axis(),
        name="mixed8",
    )
    return _block_e(_block_e(x, 0), 1)


def InceptionV3(
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "inception_v3",
) -> Model:
    """Instantiates InceptionV3 (default input 299x299, at least 75x75; tf
    preprocessing). Arguments as `VGG16`'s."""
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


__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]
