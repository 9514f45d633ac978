"""ImageNet helpers shared by the applications: input preprocessing, decoding
predictions to class names, and the input-shape rules of Keras's models."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import torch

from lamina import activations, backend
from lamina.utils.file_utils import get_file

CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"
_CLASS_INDEX: dict[str, list[str]] = {}

_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def _channel_shape(ndim: int, data_format: str) -> tuple[int, ...]:
    """The shape that broadcasts a per-channel constant over images."""
    if data_format == "channels_first":
        return (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    return (1,) * (ndim - 1) + (3,)


def _preprocess(x: Any, data_format: str, mode: str, xp: Any) -> Any:
    """The arithmetic of `preprocess_input` with numpy or torch (`xp`)."""
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        mean, std = np.array(_TORCH_MEAN), np.array(_TORCH_STD)
        x = x / 255.0
    else:  # caffe: RGB -> BGR, then zero-centre without scaling
        axis = (0 if x.ndim == 3 else 1) if data_format == "channels_first" else -1
        x = xp.flip(x, (axis,)) if xp is torch else np.flip(x, axis)
        mean, std = np.array(_CAFFE_MEAN), None
    shape = _channel_shape(x.ndim, data_format)
    if xp is torch:
        x = x - torch.as_tensor(mean, dtype=x.dtype, device=x.device).reshape(shape)
        if std is not None:
            x = x / torch.as_tensor(std, dtype=x.dtype, device=x.device).reshape(shape)
        return x
    x = x - mean.astype(x.dtype).reshape(shape)
    return x if std is None else x / std.astype(x.dtype).reshape(shape)


def preprocess_input(
    x: Any, data_format: str | None = None, mode: str = "caffe"
) -> Any:
    """Preprocesses a batch of RGB images (0-255) for an ImageNet model.

    Args:
        x: a numpy array or tensor, 3-D or 4-D, with 3 colour channels.
        data_format: `"channels_last"` or `"channels_first"`
            (`image_data_format()` by default).
        mode: `"caffe"` (RGB to BGR, minus the ImageNet mean), `"tf"`
            (scaled to [-1, 1]) or `"torch"` (to [0, 1], then normalized by
            the ImageNet mean and standard deviation).

    Returns:
        The preprocessed images: a float numpy array for numpy input (integer
        input becomes `floatx()`), a tensor for tensor input.

    Raises:
        ValueError: for an unknown `mode` or `data_format`.
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(
            "Expected mode to be one of `caffe`, `tf` or `torch`. "
            f"Received: mode={mode}"
        )
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "Expected data_format to be one of `channels_first` or "
            f"`channels_last`. Received: data_format={data_format}"
        )
    if isinstance(x, torch.Tensor):
        if not x.is_floating_point():
            x = x.to(backend.to_torch_dtype(backend.floatx()))
        return _preprocess(x, data_format, mode, torch)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx())
    return _preprocess(x, data_format, mode, np)


def _class_index() -> dict[str, list[str]]:
    """ImageNet's class index (`"0" -> [wordnet_id, name]`), loaded once."""
    if not _CLASS_INDEX:
        path = get_file(
            "imagenet_class_index.json",
            CLASS_INDEX_PATH,
            cache_subdir="models",
            file_hash=CLASS_INDEX_HASH,
        )
        with open(path) as f:
            _CLASS_INDEX.update(json.load(f))
    return _CLASS_INDEX


def decode_predictions(preds: Any, top: int = 5) -> list[list[tuple]]:
    """The `top` ImageNet classes of each prediction, best first.

    The class index is read from the Keras cache folder
    (`~/.keras/models/imagenet_class_index.json`), fetched once through
    `utils.get_file` when it is not there.

    Args:
        preds: predictions of shape `(samples, 1000)`.
        top: how many classes to return per sample.

    Returns:
        One list per sample of `(wordnet_id, class_name, score)` tuples.

    Raises:
        ValueError: when `preds` is not of shape `(samples, 1000)`.
    """
    if isinstance(preds, torch.Tensor):
        preds = preds.detach().cpu().numpy()
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array "
            f"of shape (samples, 1000)). Received array with shape: {preds.shape}"
        )
    index = _class_index()
    results = []
    for row in preds:
        best = np.argsort(row, kind="stable")[-top:][::-1]
        decoded = [(*index[str(i)], row[i]) for i in best]
        decoded.sort(key=lambda item: item[2], reverse=True)
        results.append(decoded)
    return results


def obtain_input_shape(
    input_shape: Any,
    default_size: int,
    min_size: int,
    data_format: str,
    require_flatten: bool,
    weights: Any = None,
) -> tuple:
    """The model's input shape: `input_shape` checked, or the default one.

    Raises:
        ValueError: for shapes that the model (or its weights) cannot take.
    """
    first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it "
                f"was passed an input_shape with {channels} input channels.",
                stacklevel=3,
            )
    else:
        channels = 3
    spatial = (default_size, default_size)
    default = (channels, *spatial) if first else (*spatial, channels)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default}.  Received: "
                f"input_shape={input_shape}"
            )
        return default
    if input_shape:
        _check_shape(tuple(input_shape), min_size, first, weights)
    elif require_flatten:
        input_shape = default
    else:
        input_shape = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return tuple(input_shape)


def _check_shape(shape: tuple, min_size: int, first: bool, weights: Any) -> None:
    """Raises for a user `input_shape` of the wrong rank, channels or size."""
    if len(shape) != 3:
        raise ValueError("`input_shape` must be a tuple of three integers.")
    channels, spatial = (shape[0], shape[1:]) if first else (shape[-1], shape[:2])
    if channels != 3 and weights == "imagenet":
        raise ValueError(
            f"The input must have 3 channels; Received `input_shape={shape}`"
        )
    if any(s is not None and s < min_size for s in spatial):
        raise ValueError(
            f"Input size must be at least {min_size}x{min_size}; Received: "
            f"input_shape={shape}"
        )


def correct_pad(inputs: Any, kernel_size: Any) -> tuple:
    """Zero padding `((top, bottom), (left, right))` before a strided conv."""
    first = 2 if backend.image_data_format() == "channels_first" else 1
    size = inputs.shape[first : first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Raises unless the classifier activation is `None` or softmax with weights."""
    if weights is None:
        return
    fn = activations.get(classifier_activation)
    if fn not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the "
            "`classifier_activation` argument when using pretrained weights, with "
            f"`include_top=True`; Received: classifier_activation={classifier_activation}"
        )


__all__ = ["decode_predictions", "preprocess_input"]
