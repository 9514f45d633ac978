"""`keras.datasets.cifar100`: 32x32 colour images in 100 (or 20 coarse) classes."""

from __future__ import annotations

from lamina.datasets import _cifar


def load_data(label_mode: str = "fine") -> tuple[tuple, tuple]:
    """Loads CIFAR-100 from Keras's cache (the Python-pickle archive, extracted).

    Args:
        label_mode: "fine" (100 classes) or "coarse" (20 super-classes).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 32, 32, 3)`
        and uint8 labels `(n, 1)`.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            '`label_mode` must be one of `"fine"`, `"coarse"`. '
            f"Received: label_mode={label_mode}."
        )
    folder = _cifar.join(
        _cifar.fetch_cifar("cifar-100-python-target", "cifar-100-python.tar.gz"),
        "cifar-100-python",
    )
    key = f"{label_mode}_labels"
    x_train, y_train = _cifar.load_batch(_cifar.join(folder, "train"), key)
    x_test, y_test = _cifar.load_batch(_cifar.join(folder, "test"), key)
    return _cifar.finish(x_train, y_train), _cifar.finish(x_test, y_test)


__all__ = ["load_data"]
