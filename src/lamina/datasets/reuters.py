"""`keras.datasets.reuters`: 11,228 newswires as word-id sequences, 46 topics."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from lamina.datasets import _common

# The 46 topics, in label order.
_LABEL_NAMES = [
    "cocoa",
    "grain",
    "veg-oil",
    "earn",
    "acq",
    "wheat",
    "copper",
    "housing",
    "money-supply",
    "coffee",
    "sugar",
    "trade",
    "reserves",
    "ship",
    "cotton",
    "carcass",
    "crude",
    "nat-gas",
    "cpi",
    "money-fx",
    "interest",
    "gnp",
    "meal-feed",
    "alum",
    "oilseed",
    "gold",
    "tin",
    "strategic-metal",
    "livestock",
    "retail",
    "ipi",
    "iron-steel",
    "rubber",
    "heat",
    "jobs",
    "lei",
    "bop",
    "zinc",
    "orange",
    "pet-chem",
    "dlr",
    "gas",
    "silver",
    "wpi",
    "hog",
    "lead",
]


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> tuple[tuple, tuple]:
    """Loads the Reuters newswires, with Keras's shuffle, split and word ids.

    Args:
        path: the file's name in the cache.
        num_words: keep the `num_words` most frequent words (ids below it).
        skip_top: also drop the most frequent `skip_top` ids.
        maxlen: keep newswires shorter than this.
        test_split: the fraction held out as the test set.
        seed: seeds the shuffle before the split.
        start_char: the id marking a sequence's start (None for none).
        oov_char: the id replacing dropped words (None drops them).
        index_from: added to every word id.

    Returns:
        `(x_train, y_train), (x_test, y_test)`.
    """
    f = _common.load_npz(_common.fetch(path, "reuters.npz"))
    order = np.arange(len(f["x"]))
    np.random.RandomState(seed).shuffle(order)
    xs: Any = _common.shift_words(f["x"][order], start_char, index_from)
    labels: Any = f["y"][order]
    if maxlen:
        xs, labels = _common.drop_long(maxlen, xs, labels)
    xs = _common.limit_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return (
        (np.array(xs[:cut], dtype="object"), np.array(labels[:cut])),
        (np.array(xs[cut:], dtype="object"), np.array(labels[cut:])),
    )


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The word -> rank index of the Reuters data."""
    with open(_common.fetch(path, "reuters_word_index.json")) as f:
        return json.load(f)


def get_label_names() -> tuple[str, ...]:
    """The topic names, indexed by label."""
    return tuple(_LABEL_NAMES)


__all__ = ["get_label_names", "get_word_index", "load_data"]
