"""EfficientNetV2 B0-B3, S, M, L (Tan & Le, ICML 2021), with Keras's layers and
weights. Preprocessing is inside the model (`include_preprocessing=True`): feed
pixels in [0, 255]; `preprocess_input` passes its input through."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from lamina import initializers, layers
from lamina._naming import unique_name
from lamina.applications import _common, imagenet_utils
from lamina.applications.efficientnet import (
    CONV_KERNEL_INITIALIZER,
    DENSE_KERNEL_INITIALIZER,
)
from lamina.models import Model

BASE_WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
)
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
_KEYS = (
    "kernel_size",
    "num_repeat",
    "input_filters",
    "output_filters",
    "expand_ratio",
    "se_ratio",
    "strides",
    "conv_type",
)
_B = [
    (3, 1, 32, 16, 1, 0, 1, 1),
    (3, 2, 16, 32, 4, 0, 2, 1),
    (3, 2, 32, 48, 4, 0, 2, 1),
    (3, 3, 48, 96, 4, 0.25, 2, 0),
    (3, 5, 96, 112, 6, 0.25, 1, 0),
    (3, 8, 112, 192, 6, 0.25, 2, 0),
]
_TABLES = {
    "efficientnetv2-s": [
        (3, 2, 24, 24, 1, 0, 1, 1),
        (3, 4, 24, 48, 4, 0, 2, 1),
        (3, 4, 48, 64, 4, 0, 2, 1),
        (3, 6, 64, 128, 4, 0.25, 2, 0),
        (3, 9, 128, 160, 6, 0.25, 1, 0),
        (3, 15, 160, 256, 6, 0.25, 2, 0),
    ],
    "efficientnetv2-m": [
        (3, 3, 24, 24, 1, 0, 1, 1),
        (3, 5, 24, 48, 4, 0, 2, 1),
        (3, 5, 48, 80, 4, 0, 2, 1),
        (3, 7, 80, 160, 4, 0.25, 2, 0),
        (3, 14, 160, 176, 6, 0.25, 1, 0),
        (3, 18, 176, 304, 6, 0.25, 2, 0),
        (3, 5, 304, 512, 6, 0.25, 1, 0),
    ],
    "efficientnetv2-l": [
        (3, 4, 32, 32, 1, 0, 1, 1),
        (3, 7, 32, 64, 4, 0, 2, 1),
        (3, 7, 64, 96, 4, 0, 2, 1),
        (3, 10, 96, 192, 4, 0.25, 2, 0),
        (3, 19, 192, 224, 6, 0.25, 1, 0),
        (3, 25, 224, 384, 6, 0.25, 2, 0),
        (3, 7, 384, 640, 6, 0.25, 1, 0),
    ],
    **{f"efficientnetv2-b{i}": _B for i in range(4)},
}
DEFAULT_BLOCKS_ARGS = {
    k: [dict(zip(_KEYS, row, strict=True)) for row in v] for k, v in _TABLES.items()
}


def _uid(prefix: str) -> int:
    """Keras's `backend.get_uid`: 1, 2, 3, ... per prefix until `clear_session`."""
    name = unique_name(prefix)
    return 1 if name == prefix else int(name.rsplit("_", 1)[1]) + 1


def round_filters(
    filters: float, width_coefficient: float, min_depth: int, depth_divisor: int
) -> int:
    filters *= width_coefficient
    minimum = min_depth or depth_divisor
    return int(
        max(minimum, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor)
    )


def round_repeats(repeats: int, depth_coefficient: float) -> int:
    return int(math.ceil(depth_coefficient * repeats))


def _bn(name: str, momentum: float) -> layers.BatchNormalization:
    return layers.BatchNormalization(
        axis=_common.bn_axis(), momentum=momentum, name=name
    )


def _conv(
    filters: int, kernel: int, strides: int, name: str, **kwargs: Any
) -> layers.Conv2D:
    return layers.Conv2D(
        filters,
        kernel_size=kernel,
        strides=strides,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name=name,
        **kwargs,
    )


