"""Reading CIFAR batches (Python pickles in Keras's extracted archive)."""

from __future__ import annotations

import os

import numpy as np

from lamina import backend
from lamina.datasets import _common
from lamina.utils.file_utils import get_file


def fetch_cifar(dirname: str, archive: str) -> str:
    """The extracted archive's folder (Keras's name: `<dirname>`)."""
    return get_file(
        fname=dirname,
        origin=_common.CIFAR_ORIGIN_FOLDER + archive,
        extract=True,
        file_hash=_common.FILE_HASHES.get(archive),
    )


def load_batch(path: str, label_key: str = "labels") -> tuple[np.ndarray, list]:
    """One CIFAR batch file: images `(n, 3, 32, 32)` uint8 and labels."""
    raw = _common.load_pickle(path, encoding="bytes")
    batch = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in raw.items()}
    data = np.asarray(batch["data"], dtype="uint8")
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def finish(
    x: np.ndarray, labels: list, label_dtype: str = "int64"
) -> tuple[np.ndarray, np.ndarray]:
    """Labels as a `(n, 1)` column; images channels-last unless configured.

    Keras gives CIFAR-10 labels as uint8 and CIFAR-100 labels as int64.
    """
    y = np.asarray(labels, dtype=label_dtype).reshape(-1, 1)
    if backend.image_data_format() == "channels_last":
        x = x.transpose(0, 2, 3, 1)
    return x, y


def join(path: str, *parts: str) -> str:
    return os.path.join(path, *parts)
