"""`keras.datasets.california_housing`: 8 features of California districts."""

from __future__ import annotations

from lamina.datasets import _common


def load_data(
    version: str = "large",
    path: str = "california_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
) -> tuple[tuple, tuple]:
    """Loads the California housing data, shuffled and split as Keras does.

    Args:
        version: "large" (all 20,640 rows) or "small" (the first 600).
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
    f = _common.load_npz(_common.fetch(path, "california_housing.npz"))
    x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(
            "Argument `version` must be one of 'small', 'large'. "
            f"Received: version={version}"
        )
    return _common.shuffled_split(x, y, test_split, seed)


__all__ = ["load_data"]