def _se(
    x: Any,
    filters: int,
    input_filters: int,
    se_ratio: float,
    activation: Any,
    name: str,
) -> Any:
    if not 0 < se_ratio <= 1:
        return x
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    shape = (filters, 1, 1) if _common.bn_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(shape, name=f"{name}se_reshape")(se)
    se = layers.Conv2D(
        max(1, int(input_filters * se_ratio)),
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


def _skip(x: Any, inputs: Any, strides: int, same: bool, rate: float, name: str) -> Any:
    if strides == 1 and same:
        if rate:
            x = layers.Dropout(rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def MBConvBlock(
    input_filters: int,
    output_filters: int,
    expand_ratio: int = 1,
    kernel_size: int = 3,
    strides: int = 1,
    se_ratio: float = 0.0,
    bn_momentum: float = 0.9,
    activation: Any = "swish",
    survival_probability: float = 0.8,
    name: Any = None,
) -> Callable[[Any], Any]:
    """Expand (1x1), depthwise conv, squeeze-excite, project, skip."""
    name = _uid("block0") if name is None else name

    def apply(inputs: Any) -> Any:
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, 1, 1, f"{name}expand_conv")(inputs)
            x = _bn(f"{name}expand_bn", bn_momentum)(x)
            x = layers.Activation(activation, name=f"{name}expand_activation")(x)
        x = layers.DepthwiseConv2D(
            kernel_size=kernel_size,
            strides=strides,
            depthwise_initializer=CONV_KERNEL_INITIALIZER,
            padding="same",
            use_bias=False,
            name=f"{name}dwconv2",
        )(x)
        x = layers.Activation(activation, name=f"{name}activation")(
            _bn(f"{name}bn", bn_momentum)(x)
        )
        x = _se(x, filters, input_filters, se_ratio, activation, name)
        x = _conv(output_filters, 1, 1, f"{name}project_conv")(x)
        x = _bn(f"{name}project_bn", bn_momentum)(x)
        return _skip(
            x,
            inputs,
            strides,
            input_filters == output_filters,
            survival_probability,
            name,
        )

    return apply


def FusedMBConvBlock(
    input_filters: int,
    output_filters: int,
    expand_ratio: int = 1,
    kernel_size: int = 3,
    strides: int = 1,
    se_ratio: float = 0.0,
    bn_momentum: float = 0.9,
    activation: Any = "swish",
    survival_probability: float = 0.8,
    name: Any = None,
) -> Callable[[Any], Any]:
    """Fused expand (kxk) conv, squeeze-excite, project, skip."""
    name = _uid("block0") if name is None else name

    def apply(inputs: Any) -> Any:
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, kernel_size, strides, f"{name}expand_conv")(inputs)
            x = _bn(f"{name}expand_bn", bn_momentum)(x)
            x = layers.Activation(
                activation=activation, name=f"{name}expand_activation"
            )(x)
        x = _se(x, filters, input_filters, se_ratio, activation, name)
        fused = expand_ratio == 1
        x = _conv(
            output_filters,
            kernel_size if fused else 1,
            strides if fused else 1,
            f"{name}project_conv",
        )(x)
        x = _bn(f"{name}project_bn", bn_momentum)(x)
        if fused:
            x = layers.Activation(
                activation=activation, name=f"{name}project_activation"
            )(x)
        return _skip(
            x,
            inputs,
            strides,
            input_filters == output_filters,
            survival_probability,
            name,
        )

    return apply


def _preprocessing(x: Any, name: str, channels: int) -> Any:
    if name.split("-")[-1].startswith("b") and channels == 3:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        return layers.Normalization(
            mean=[0.485, 0.456, 0.406],
            variance=[0.229**2, 0.224**2, 0.225**2],
            axis=_common.bn_axis(),
        )(x)
    return layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)


