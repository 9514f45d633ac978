"""MobileNet (Howard et al., 2017), with Keras's layer names and weights."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import backend, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

BASE_WEIGHT_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
)
_SIZES = (128, 160, 192, 224)
# (pointwise filters, stride) of depthwise blocks 1..13
_BLOCKS = (
    [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)]
    + [(512, 1)] * 5
    + [(1024, 2), (1024, 1)]
)


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else -1


def _depthwise_conv_block(
    x: Any,
    filters: int,
    alpha: float,
    depth_multiplier: int,
    stride: int,
    block_id: int,
) -> Any:
    """Depthwise 3x3 (padded before a stride) and pointwise 1x1, each BN + ReLU6."""
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding="same" if stride == 1 else "valid",
        depth_multiplier=depth_multiplier,
        strides=(stride, stride),
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_dw_{block_id}_bn")(
        x
    )
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(
        int(filters * alpha),
        (1, 1),
        padding="same",
        use_bias=False,
        strides=(1, 1),
        name=f"conv_pw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_pw_{block_id}_bn")(
        x
    )
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _rows_and_default(input_shape: Any) -> int:
    """The weights' resolution implied by a square input of a known size."""
    if input_shape is None:
        return 224
    first = backend.image_data_format() == "channels_first"
    rows, cols = (input_shape[1], input_shape[2]) if first else input_shape[:2]
    return rows if rows == cols and rows in _SIZES else 224


def MobileNet(
    input_shape: Any = None,
    alpha: float = 1.0,
    depth_multiplier: int = 1,
    dropout: float = 1e-3,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> Model:
    """Instantiates MobileNet (tf preprocessing: pixels scaled to [-1, 1]).

    Args:
        input_shape: the input shape (>= 32x32); a square 128-224 input picks
            the matching ImageNet weights.
        alpha: the width multiplier (0.25, 0.5, 0.75 or 1.0 with weights).
        depth_multiplier: the depthwise convolutions' depth multiplier.
        dropout: the dropout rate before the classifier.
        include_top: include the classifier (`conv_preds`, `predictions`).
        weights: `None`, `"imagenet"` or a weights file.
        input_tensor: an optional KerasTensor to use as the model's input.
        pooling: `None`, `"avg"` or `"max"` when `include_top` is False.
        classes: the number of classes when `include_top` is True.
        classifier_activation: the activation of `predictions`.
        name: the model's name (`mobilenet_{alpha:.2f}_{rows}` by default).
    """
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor,
        input_shape,
        _rows_and_default(input_shape),
        32,
        include_top,
        weights,
    )
    first = backend.image_data_format() == "channels_first"
    rows, cols = (
        (img_input.shape[2], img_input.shape[3]) if first else img_input.shape[1:3]
    )
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(
                "If imagenet weights are being loaded, depth multiplier must be 1.  "
                f"Received depth_multiplier={depth_multiplier}"
            )
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of`0.25`, "
                f"`0.50`, `0.75` or `1.0` only.  Received alpha={alpha}"
            )
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                "loaded as the default.",
                stacklevel=2,
            )
    x = layers.Conv2D(
        int(32 * alpha),
        (3, 3),
        padding="same",
        use_bias=False,
        strides=(2, 2),
        name="conv1",
    )(img_input)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling, None, None)
    name = name or f"mobilenet_{alpha:0.2f}_{rows}"
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0"}.get(alpha, "2_5")
    stem = f"mobilenet_{alpha_text}_{rows}_tf"
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


__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]
