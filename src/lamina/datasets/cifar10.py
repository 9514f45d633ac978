"""`keras.datasets.cifar10`: 32x32 colour images in 10 classes."""

from __future__ import annotations

import numpy as np

from lamina.datasets import _cifar


def load_data() -> tuple[tuple, tuple]:
    """Loads CIFAR-10 from Keras's cache (the Python-pickle archive, extracted).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 32, 32, 3)`
        (`(n, 3, 32, 32)` under `channels_first`) and uint8 labels `(n, 1)`.
    """
    folder = _cifar.join(
        _cifar.fetch_cifar("cifar-10-batches-py-target", "cifar-10-python.tar.gz"),
        "cifar-10-batches-py",
    )
    parts = [
        _cifar.load_batch(_cifar.join(folder, f"data_batch_{i}")) for i in range(1, 6)
    ]
    x_train = np.concatenate([x for x, _ in parts])
    y_train = [label for _, labels in parts for label in labels]
    x_test, y_test = _cifar.load_batch(_cifar.join(folder, "test_batch"))
    return (
        _cifar.finish(x_train, y_train, "uint8"),
        _cifar.finish(x_test, y_test, "uint8"),
    )


__all__ = ["load_data"]
