"""`keras.datasets.fashion_mnist`: 28x28 grayscale clothing images, 10 classes."""

from __future__ import annotations

import gzip
import os

import numpy as np

from lamina.datasets import _common
from lamina.utils.file_utils import get_file

FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def load_data() -> tuple[tuple, tuple]:
    """Loads Fashion-MNIST (IDX files, gzipped) from Keras's cache.

    The files live in `~/.keras/datasets/fashion-mnist/`, as Keras keeps them.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)` and
        uint8 labels 0-9.
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [
        get_file(name, origin=_common.ORIGIN_FOLDER + name, cache_subdir=subdir)
        for name in FILES
    ]
    y_train = _idx(paths[0], offset=8)
    x_train = _idx(paths[1], offset=16).reshape(len(y_train), 28, 28)
    y_test = _idx(paths[2], offset=8)
    x_test = _idx(paths[3], offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


def _idx(path: str, offset: int) -> np.ndarray:
    """The uint8 payload of a gzipped IDX file, after its header."""
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


__all__ = ["load_data"]
