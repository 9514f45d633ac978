"""`keras.datasets.imdb`: 50,000 movie reviews as word-id sequences, +/- labels."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from lamina.datasets import _common


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    **kwargs: Any,
) -> tuple[tuple, tuple]:
    """Loads the IMDB reviews, with Keras's shuffling and word-id conventions.

    Ids are word ranks plus `index_from`; each review starts with
    `start_char`; ids not in `[skip_top, num_words)` become `oov_char`.

    Args:
        path: the file's name in the cache.
        num_words: keep the `num_words` most frequent words (ids below it).
        skip_top: also drop the most frequent `skip_top` ids.
        maxlen: keep reviews shorter than this.
        seed: seeds the shuffle of each split.
        start_char: the id marking a review's start (None for none).
        oov_char: the id replacing dropped words (None drops them).
        index_from: added to every word id.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of id lists and
        int labels.
    """
    f = _common.load_npz(_common.fetch(path, "imdb.npz"))
    rng = np.random.RandomState(seed)
    splits: list[Any] = []
    for xs, ys in ((f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])):
        order = np.arange(len(xs))
        rng.shuffle(order)
        splits.append(
            (_common.shift_words(xs[order], start_char, index_from), ys[order])
        )
    (x_train, y_train), (x_test, y_test) = splits
    if maxlen:
        x_train, y_train = _common.drop_long(maxlen, x_train, y_train)
        x_test, y_test = _common.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no "
                "sequence was kept. Increase maxlen."
            )
    words = _common.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([y_train, y_test])
    cut = len(x_train)
    return (
        (np.array(words[:cut], dtype="object"), labels[:cut]),
        (np.array(words[cut:], dtype="object"), labels[cut:]),
    )


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The word -> rank index of the IMDB data (rank 1 is the most frequent)."""
    with open(_common.fetch(path, "imdb_word_index.json")) as f:
        return json.load(f)


__all__ = ["get_word_index", "load_data"]
