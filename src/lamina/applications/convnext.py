"""ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al., CVPR 2022), with Keras's
layer names and weights. Preprocessing (ImageNet mean/std) is inside the model:
feed pixels in [0, 255]; `preprocess_input` passes its input through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lamina import backend, initializers, layers
from lamina.applications import _common, imagenet_utils
from lamina.models import Model, Sequential

BASE_WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
)
WEIGHTS_HASHES = {
    "convnext_tiny": (
        "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
        "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
    ),
    "convnext_small": (
        "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
        "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
    ),
    "convnext_base": (
        "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
        "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
    ),
    "convnext_large": (
        "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
        "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
    ),
    "convnext_xlarge": (
        "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
    ),
}
MODEL_CONFIGS = {
    "tiny": ([3, 3, 9, 3], [96, 192, 384, 768]),
    "small": ([3, 3, 27, 3], [96, 192, 384, 768]),
    "base": ([3, 3, 27, 3], [128, 256, 512, 1024]),
    "large": ([3, 3, 27, 3], [192, 384, 768, 1536]),
    "xlarge": ([3, 3, 27, 3], [256, 512, 1024, 2048]),
}


class StochasticDepth(layers.Layer):
    """Drops the whole residual branch of a sample with `drop_path_rate` in training.

    Args:
        drop_path_rate: the probability of dropping the branch.
    """

    def __init__(self, drop_path_rate: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not training:
            return x
        keep = 1.0 - self.drop_path_rate
        shape = (x.shape[0],) + (1,) * (x.ndim - 1)
        mask = torch.floor(keep + torch.rand(shape, dtype=x.dtype, device=x.device))
        return x / keep * mask

    def get_config(self) -> dict:
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


class LayerScale(layers.Layer):
    """Multiplies its input by a learned per-channel scale `gamma`.

    Args:
        init_values: the initial value of `gamma`.
        projection_dim: the number of channels.
    """

    def __init__(self, init_values: float, projection_dim: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, _: Any) -> None:
        self.gamma = self.add_weight(
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
            trainable=True,
        )

    def call(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "init_values": self.init_values,
            "projection_dim": self.projection_dim,
        }


def ConvNeXtBlock(
    projection_dim: int,
    drop_path_rate: float = 0.0,
    layer_scale_init_value: Any = 1e-6,
    name: str | None = None,
) -> Callable[[Any], Any]:
    """Depthwise 7x7 conv, LayerNorm, MLP (4x), layer scale, residual."""

    def apply(inputs: Any) -> Any:
        x = layers.Conv2D(
            filters=projection_dim,
            kernel_size=7,
            padding="same",
            groups=projection_dim,
            name=f"{name}_depthwise_conv",
        )(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(
                layer_scale_init_value, projection_dim, name=f"{name}_layer_scale"
            )(x)
        if drop_path_rate:
            last = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            last = layers.Activation("linear", name=f"{name}_identity")
        return inputs + last(x)

    return apply


def _downsampling(name: str, dims: list[int]) -> list[Sequential]:
    """The stem and the three downsampling blocks, as Keras nests them."""
    stem = Sequential(
        [
            layers.Conv2D(dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
            layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm"),
        ],
        name=f"{name}_stem",
    )
    blocks = [stem]
    for i in range(3):
        blocks.append(
            Sequential(
                [
                    layers.LayerNormalization(
                        epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"
                    ),
                    layers.Conv2D(
                        dims[i + 1],
                        kernel_size=2,
                        strides=2,
                        name=f"{name}_downsampling_conv_{i}",
                    ),
                ],
                name=f"{name}_downsampling_block_{i}",
            )
        )
    return blocks


def _head(x: Any, classes: int, activation: Any, name: str) -> Any:
    x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
    return layers.Dense(classes, activation=activation, name=f"{name}_head_dense")(x)


def _check_imagenet(weights_name: Any, depths: list, dims: list, name: str) -> None:
    """Raises when the architecture or name cannot take `weights_name`'s file."""
    if weights_name not in WEIGHTS_HASHES:
        raise ValueError(f"Keras publishes no ImageNet weights for `{name}`.")
    expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
    if list(depths) != expected[0] or list(dims) != expected[1]:
        raise ValueError(
            f"Architecture configuration does not match {weights_name} variant. "
            f"Expected depths: {expected[0]}, got: {depths}. Expected "
            f"projection_dims: {expected[1]}, got: {dims}."
        )
    if weights_name not in name:
        raise ValueError(
            f'Model name "{name}" does not match weights variant "{weights_name}".'
        )


