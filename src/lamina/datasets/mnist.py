"""`keras.datasets.mnist`: 28x28 grayscale digits, 60,000 train and 10,000 test."""

from __future__ import annotations

from lamina.datasets import _common


def load_data(path: str = "mnist.npz") -> tuple[tuple, tuple]:
    """Loads MNIST from Keras's cache (downloading it once).

    Args:
        path: the file's name in the cache (`~/.keras/datasets`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)` and
        uint8 labels 0-9.
    """
    f = _common.load_npz(_common.fetch(path, "mnist.npz"))
    return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


__all__ = ["load_data"]
