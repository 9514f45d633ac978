"""`image_dataset_from_directory`: a folder of class folders of images, batched.

Images are decoded by Pillow (an optional dependency, imported when a dataset
is made) and resized by `torch.nn.functional.interpolate`, whose "bilinear"
(no antialiasing, half-pixel centres) is TensorFlow's default `tf.image.resize`
that Keras uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from lamina.utils import dataset_utils as du

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
_PIL_MODES = {1: "L", 3: "RGB", 4: "RGBA"}
# Keras's interpolation names -> torch's `interpolate` modes.
_TORCH_MODES = {
    "bilinear": "bilinear",
    "nearest": "nearest-exact",
    "bicubic": "bicubic",
    "area": "area",
}


def image_dataset_from_directory(
    directory: str,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: list[str] | None = None,
    color_mode: str = "rgb",
    batch_size: int | None = 32,
    image_size: tuple[int, int] = (256, 256),
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    interpolation: str = "bilinear",
    follow_links: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    data_format: str | None = None,
    format: str = "tf",
    verbose: bool = True,
) -> Any:
    """Batches of images (float32, 0-255) and labels from a folder of class folders.

    `directory/cat/*.jpg`, `directory/dog/*.jpg` give labels 0 (cat) and 1
    (dog). Files are listed and split as Keras does (same seed, same training
    and validation files); the images of a batch are resized to `image_size`.

    Args:
        directory: the folder.
        labels: "inferred" (from the sub-folders), None, or one label per file
            in sorted path order.
        label_mode: "int", "categorical", "binary" or None.
        class_names: the class folders to use, in label order.
        color_mode: "grayscale", "rgb" or "rgba".
        batch_size: images per batch; None yields single images.
        image_size: `(height, width)` of the output images.
        shuffle: shuffle the files (and reshuffle each epoch of `fit`).
        seed: seed of the shuffle and split.
        validation_split: fraction of files held out.
        subset: "training", "validation" or "both" (returns both datasets).
        interpolation: "bilinear", "nearest", "bicubic" or "area".
        follow_links: follow symbolic links to sub-folders.
        crop_to_aspect_ratio: centre-crop to the target aspect ratio first.
        pad_to_aspect_ratio: zero-pad to the target aspect ratio first.
        data_format: "channels_last" (default) or "channels_first".
        format: accepted for Keras compatibility ("tf" or "grain").
        verbose: print how many files and classes were found.

    Returns:
        A `SampleBatches` (a `PyDataset`) of `(images, labels)` batches, or a
        pair of them for `subset="both"`. It has `class_names` and
        `file_paths`.
    """
    num_channels = _check_args(
        labels,
        label_mode,
        color_mode,
        image_size,
        interpolation,
        format,
        crop_to_aspect_ratio,
        pad_to_aspect_ratio,
    )
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    du.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    paths, label_array, names = du.index_directory(
        directory,
        labels,
        ALLOWLIST_FORMATS,
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
        verbose=verbose,
    )
    if label_mode == "binary" and len(names or []) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 '
            f"class_names. Received: class_names={names}"
        )
    channels_first = data_format == "channels_first"
    read = _reader(
        image_size,
        num_channels,
        interpolation,
        crop_to_aspect_ratio,
        pad_to_aspect_ratio,
        channels_first,
    )

    def make(which: str | None, shuffled: bool) -> du.SampleBatches:
        part, part_labels = du.training_or_validation(
            paths, label_array, validation_split, which
        )
        if not part:
            kind = f"{which} images" if which else "images"
            raise ValueError(
                f"No {kind} found in directory {directory}. Allowed formats: "
                f"{ALLOWLIST_FORMATS}"
            )
        return du.files_dataset(
            part, part_labels, label_mode, names, read, batch_size, shuffled, seed
        )

    if subset == "both":
        return make("training", shuffle), make("validation", False)
    return make(subset, shuffle)


def _check_args(
    labels: Any,
    label_mode: Any,
    color_mode: str,
    image_size: Any,
    interpolation: str,
    format: str,
    crop: bool,
    pad: bool,
) -> int:
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(
            "`labels` argument should be a list/tuple of integer labels, of the "
            "same size as the number of image files in the target directory. If "
            "you wish to infer the labels from the subdirectory names in the "
            'target directory, pass `labels="inferred"`. If you wish to get a '
            f"dataset that only contains images (no labels), pass `labels=None`. "
            f"Received: labels={labels}"
        )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", '
            f"or None. Received: label_mode={label_mode}"
        )
    if color_mode not in _CHANNELS:
        raise ValueError(
            '`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
            f"Received: color_mode={color_mode}"
        )
    if not (isinstance(image_size, (list, tuple)) and len(image_size) == 2):
        raise ValueError(
            "Invalid `image_size` value. Expected a tuple of 2 integers. "
            f"Received: image_size={image_size}"
        )
    if interpolation not in _TORCH_MODES:
        raise ValueError(
            f"`interpolation` must be one of {sorted(_TORCH_MODES)} in lamina. "
            f"Received: interpolation={interpolation}"
        )
    if format not in ("tf", "grain"):
        raise ValueError(
            f'`format` should be either "tf" or "grain". Received: format={format}'
        )
    if crop and pad:
        raise ValueError(
            "Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be "
            "set to `True`."
        )
    return _CHANNELS[color_mode]


def _reader(
    image_size: Any,
    channels: int,
    interpolation: str,
    crop: bool,
    pad: bool,
    channels_first: bool,
) -> Any:
    height, width = (int(v) for v in image_size)

    def read(paths: list[str]) -> np.ndarray:
        images = [
            _resize(load_image(p, channels), height, width, interpolation, crop, pad)
            for p in paths
        ]
        batch = np.stack(images).astype("float32")
        return batch.transpose(0, 3, 1, 2) if channels_first else batch

    return read


def load_image(path: str, channels: int) -> np.ndarray:
    """The image at `path` as a `(height, width, channels)` uint8 array."""
    try:
        # Pillow is an optional dependency: deferred until an image is decoded.
        from PIL import Image
    except ImportError as err:
        raise ImportError(
            "`image_dataset_from_directory` reads images with Pillow: "
            "`pip install pillow`."
        ) from err
    with Image.open(path) as img:
        img.seek(0)  # the first frame of an animated GIF, as Keras
        arr = np.array(img.convert(_PIL_MODES[channels]))  # a writable copy
    return arr[..., None] if arr.ndim == 2 else arr


def _resize(
    img: np.ndarray, height: int, width: int, mode: str, crop: bool, pad: bool
) -> np.ndarray:
    h, w = img.shape[:2]
    if crop:
        ch = max(min(h, int(w * height / width)), 1)
        cw = max(min(w, int(h * width / height)), 1)
        top, left = (h - ch) // 2, (w - cw) // 2
        img = img[top : top + ch, left : left + cw]
    elif pad:
        ph = max(h, int(w * height / width))
        pw = max(w, int(h * width / height))
        top, left = (ph - h) // 2, (pw - w) // 2
        canvas = np.zeros((ph, pw, img.shape[2]), dtype=img.dtype)
        canvas[top : top + h, left : left + w] = img
        img = canvas
    if img.shape[:2] == (height, width):
        return img.astype("float32")
    t = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)[None].float()
    kwargs = {"align_corners": False} if mode in ("bilinear", "bicubic") else {}
    out = torch.nn.functional.interpolate(
        t, size=(height, width), mode=_TORCH_MODES[mode], **kwargs
    )
    return out[0].permute(1, 2, 0).numpy()
