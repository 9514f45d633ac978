"""ResNet50/101/152 (He et al., CVPR 2016), with Keras's layer names and weights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

BASE_WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
)
WEIGHTS_HASHES = {
    "resnet50": (
        "2cb95161c43110f7111970584f804107",
        "4d473c1dd8becc155b73f8504c6f6626",
    ),
    "resnet101": (
        "f1aeb4b969a6efcfb50fad2f0c20cfc5",
        "88cf7a10940856eca736dc7b7e228a21",
    ),
    "resnet152": (
        "100835be76be38e30d865e96f2aaae62",
        "ee4c566cf9a93f14d82f913c2dc6dd0c",
    ),
    "resnet50v2": (
        "3ef43a0b657b3be2300d5770ece849e0",
        "fac2f116257151a9d068a22e544a4917",
    ),
    "resnet101v2": (
        "6343647c601c52e1368623803854d971",
        "c0ed64b8031c3730f411d2eb4eea35b5",
    ),
    "resnet152v2": (
        "a49b44d1979771252814e80f8ec446f9",
        "ed17cf2e0169df9d443503ef94b23b33",
    ),
}
_EPS = 1.001e-5


def weight_files(weights_name: str) -> _common.WeightFiles:
    """Keras's ImageNet weight files for a ResNet variant."""
    top_hash, notop_hash = WEIGHTS_HASHES[weights_name]
    stem = f"{weights_name}_weights_tf_dim_ordering_tf_kernels"
    return _common.WeightFiles(
        BASE_WEIGHTS_PATH, (f"{stem}.h5", top_hash), (f"{stem}_notop.h5", notop_hash)
    )


def _bn(name: str) -> layers.BatchNormalization:
    return layers.BatchNormalization(axis=_common.bn_axis(), epsilon=_EPS, name=name)


def residual_block_v1(
    x: Any,
    filters: int,
    kernel_size: int = 3,
    stride: int = 1,
    conv_shortcut: bool = True,
    name: str | None = None,
) -> Any:
    """A bottleneck block: 1x1, kxk, 1x1 (4x filters) convolutions plus a shortcut."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(
            x
        )
        shortcut = _bn(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(f"{name}_1_bn")(x))
    x = layers.Conv2D(filters, kernel_size, padding="SAME", name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(f"{name}_2_bn")(x))
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, _bn(f"{name}_3_bn")(x)])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(
    x: Any, filters: int, blocks: int, stride1: int = 2, name: str | None = None
) -> Any:
    """`blocks` v1 blocks; the first one strides and projects the shortcut."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(
    x: Any,
    filters: int,
    kernel_size: int = 3,
    stride: int = 1,
    conv_shortcut: bool = False,
    name: str | None = None,
) -> Any:
    """A pre-activation bottleneck block (BatchNorm and ReLU before each conv)."""
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(
        _bn(f"{name}_preact_bn")(x)
    )
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(
            preact
        )
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(
        preact
    )
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(f"{name}_1_bn")(x))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(
        filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv"
    )(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(f"{name}_2_bn")(x))
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(
    x: Any, filters: int, blocks: int, stride1: int = 2, name: str | None = None
) -> Any:
    """`blocks` v2 blocks; the last one strides."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def ResNet(
    stack_fn: Callable[[Any], Any],
    preact: bool,
    use_bias: bool,
    name: str = "resnet",
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    weights_name: str | None = None,
) -> Model:
    """A ResNet: the 7x7 stem, `stack_fn`'s residual stacks, then the top."""
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, 224, 32, include_top, weights
    )
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = layers.Activation("relu", name="conv1_relu")(_bn("conv1_bn")(x))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = layers.Activation("relu", name="post_relu")(_bn("post_bn")(x))
    x = _common.classifier(
        x, include_top, pooling, classes, classifier_activation, weights
    )
    files = weight_files(weights_name) if weights_name in WEIGHTS_HASHES else None
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def _v1_stacks(blocks: tuple[int, int, int, int]) -> Callable[[Any], Any]:
    def stack_fn(x: Any) -> Any:
        x = stack_residual_blocks_v1(x, 64, blocks[0], stride1=1, name="conv2")
        x = stack_residual_blocks_v1(x, 128, blocks[1], name="conv3")
        x = stack_residual_blocks_v1(x, 256, blocks[2], name="conv4")
        return stack_residual_blocks_v1(x, 512, blocks[3], name="conv5")

    return stack_fn


_DOC = """Instantiates {name} (Keras's layer names; caffe preprocessing).

    Args:
        include_top: include the `avg_pool` + `predictions` classifier.
        weights: `None` (random), `"imagenet"` (Keras's published weights,
            from the Keras cache folder or fetched once), or a weights file.
        input_tensor: an optional KerasTensor to use as the model's input.
        input_shape: the input shape when `include_top` is False (>= 32x32).
        pooling: `None`, `"avg"` or `"max"` when `include_top` is False.
        classes: the number of classes when `include_top` is True.
        classifier_activation: the activation of `predictions`.
        name: the model's name.

    Returns:
        A functional `Model`.
    """


def _v1(blocks: tuple[int, int, int, int], default_name: str) -> Callable[..., Model]:
    def constructor(
        include_top: bool = True,
        weights: Any = "imagenet",
        input_tensor: Any = None,
        input_shape: Any = None,
        pooling: Any = None,
        classes: int = 1000,
        classifier_activation: Any = "softmax",
        name: str = default_name,
    ) -> Model:
        return ResNet(
            _v1_stacks(blocks),
            False,
            True,
            name,
            include_top,
            weights,
            input_tensor,
            input_shape,
            pooling,
            classes,
            classifier_activation,
            weights_name=default_name,
        )

    constructor.__doc__ = _DOC.format(name=default_name)
    return constructor


ResNet50 = _v1((3, 4, 6, 3), "resnet50")
ResNet50.__name__ = ResNet50.__qualname__ = "ResNet50"
ResNet101 = _v1((3, 4, 23, 3), "resnet101")
ResNet101.__name__ = ResNet101.__qualname__ = "ResNet101"
ResNet152 = _v1((3, 8, 36, 3), "resnet152")
ResNet152.__name__ = ResNet152.__qualname__ = "ResNet152"


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """Caffe-style preprocessing: RGB to BGR, minus the ImageNet channel means."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "ResNet101",
    "ResNet152",
    "ResNet50",
    "decode_predictions",
    "preprocess_input",
]