def EfficientNetV2(
    width_coefficient: float,
    depth_coefficient: float,
    default_size: int,
    dropout_rate: float = 0.2,
    drop_connect_rate: float = 0.2,
    depth_divisor: int = 8,
    min_depth: int = 8,
    bn_momentum: float = 0.9,
    activation: Any = "swish",
    blocks_args: Any = "default",
    name: str = "efficientnetv2",
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    include_preprocessing: bool = True,
    weights_name: str | None = None,
) -> Model:
    """An EfficientNetV2 from a table of (fused) MBConv stages."""
    blocks_args = DEFAULT_BLOCKS_ARGS[name] if blocks_args == "default" else blocks_args
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )
    x = img_input
    if include_preprocessing:
        x = _preprocessing(x, name, img_input.shape[_common.bn_axis()])

    def rf(filters: float) -> int:
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = _conv(rf(blocks_args[0]["input_filters"]), 3, 2, "stem_conv")(x)
    x = layers.Activation(activation, name="stem_activation")(
        _bn("stem_bn", bn_momentum)(x)
    )
    stages = copy.deepcopy(blocks_args)
    total, b = float(sum(a["num_repeat"] for a in stages)), 0
    for i, args in enumerate(stages):
        args["input_filters"], args["output_filters"] = (
            rf(args["input_filters"]),
            rf(args["output_filters"]),
        )
        block = FusedMBConvBlock if args.pop("conv_type") == 1 else MBConvBlock
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:
                args["strides"], args["input_filters"] = 1, args["output_filters"]
            x = block(
                activation=activation,
                bn_momentum=bn_momentum,
                survival_probability=drop_connect_rate * b / total,
                name=f"block{i + 1}{chr(j + 97)}_",
                **args,
            )(x)
            b += 1
    x = _conv(rf(1280), 1, 1, "top_conv")(x)
    x = layers.Activation(activation=activation, name="top_activation")(
        _bn("top_bn", bn_momentum)(x)
    )
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(
            classes,
            activation=classifier_activation,
            kernel_initializer=DENSE_KERNEL_INITIALIZER,
            bias_initializer=initializers.Constant(0.0),
            name="predictions",
        )(x)
    else:
        x = _common.pool(x, pooling)
    files = None
    if weights_name in WEIGHTS_HASHES:
        top, notop = WEIGHTS_HASHES[weights_name]
        files = _common.WeightFiles(
            BASE_WEIGHTS_PATH, (f"{name}.h5", top), (f"{name}_notop.h5", notop)
        )
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def _variant(
    width: float, depth: float, size: int, key: str, public: str
) -> Callable[..., Model]:
    def constructor(
        include_top: bool = True,
        weights: Any = "imagenet",
        input_tensor: Any = None,
        input_shape: Any = None,
        pooling: Any = None,
        classes: int = 1000,
        classifier_activation: Any = "softmax",
        include_preprocessing: bool = True,
        name: str = f"efficientnetv2{'-' if key.startswith('b') else ''}{key}",
    ) -> Model:
        return EfficientNetV2(
            width_coefficient=width,
            depth_coefficient=depth,
            default_size=size,
            name=name,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            include_preprocessing=include_preprocessing,
            weights_name=key,
        )

    constructor.__name__ = constructor.__qualname__ = public
    constructor.__doc__ = (
        f"Instantiates {public} (default input {size}x{size}; feed pixels in "
        "[0, 255]: preprocessing is inside the model).\n\n    Arguments as "
        "`keras.applications.efficientnet_v2`'s; returns a functional `Model`.\n    "
    )
    return constructor


EfficientNetV2B0 = _variant(1.0, 1.0, 224, "b0", "EfficientNetV2B0")
EfficientNetV2B1 = _variant(1.0, 1.1, 240, "b1", "EfficientNetV2B1")
EfficientNetV2B2 = _variant(1.1, 1.2, 260, "b2", "EfficientNetV2B2")
EfficientNetV2B3 = _variant(1.2, 1.4, 300, "b3", "EfficientNetV2B3")
EfficientNetV2S = _variant(1.0, 1.0, 384, "-s", "EfficientNetV2S")
EfficientNetV2M = _variant(1.0, 1.0, 480, "-m", "EfficientNetV2M")
EfficientNetV2L = _variant(1.0, 1.0, 480, "-l", "EfficientNetV2L")


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """A pass-through: EfficientNetV2 preprocesses inside the model."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "decode_predictions",
    "preprocess_input",
]
