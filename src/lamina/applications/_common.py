"""The scaffolding every application shares: argument checks, the input, the
classification top or pooling, the model and its weights."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from lamina import backend, layers
from lamina.applications import imagenet_utils
from lamina.models import Model
from lamina.utils._graph_utils import get_source_inputs, is_keras_tensor
from lamina.utils.file_utils import get_file


@dataclass(frozen=True)
class WeightFiles:
    """Where Keras publishes an architecture's ImageNet weights.

    `origin` is the folder URL; `top`/`notop` are `(file_name, file_hash)`, or
    `(file_name, file_hash, url)` where the URL's name differs from the cached one.
    """

    origin: str
    top: tuple | None
    notop: tuple | None


def check_arguments(weights: Any, include_top: bool, classes: int) -> None:
    """Raises for a `weights` value that is not usable, as Keras does."""
    if not (weights in {"imagenet", None} or os.path.exists(str(weights))):
        raise ValueError(
            "The `weights` argument should be either `None` (random "
            "initialization), 'imagenet' (pre-training on ImageNet), or the path "
            f"to the weights file to be loaded.  Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` "
            f"should be 1000.  Received classes={classes}"
        )


def model_input(
    input_tensor: Any,
    input_shape: Any,
    default_size: int,
    min_size: int,
    include_top: bool,
    weights: Any,
) -> Any:
    """The image input: `input_tensor` (a KerasTensor) or a new `Input`."""
    shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=min_size,
        data_format=backend.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    if input_tensor is None:
        return layers.Input(shape=shape)
    if not is_keras_tensor(input_tensor):
        raise ValueError(
            "`input_tensor` must be a symbolic tensor (the output of "
            f"`keras.Input()` or of a layer). Received: {type(input_tensor).__name__}"
        )
    return input_tensor


def bn_axis() -> int:
    """The channel axis of 4-D images for BatchNormalization."""
    return 3 if backend.image_data_format() == "channels_last" else 1


def classifier(
    x: Any,
    include_top: bool,
    pooling: Any,
    classes: int,
    classifier_activation: Any,
    weights: Any,
    dropout: float = 0.0,
) -> Any:
    """Global average pooling and the `predictions` Dense, or optional pooling."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout:
            x = layers.Dropout(dropout, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(
            classes, activation=classifier_activation, name="predictions"
        )(x)
    return pool(x, pooling)


def pool(
    x: Any, pooling: Any, avg_name: str = "avg_pool", max_name: str = "max_pool"
) -> Any:
    """`pooling="avg"` or `"max"` over the feature map; `None` keeps it."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def finish(
    img_input: Any,
    input_tensor: Any,
    outputs: Any,
    name: str,
    weights: Any,
    include_top: bool,
    files: WeightFiles | None,
) -> Model:
    """Builds the `Model` and loads `weights` (ImageNet files from the cache)."""
    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Model(inputs, outputs, name=name)
    if weights == "imagenet":
        entry = None if files is None else (files.top if include_top else files.notop)
        if entry is None:
            raise ValueError(
                f"Keras publishes no ImageNet weights for `{name}` with "
                f"include_top={include_top}."
            )
        file_name, file_hash = entry
        path = get_file(
            file_name,
            files.origin + file_name,
            cache_subdir="models",
            file_hash=file_hash,
        )
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model