def ConvNeXt(
    depths: list[int],
    projection_dims: list[int],
    drop_path_rate: float = 0.0,
    layer_scale_init_value: Any = 1e-6,
    default_size: int = 224,
    name: str = "convnext",
    include_preprocessing: bool = True,
    include_top: bool = True,
    weights: Any = None,
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: Any = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    weights_name: str | None = None,
) -> Model:
    """A ConvNeXt with `depths` blocks of `projection_dims` channels per stage."""
    if backend.image_data_format() == "channels_first":
        raise ValueError(
            "ConvNeXt does not support the `channels_first` image data format. "
            "Switch to `channels_last`."
        )
    _common.check_arguments(weights, include_top, classes)
    img_input = _common.model_input(
        input_tensor, input_shape, default_size, 32, include_top, weights
    )
    x = img_input
    if include_preprocessing and img_input.shape[-1] == 3:
        x = layers.Normalization(
            mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
            variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
            name=f"{name}_prestem_normalization",
        )(x)
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i, down in enumerate(_downsampling(name, projection_dims)):
        x = down(x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(
                projection_dims[i],
                rates[cur + j],
                layer_scale_init_value,
                name=f"{name}_stage_{i}_block_{j}",
            )(x)
        cur += depths[i]
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = _head(x, classes, classifier_activation, name)
    else:
        x = _common.pool(x, pooling, None, None)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    files = None
    if weights == "imagenet":
        _check_imagenet(weights_name, depths, projection_dims, name)
        top, notop = WEIGHTS_HASHES[weights_name]
        files = _common.WeightFiles(
            BASE_WEIGHTS_PATH, (f"{name}.h5", top), (f"{name}_notop.h5", notop)
        )
    return _common.finish(img_input, input_tensor, x, name, weights, include_top, files)


def _variant(size: str, public: str) -> Callable[..., Model]:
    depths, dims = MODEL_CONFIGS[size]

    def constructor(
        include_top: bool = True,
        include_preprocessing: bool = True,
        weights: Any = "imagenet",
        input_tensor: Any = None,
        input_shape: Any = None,
        pooling: Any = None,
        classes: int = 1000,
        classifier_activation: Any = "softmax",
        name: str = f"convnext_{size}",
    ) -> Model:
        return ConvNeXt(
            depths,
            dims,
            0.0,
            1e-6,
            224,
            name,
            include_preprocessing,
            include_top,
            weights,
            input_tensor,
            input_shape,
            pooling,
            classes,
            classifier_activation,
            weights_name=f"convnext_{size}",
        )

    constructor.__name__ = constructor.__qualname__ = public
    constructor.__doc__ = (
        f"Instantiates {public} (feed pixels in [0, 255]; preprocessing is inside "
        "the model).\n\n    Arguments as `keras.applications.convnext`'s; returns a "
        "functional `Model`.\n    "
    )
    return constructor


ConvNeXtTiny = _variant("tiny", "ConvNeXtTiny")
ConvNeXtSmall = _variant("small", "ConvNeXtSmall")
ConvNeXtBase = _variant("base", "ConvNeXtBase")
ConvNeXtLarge = _variant("large", "ConvNeXtLarge")
ConvNeXtXLarge = _variant("xlarge", "ConvNeXtXLarge")


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """A pass-through: ConvNeXt preprocesses inside the model."""
    return x


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "decode_predictions",
    "preprocess_input",
]
