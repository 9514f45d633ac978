"""NASNet-A Mobile and Large (Zoph et al., CVPR 2018), with Keras's layer names.

Keras 3 refuses `NASNetMobile` on its torch backend; lamina builds it (and
`NASNetLarge`) with the layer order Keras's weight files expect.
"""

from __future__ import annotations

from typing import Any

from lamina import backend, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
MOBILE_FILES = _common.WeightFiles(
    _BASE,
    (
        "nasnet_mobile.h5",
        "020fb642bf7360b370c678b08e0adf61",
        _BASE + "NASNet-mobile.h5",
    ),
    (
        "nasnet_mobile_no_top.h5",
        "1ed92395b5b598bdda52abe5c0dbfd63",
        _BASE + "NASNet-mobile-no-top.h5",
    ),
)
LARGE_FILES = _common.WeightFiles(
    _BASE,
    ("nasnet_large.h5", "11577c9a518f0070763c2b964a382f17", _BASE + "NASNet-large.h5"),
    (
        "nasnet_large_no_top.h5",
        "d81d89dc07e6e56530c4e77faddd61b5",
        _BASE + "NASNet-large-no-top.h5",
    ),
)


def _bn(name: str) -> layers.BatchNormalization:
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)


def _conv1x1(filters: int, name: str) -> layers.Conv2D:
    return layers.Conv2D(
        filters,
        (1, 1),
        strides=(1, 1),
        padding="same",
        use_bias=False,
        name=name,
        kernel_initializer="he_normal",
    )


