"""`keras.datasets.boston_housing`: 13 features of Boston suburbs, median prices."""

from __future__ import annotations

from lamina.datasets import _common


def load_data(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
) -> tuple[tuple, tuple]:
    """Loads the Boston housing data, shuffled and split as Keras does.

    Args:
        path: the file's name in the cache.
        test_split: the fraction held out as the test set.
        seed: seeds the shuffle before the split.

    Returns:
        `(x_train, y_train), (x_test, y_test)`.
    """
    if not 0 <= test_split < 1:
        raise ValueError(
            f"Invalid `test_split` argument: {test_split}. It must be between 0 "
            "and 1 (exclusive of 1)."
        )
    f = _common.load_npz(_common.fetch(path, "boston_housing.npz"))
    return _common.shuffled_split(f["x"], f["y"], test_split, seed)


__all__ = ["load_data"]
