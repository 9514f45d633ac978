"""EfficientNet B0-B7 (Tan & Le, ICML 2019), with Keras's layer names and weights.

Preprocessing is inside the model (`Rescaling` and `Normalization` layers):
feed pixels in [0, 255]; `preprocess_input` passes its input through.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from lamina import layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"
WEIGHTS_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}


def _stage(kernel: int, repeats: int, c_in: int, c_out: int, expand: int, stride: int):
    return {
        "kernel_size": kernel,
        "repeats": repeats,
        "filters_in": c_in,
        "filters_out": c_out,
        "expand_ratio": expand,
        "id_skip": True,
        "strides": stride,
        "se_ratio": 0.25,
    }


DEFAULT_BLOCKS_ARGS = [
    _stage(3, 1, 32, 16, 1, 1),
    _stage(3, 2, 16, 24, 6, 2),
    _stage(5, 2, 24, 40, 6, 2),
    _stage(3, 3, 40, 80, 6, 2),
    _stage(5, 3, 80, 112, 6, 1),
    _stage(5, 4, 112, 192, 6, 2),
    _stage(3, 1, 192, 320, 6, 1),
]
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}
IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]


def _bn_act(x: Any, activation: Any, bn_name: str, act_name: str) -> Any:
    x = layers.BatchNormalization(axis=_common.bn_axis(), name=bn_name)(x)
    return layers.Activation(activation, name=act_name)(x)


def _squeeze_excite(
    x: Any, filters: int, filters_se: int, activation: Any, name: str
) -> Any:
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    shape = (filters, 1, 1) if _common.bn_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(shape, name=f"{name}se_reshape")(se)
    se = layers.Conv2D(
        filters_se,
        1,
        padding="same",
        activation=activation,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_reduce",
    )(se)
    se = layers.Conv2D(
        filters,
        1,
        padding="same",
        activation="sigmoid",
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_expand",
    )(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def block(
    inputs: Any,
    activation: Any = "swish",
    drop_rate: float = 0.0,
    name: str = "",
    filters_in: int = 32,
    filters_out: int = 16,
    kernel_size: int = 3,
    strides: int = 1,
    expand_ratio: int = 1,
    se_ratio: float = 0.0,
    id_skip: bool = True,
) -> Any:
    """An MBConv block: expand, depthwise conv, squeeze-excite, project, skip."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(
            filters,
            1,
            padding="same",
            use_bias=False,
            kernel_initializer=CONV_KERNEL_INITIALIZER,
            name=f"{name}expand_conv",
        )(inputs)
        x = _bn_act(x, activation, f"{name}expand_bn", f"{name}expand_activation")
    pad = "same"
    if strides == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{name}dwconv_pad"
        )(x)
        pad = "valid"
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=strides,
        padding=pad,
        use_bias=False,
        depthwise_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}dwconv",
    )(x)
    x = _bn_act(x, activation, f"{name}bn", f"{name}activation")
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(
            x, filters, max(1, int(filters_in * se_ratio)), activation, name
        )
    x = layers.Conv2D(
        filters_out,
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}project_conv",
    )(x)
    x = layers.BatchNormalization(axis=_common.bn_axis(), name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(
                drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop"
            )(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def _stem(img_input: Any, weights: Any, filters: int, activation: Any) -> Any:
    """In-model preprocessing, then the strided 3x3 stem convolution."""
    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=_common.bn_axis())(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(
        padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad"
    )(x)
    x = layers.Conv2D(
        filters,
        3,
        strides=2,
        padding="valid",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name="stem_conv",
    )(x)
    return _bn_act(x, activation, "stem_bn", "stem_activation")


def EfficientNet(
    width_coefficient: float,
    depth_coefficient: float,
    default_size: int,
    dropout_rate: float = 0.2,
    drop_connect_rate: float = 0.2,
    depth_divisor: int = 8,
    activation: Any = "swish",
    blocks_args: Any = "default",
    name: str = "efficientnet",
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    weights_name: str | None = None,
) -> Model:
    """An EfficientNet scaled by width and depth coefficients."""
    blocks_args = DEFAULT_BLOCKS_ARGS if blocks_args == "default" else blocks_args
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )

    def round_filters(filters: float) -> int:
        filters *= width_coefficient
        new = max(
            depth_divisor,
            int(filters + depth_divisor / 2) // depth_divisor * depth_divisor,
        )
        return int(new + depth_divisor if new < 0.9 * filters else new)

    def round_repeats(repeats: int) -> int:
        return int(math.ceil(depth_coefficient * repeats))

    x = _stem(img_input, weights, round_filters(32), activation)
    stages = copy.deepcopy(blocks_args)
    total = float(sum(round_repeats(a["repeats"]) for a in stages))
    b = 0
    for i, args in enumerate(stages):
        if args["repeats"] <= 0:
            raise ValueError(
                "The number of repeats in `EfficientNet` must be > 0. "
                f"Received: repeats={args['repeats']}"
            )
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"))):
            if j > 0:
                args["strides"], args["filters_in"] = 1, args["filters_out"]
            x = block(
                x,
                activation,
                drop_connect_rate * b / total,
                name=f"block{i + 1}{chr(j + 97)}_",
                **args,
            )
            b += 1
    x = layers.Conv2D(
        round_filters(1280),
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name="top_conv",
    )(x)
    x = _bn_act(x, activation, "top_bn", "top_activation")
    x = _top(
        x, include_top, pooling, classes, classifier_activation, weights, dropout_rate
    )
    files = None
    if weights_name in WEIGHTS_HASHES:
        top, notop = WEIGHTS_HASHES[weights_name]
        files = _common.WeightFiles(
            BASE_WEIGHTS_PATH, (f"{name}.h5", top), (f"{name}_notop.h5", notop)
        )
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def _top(
    x: Any,
    include_top: bool,
    pooling: Any,
    classes: int,
    activation: Any,
    weights: Any,
    dropout_rate: float,
) -> Any:
    if not include_top:
        return _common.pool(x, pooling)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    imagenet_utils.validate_activation(activation, weights)
    return layers.Dense(
        classes,
        activation=activation,
        kernel_initializer=DENSE_KERNEL_INITIALIZER,
        name="predictions",
    )(x)


def _variant(
    width: float, depth: float, size: int, dropout: float, key: str
) -> Callable[..., Model]:
    def constructor(
        include_top: bool = True,
        weights: Any = "imagenet",
        input_tensor: Any = None,
        input_shape: Any = None,
        pooling: Any = None,
        classes: int = 1000,
        classifier_activation: Any = "softmax",
        name: str = f"efficientnet{key}",
    ) -> Model:
        return EfficientNet(
            width,
            depth,
            size,
            dropout,
            name=name,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            weights_name=key,
        )

    public = f"EfficientNet{key.upper()}"
    constructor.__name__ = constructor.__qualname__ = public
    constructor.__doc__ = (
        f"Instantiates {public} (default input {size}x{size}; feed pixels in "
        "[0, 255]: preprocessing is inside the model).\n\n    Arguments as "
        "`keras.applications.efficientnet`'s; returns a functional `Model`.\n    "
    )
    return constructor


EfficientNetB0 = _variant(1.0, 1.0, 224, 0.2, "b0")
EfficientNetB1 = _variant(1.0, 1.1, 240, 0.2, "b1")
EfficientNetB2 = _variant(1.1, 1.2, 260, 0.3, "b2")
EfficientNetB3 = _variant(1.2, 1.4, 300, 0.3, "b3")
EfficientNetB4 = _variant(1.4, 1.8, 380, 0.4, "b4")
EfficientNetB5 = _variant(1.6, 2.2, 456, 0.4, "b5")
EfficientNetB6 = _variant(1.8, 2.6, 528, 0.5, "b6")
EfficientNetB7 = _variant(2.0, 3.1, 600, 0.5, "b7")


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """A pass-through: EfficientNet preprocesses inside the model."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "decode_predictions",
    "preprocess_input",
]