def _separable_conv_block(
    ip: Any,
    filters: int,
    kernel_size: tuple = (3, 3),
    strides: tuple = (1, 1),
    block_id: str | None = None,
) -> Any:
    """Two ReLU-SeparableConv-BN stages; the first may stride (after padding)."""
    x = layers.Activation("relu")(ip)
    pad = "same"
    if strides == (2, 2):
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size),
            name=f"separable_conv_1_pad_{block_id}",
        )(x)
        pad = "valid"
    x = layers.SeparableConv2D(
        filters,
        kernel_size,
        strides=strides,
        name=f"separable_conv_1_{block_id}",
        padding=pad,
        use_bias=False,
    )(x)
    x = _bn(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(
        filters,
        kernel_size,
        name=f"separable_conv_2_{block_id}",
        padding="same",
        use_bias=False,
    )(x)
    return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p: Any, ip: Any, filters: int, block_id: str | None = None) -> Any:
    """Matches the previous cell's output `p` to `ip`'s size and `filters`."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D(
            (1, 1),
            strides=(2, 2),
            padding="valid",
            name=f"adjust_avg_pool_1_{block_id}",
        )(p)
        p1 = _conv1x1(filters // 2, f"adjust_conv_1_{block_id}")(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D(
            (1, 1),
            strides=(2, 2),
            padding="valid",
            name=f"adjust_avg_pool_2_{block_id}",
        )(p2)
        p2 = _conv1x1(filters // 2, f"adjust_conv_2_{block_id}")(p2)
        p = layers.concatenate([p1, p2], axis=-1)
        return _bn(f"adjust_bn_{block_id}")(p)
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(filters, f"adjust_conv_projection_{block_id}")(p)
        return _bn(f"adjust_bn_{block_id}")(p)
    return p


def _avg3(stride: int, name: str) -> layers.AveragePooling2D:
    pad = "same" if stride == 1 else "valid"
    return layers.AveragePooling2D(
        (3, 3), strides=(stride, stride), padding=pad, name=name
    )


def _normal_a_cell(ip: Any, p: Any, filters: int, block_id: str) -> tuple[Any, Any]:
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _bn(f"normal_bn_1_{block_id}")(
        _conv1x1(filters, f"normal_conv_1_{block_id}")(h)
    )
    x1 = layers.add(
        [
            _separable_conv_block(
                h, filters, (5, 5), block_id=f"normal_left1_{block_id}"
            ),
            _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}"),
        ],
        name=f"normal_add_1_{block_id}",
    )
    x2 = layers.add(
        [
            _separable_conv_block(
                p, filters, (5, 5), block_id=f"normal_left2_{block_id}"
            ),
            _separable_conv_block(
                p, filters, (3, 3), block_id=f"normal_right2_{block_id}"
            ),
        ],
        name=f"normal_add_2_{block_id}",
    )
    x3 = layers.add(
        [_avg3(1, f"normal_left3_{block_id}")(h), p], name=f"normal_add_3_{block_id}"
    )
    x4 = layers.add(
        [
            _avg3(1, f"normal_left4_{block_id}")(p),
            _avg3(1, f"normal_right4_{block_id}")(p),
        ],
        name=f"normal_add_4_{block_id}",
    )
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
    x = layers.concatenate(
        [p, x1, x2, x3, x4, x5], axis=-1, name=f"normal_concat_{block_id}"
    )
    return x, ip


def _reduction_a_cell(ip: Any, p: Any, filters: int, block_id: str) -> tuple[Any, Any]:
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _bn(f"reduction_bn_1_{block_id}")(
        _conv1x1(filters, f"reduction_conv_1_{block_id}")(h)
    )
    h3 = layers.ZeroPadding2D(
        padding=imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}"
    )(h)
    s2 = (2, 2)
    x1 = layers.add(
        [
            _separable_conv_block(
                h, filters, (5, 5), s2, f"reduction_left1_{block_id}"
            ),
            _separable_conv_block(
                p, filters, (7, 7), s2, f"reduction_right1_{block_id}"
            ),
        ],
        name=f"reduction_add_1_{block_id}",
    )
    max3 = layers.MaxPooling2D(
        (3, 3), strides=s2, padding="valid", name=f"reduction_left2_{block_id}"
    )
    x2 = layers.add(
        [
            max3(h3),
            _separable_conv_block(
                p, filters, (7, 7), s2, f"reduction_right2_{block_id}"
            ),
        ],
        name=f"reduction_add_2_{block_id}",
    )
    x3 = layers.add(
        [
            _avg3(2, f"reduction_left3_{block_id}")(h3),
            _separable_conv_block(
                p, filters, (5, 5), s2, f"reduction_right3_{block_id}"
            ),
        ],
        name=f"reduction_add3_{block_id}",
    )
    x4 = layers.add([x2, _avg3(1, f"reduction_left4_{block_id}")(x1)])
    x5 = layers.add(
        [
            _separable_conv_block(
                x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}"
            ),
            layers.MaxPooling2D(
                (3, 3), strides=s2, padding="valid", name=f"reduction_right5_{block_id}"
            )(h3),
        ],
        name=f"reduction_add4_{block_id}",
    )
    x = layers.concatenate(
        [x2, x3, x4, x5], axis=-1, name=f"reduction_concat_{block_id}"
    )
    return x, ip


def _cells(
    x: Any, filters: int, num_blocks: int, multiplier: int, skip_reduction: bool
) -> Any:
    """The stem reductions and three stacks of normal cells between reductions."""
    p = None
    x, p = _reduction_a_cell(x, p, filters // (multiplier**2), "stem_1")
    x, p = _reduction_a_cell(x, p, filters // multiplier, "stem_2")
    for stage, offset in enumerate((0, num_blocks + 1, 2 * num_blocks + 1)):
        width = filters * multiplier**stage
        if stage:
            x, p0 = _reduction_a_cell(x, p, width, f"reduce_{stage * num_blocks}")
            p = p0 if not skip_reduction else p
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, width, f"{offset + i}")
    return x


def NASNet(
    input_shape: Any = None,
    penultimate_filters: int = 4032,
    num_blocks: int = 6,
    stem_block_filters: int = 96,
    skip_reduction: bool = True,
    filter_multiplier: int = 2,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    default_size: int | None = None,
    classifier_activation: Any = "softmax",
    name: str = "NASNet",
) -> Model:
    """A NASNet-A network (channels-last only)."""
    if backend.image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data format. "
            "Switch to `channels_last`."
        )
    _common.check_arguments(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` "
            "weights, the input_shape argument must be static (no None entries). "
            f"Got: `input_shape={input_shape}`."
        )
    default_size = default_size or 331
    img_input = _common.model_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )
    if penultimate_filters % (24 * (filter_multiplier**2)) != 0:
        raise ValueError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple of "
            f"24 * (`filter_multiplier` ** 2). Current value: {penultimate_filters}"
        )
    x = layers.Conv2D(
        stem_block_filters,
        (3, 3),
        strides=(2, 2),
        padding="valid",
        use_bias=False,
        name="stem_conv1",
        kernel_initializer="he_normal",
    )(img_input)
    x = _bn("stem_bn1")(x)
    x = _cells(
        x, penultimate_filters // 24, num_blocks, filter_multiplier, skip_reduction
    )
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(
            x
        )
    else:
        x = _common.pool(x, pooling, None, None)
    files = {224: MOBILE_FILES, 331: LARGE_FILES}.get(default_size)
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def NASNetMobile(
    input_shape: Any = None,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "nasnet_mobile",
) -> Model:
    """Instantiates NASNetMobile (default input 224x224; tf preprocessing)."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(
        input_shape,
        1056,
        4,
        32,
        False,
        2,
        include_top,
        weights,
        input_tensor,
        pooling,
        classes,
        224,
        classifier_activation,
        name,
    )


def NASNetLarge(
    input_shape: Any = None,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "nasnet_large",
) -> Model:
    """Instantiates NASNetLarge (default input 331x331; tf preprocessing)."""
    return NASNet(
        input_shape,
        4032,
        6,
        96,
        True,
        2,
        include_top,
        weights,
        input_tensor,
        pooling,
        classes,
        331,
        classifier_activation,
        name,
    )


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """TF-style preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]
