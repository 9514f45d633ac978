"""MobileNetV3 Small and Large (Howard et al., ICCV 2019), with Keras's layers.

Preprocessing is inside the model (a `Rescaling` to [-1, 1]) unless
`include_preprocessing=False`; `preprocess_input` passes its input through.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from lamina import backend, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

BASE_WEIGHT_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
)
WEIGHTS_HASHES = {
    "large_224_0.75_float": (
        "765b44a33ad4005b3ac83185abf1d0eb",
        "40af19a13ebea4e2ee0c676887f69a2e",
    ),
    "large_224_1.0_float": (
        "59e551e166be033d707958cf9e29a6a7",
        "07fb09a5933dd0c8eaafa16978110389",
    ),
    "large_minimalistic_224_1.0_float": (
        "675e7b876c45c57e9e63e6d90a36599c",
        "ec5221f64a2f6d1ef965a614bdae7973",
    ),
    "small_224_0.75_float": (
        "cb65d4e5be93758266aa0a7f2c6708b7",
        "ebdb5cc8e0b497cd13a7c275d475c819",
    ),
    "small_224_1.0_float": (
        "8768d4c2e7dee89b9d02b2d03d65d862",
        "d3e8ec802a04aa4fc771ee12a9a9b836",
    ),
    "small_minimalistic_224_1.0_float": (
        "99cd97fb2fcdad2bf028eb838de69e37",
        "cde8136e733e811080d9fcd8a252f7e4",
    ),
}
# (expansion, filters, kernel ("k" = the model's), stride, squeeze-excite, activation)
_SMALL = [
    (1, 16, 3, 2, True, "relu"),
    (72.0 / 16, 24, 3, 2, False, "relu"),
    (88.0 / 24, 24, 3, 1, False, "relu"),
    (4, 40, "k", 2, True, "act"),
    (6, 40, "k", 1, True, "act"),
    (6, 40, "k", 1, True, "act"),
    (3, 48, "k", 1, True, "act"),
    (3, 48, "k", 1, True, "act"),
    (6, 96, "k", 2, True, "act"),
    (6, 96, "k", 1, True, "act"),
    (6, 96, "k", 1, True, "act"),
]
_LARGE = [
    (1, 16, 3, 1, False, "relu"),
    (4, 24, 3, 2, False, "relu"),
    (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "act"),
    (2.5, 80, 3, 1, False, "act"),
    (2.3, 80, 3, 1, False, "act"),
    (2.3, 80, 3, 1, False, "act"),
    (6, 112, 3, 1, True, "act"),
    (6, 112, 3, 1, True, "act"),
    (6, 160, "k", 2, True, "act"),
    (6, 160, "k", 1, True, "act"),
    (6, 160, "k", 1, True, "act"),
]


def relu(x: Any) -> Any:
    return layers.ReLU()(x)


def hard_sigmoid(x: Any) -> Any:
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x: Any) -> Any:
    return layers.Activation("hard_swish")(x)


def _depth(v: float, divisor: int = 8, min_value: int | None = None) -> int:
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else -1


def _bn(name: str) -> layers.BatchNormalization:
    return layers.BatchNormalization(
        axis=_axis(), epsilon=1e-3, momentum=0.999, name=name
    )


def _se_block(inputs: Any, filters: int, se_ratio: float, prefix: str) -> Any:
    x = layers.GlobalAveragePooling2D(
        keepdims=True, name=f"{prefix}squeeze_excite_avg_pool"
    )(inputs)
    x = layers.Conv2D(
        _depth(filters * se_ratio),
        kernel_size=1,
        padding="same",
        name=f"{prefix}squeeze_excite_conv",
    )(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1"
    )(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")(
        [inputs, hard_sigmoid(x)]
    )


def _inverted_res_block(
    x: Any,
    expansion: float,
    filters: int,
    kernel_size: int,
    stride: int,
    se_ratio: float | None,
    activation: Callable[[Any], Any],
    block_id: int,
) -> Any:
    shortcut, infilters = x, x.shape[_axis()]
    prefix = f"expanded_conv_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(
            _depth(infilters * expansion),
            kernel_size=1,
            padding="same",
            use_bias=False,
            name=f"{prefix}expand",
        )(x)
        x = activation(_bn(f"{prefix}expand_bn")(x))
    if stride == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size),
            name=f"{prefix}depthwise_pad",
        )(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=stride,
        padding="same" if stride == 1 else "valid",
        use_bias=False,
        name=f"{prefix}depthwise",
    )(x)
    x = activation(_bn(f"{prefix}depthwise_bn")(x))
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project"
    )(x)
    x = _bn(f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(input_shape: Any, input_tensor: Any) -> tuple:
    """The input shape: given, from `input_tensor`, or any square-free image."""
    first = backend.image_data_format() == "channels_first"
    if input_shape is None and input_tensor is not None:
        rows, cols = input_tensor.shape[2:4] if first else input_tensor.shape[1:3]
        input_shape = (3, cols, rows) if first else (cols, rows, 3)
    if input_shape is None:
        input_shape = (3, None, None) if first else (None, None, 3)
    rows, cols = (input_shape[1], input_shape[2]) if first else input_shape[:2]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(
            f"Input size must be at least 32x32; Received `input_shape={input_shape}`"
        )
    return tuple(input_shape)


def MobileNetV3(
    stack: list[tuple],
    last_point_ch: int,
    input_shape: Any = None,
    alpha: float = 1.0,
    model_type: str = "large",
    minimalistic: bool = False,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    classes: int = 1000,
    pooling: Any = None,
    dropout_rate: float = 0.2,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    name: str | None = None,
) -> Model:
    """A MobileNetV3 built from the `stack` table (see `_SMALL`, `_LARGE`)."""
    _common.check_arguments(weights, include_top, classes)
    input_shape = _input_shape(input_shape, input_tensor)
    first = backend.image_data_format() == "channels_first"
    rows, cols = (input_shape[1], input_shape[2]) if first else input_shape[:2]
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (
            minimalistic and alpha != 1.0
        ):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.75`, "
                f"`1.0` for non minimalistic or `1.0` for minimalistic only. Received: alpha={alpha}"
            )
        if rows != cols or rows != 224:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not 224. "
                "Weights for input shape (224, 224) will be loaded as the default.",
                stacklevel=3,
            )
    img_input = (
        layers.Input(shape=input_shape) if input_tensor is None else input_tensor
    )
    kernel, activation, se_ratio = (
        (3, relu, None) if minimalistic else (5, hard_swish, 0.25)
    )
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(
        16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv"
    )(x)
    x = activation(_bn("conv_bn")(x))
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(stack):
        x = _inverted_res_block(
            x,
            expansion,
            _depth(filters * alpha),
            kernel if k == "k" else k,
            stride,
            se_ratio if se else None,
            relu if act == "relu" else activation,
            block_id,
        )
    last_conv_ch = _depth(x.shape[_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(
        last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1"
    )(x)
    x = activation(_bn("conv_1_bn")(x))
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(
            last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2"
        )(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    files = None
    if key in WEIGHTS_HASHES:
        top, notop = WEIGHTS_HASHES[key]
        files = _common.WeightFiles(
            BASE_WEIGHT_PATH,
            (f"weights_mobilenet_v3_{key}.h5", top),
            (f"weights_mobilenet_v3_{key}_no_top_v2.h5", notop),
        )
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def _variant(stack: list[tuple], last_point_ch: int, model_type: str, public: str):
    def constructor(
        input_shape: Any = None,
        alpha: float = 1.0,
        minimalistic: bool = False,
        include_top: bool = True,
        weights: Any = "imagenet",
        input_tensor: Any = None,
        classes: int = 1000,
        pooling: Any = None,
        dropout_rate: float = 0.2,
        classifier_activation: Any = "softmax",
        include_preprocessing: bool = True,
        name: str = public,
    ) -> Model:
        return MobileNetV3(
            stack,
            last_point_ch,
            input_shape,
            alpha,
            model_type,
            minimalistic,
            include_top,
            weights,
            input_tensor,
            classes,
            pooling,
            dropout_rate,
            classifier_activation,
            include_preprocessing,
            name,
        )

    constructor.__name__ = constructor.__qualname__ = public
    constructor.__doc__ = (
        f"Instantiates {public} (feed pixels in [0, 255]: the model rescales them "
        "unless `include_preprocessing=False`).\n\n    Arguments as "
        "`keras.applications`'s; returns a functional `Model`.\n    "
    )
    return constructor


MobileNetV3Small = _variant(_SMALL, 1024, "small", "MobileNetV3Small")
MobileNetV3Large = _variant(_LARGE, 1280, "large", "MobileNetV3Large")


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """A pass-through: MobileNetV3 preprocesses inside the model."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "MobileNetV3Large",
    "MobileNetV3Small",
    "decode_predictions",
    "preprocess_input",
]
