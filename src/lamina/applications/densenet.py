"""DenseNet121/169/201 (Huang et al., CVPR 2017), with Keras's layer names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model

BASE_WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
)
_HASHES = {
    "densenet121": (
        "9d60b8095a5708f2dcce2bca79d332c7",
        "30ee3e1110167f948a6b9946edeeb738",
    ),
    "densenet169": (
        "d699b8f76981ab1b30698df4c175e90b",
        "b8c4d4c20dd625c148057b9ff1c1176b",
    ),
    "densenet201": (
        "1ceb130c1ea1b78c3bf6114dbdfd8807",
        "c13680b51ded0fb44dff2d8f86ac8bb1",
    ),
}
_EPS = 1.001e-5


def _bn_relu(x: Any, name: str, bn: str = "bn", relu: str = "relu") -> Any:
    x = layers.BatchNormalization(
        axis=_common.bn_axis(), epsilon=_EPS, name=f"{name}_{bn}"
    )(x)
    return layers.Activation("relu", name=f"{name}_{relu}")(x)


def conv_block(x: Any, growth_rate: int, name: str) -> Any:
    """BN-ReLU-1x1 conv (4k) and BN-ReLU-3x3 conv (k), concatenated to `x`."""
    y = _bn_relu(x, name, "0_bn", "0_relu")
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _bn_relu(y, name, "1_bn", "1_relu")
    y = layers.Conv2D(
        growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv"
    )(y)
    return layers.Concatenate(axis=_common.bn_axis(), name=f"{name}_concat")([x, y])


def dense_block(x: Any, blocks: int, name: str) -> Any:
    """`blocks` conv blocks with growth rate 32."""
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x: Any, reduction: float, name: str) -> Any:
    """BN-ReLU, a 1x1 conv that keeps `reduction` of the channels, 2x2 average pool."""
    x = _bn_relu(x, name)
    channels = int(x.shape[_common.bn_axis()] * reduction)
    x = layers.Conv2D(channels, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(
    blocks: list[int],
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "densenet",
) -> Model:
    """A DenseNet with `blocks` conv blocks in each of its four dense blocks."""
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, 224, 32, include_top, weights
    )
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, "conv1")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = layers.BatchNormalization(axis=_common.bn_axis(), epsilon=_EPS, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _common.classifier(
        x, include_top, pooling, classes, classifier_activation, weights
    )
    key = {
        (6, 12, 24, 16): "densenet121",
        (6, 12, 32, 32): "densenet169",
        (6, 12, 48, 32): "densenet201",
    }.get(tuple(blocks))
    files = None
    if key is not None:
        stem = f"{key}_weights_tf_dim_ordering_tf_kernels"
        files = _common.WeightFiles(
            BASE_WEIGHTS_PATH,
            (f"{stem}.h5", _HASHES[key][0]),
            (f"{stem}_notop.h5", _HASHES[key][1]),
        )
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def _variant(blocks: list[int], default_name: str, public: str) -> Callable[..., Model]:
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
        return DenseNet(
            blocks,
            include_top,
            weights,
            input_tensor,
            input_shape,
            pooling,
            classes,
            classifier_activation,
            name,
        )

    constructor.__name__ = constructor.__qualname__ = public
    constructor.__doc__ = (
        f"Instantiates {public} (torch preprocessing: [0, 1], then ImageNet "
        "mean/std).\n\n    Arguments as `keras.applications.densenet`'s; returns a "
        "functional `Model`.\n    "
    )
    return constructor


DenseNet121 = _variant([6, 12, 24, 16], "densenet121", "DenseNet121")
DenseNet169 = _variant([6, 12, 32, 32], "densenet169", "DenseNet169")
DenseNet201 = _variant([6, 12, 48, 32], "densenet201", "DenseNet201")


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """Torch-style preprocessing: [0, 1], then the ImageNet mean and std."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "decode_predictions",
    "preprocess_input",
]
