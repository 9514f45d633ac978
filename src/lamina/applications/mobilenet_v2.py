"""MobileNetV2 (Sandler et al., CVPR 2018), with Keras's layer names and weights."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import backend, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

BASE_WEIGHT_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
)
_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of blocks 0..16
_BLOCKS = (
    [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6)]
    + [(64, 2, 6)]
    + [(64, 1, 6)] * 3
    + [(96, 1, 6)] * 3
    + [(160, 2, 6)]
    + [(160, 1, 6)] * 2
    + [(320, 1, 6)]
)


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """`v` rounded to a multiple of `divisor`, never more than 10% down."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _bn(name: str) -> layers.BatchNormalization:
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(
    inputs: Any, expansion: int, stride: int, alpha: float, filters: int, block_id: int
) -> Any:
    """Expand (1x1), depthwise 3x3, project (1x1, linear); residual when shapes match."""
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = inputs.shape[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(
            expansion * in_channels,
            kernel_size=1,
            padding="same",
            use_bias=False,
            activation=None,
            name=f"{prefix}expand",
        )(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(_bn(f"{prefix}expand_BN")(x))
    if stride == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad"
        )(x)
    x = layers.DepthwiseConv2D(
        kernel_size=3,
        strides=stride,
        activation=None,
        use_bias=False,
        padding="same" if stride == 1 else "valid",
        name=f"{prefix}depthwise",
    )(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(
        _bn(f"{prefix}depthwise_BN")(x)
    )
    x = layers.Conv2D(
        pointwise_filters,
        kernel_size=1,
        padding="same",
        use_bias=False,
        activation=None,
        name=f"{prefix}project",
    )(x)
    x = _bn(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape: Any, input_tensor: Any) -> int:
    """The weights' resolution implied by a square input of a known size."""
    shape = input_shape
    if shape is None and input_tensor is not None:
        shape = tuple(input_tensor.shape[1:])
    if shape is None:
        return 224
    first = backend.image_data_format() == "channels_first"
    rows, cols = (shape[1], shape[2]) if first else (shape[0], shape[1])
    return rows if rows == cols and rows in _SIZES else 224


def MobileNetV2(
    input_shape: Any = None,
    alpha: float = 1.0,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> Model:
    """Instantiates MobileNetV2 (tf preprocessing: pixels scaled to [-1, 1]).

    Args:
        input_shape: the input shape (>= 32x32); a square 96-224 input picks
            the matching ImageNet weights.
        alpha: the width multiplier (0.35, 0.5, 0.75, 1.0, 1.3 or 1.4 with
            ImageNet weights).
        include_top: include the pooling + `predictions` classifier.
        weights: `None`, `"imagenet"` or a weights file.
        input_tensor: an optional KerasTensor to use as the model's input.
        pooling: `None`, `"avg"` or `"max"` when `include_top` is False.
        classes: the number of classes when `include_top` is True.
        classifier_activation: the activation of `predictions`.
        name: the model's name (`mobilenetv2_{alpha:.2f}_{rows}` by default).

    Returns:
        A functional `Model`.
    """
    _common.check_arguments(weights, include_top, classes)
    default_size = _default_size(input_shape, input_tensor)
    img_input = _common.model_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )
    first = backend.image_data_format() == "channels_first"
    rows = img_input.shape[2] if first else img_input.shape[1]
    cols = img_input.shape[3] if first else img_input.shape[2]
    if weights == "imagenet":
        if alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
            raise ValueError(
                "If imagenet weights are being loaded, alpha must be one of `0.35`, "
                f"`0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
            )
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will "
                "be loaded as the default.",
                stacklevel=2,
            )
    x = layers.Conv2D(
        _make_divisible(32 * alpha, 8),
        kernel_size=3,
        strides=(2, 2),
        padding="same",
        use_bias=False,
        name="Conv1",
    )(img_input)
    x = layers.ReLU(6.0, name="Conv1_relu")(_bn("bn_Conv1")(x))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.ReLU(6.0, name="out_relu")(_bn("Conv_1_bn")(x))
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(
            x
        )
    else:
        x = _common.pool(x, pooling, None, None)
    name = name or f"mobilenetv2_{alpha:0.2f}_{rows}"
    stem = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
    files = _common.WeightFiles(
        BASE_WEIGHT_PATH, (f"{stem}.h5", None), (f"{stem}_no_top.h5", None)
    )
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """TF-style preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]
