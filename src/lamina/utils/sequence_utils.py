"""`pad_sequences`: lists of variable-length sequences as one padded array."""

from __future__ import annotations

from collections.abc import Sequence as _Seq
from typing import Any

import numpy as np


def pad_sequences(
    sequences: _Seq[Any],
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Pads (or truncates) sequences to a common length.

    Each sequence becomes one row of length `maxlen` (default: the longest
    sequence). Shorter rows are filled with `value` before (`padding="pre"`)
    or after (`"post"`) the data; longer ones lose their first (`truncating=
    "pre"`) or last (`"post"`) items. Items may themselves be arrays: their
    shape becomes the trailing dimensions of the result.

    Args:
        sequences: a list of sequences (lists or arrays).
        maxlen: the length of every output row.
        dtype: the output dtype (`object` for strings of any length).
        padding: `"pre"` or `"post"`: where the padding goes.
        truncating: `"pre"` or `"post"`: where items are cut from.
        value: the padding value.

    Returns:
        A numpy array of shape `(len(sequences), maxlen, *item_shape)`.

    Raises:
        ValueError: for a non-iterable entry, an unknown `padding` /
            `truncating`, items of different shapes, or a string `dtype` with a
            non-string `value`.

    Example:
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist()
    [[2, 3], [0, 4]]
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths = []
    for seq in sequences:
        if not hasattr(seq, "__len__"):
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {seq}"
            )
        lengths.append(len(seq))
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    maxlen = int(np.max(lengths)) if maxlen is None and lengths else (maxlen or 0)
    item_shape = _item_shape(sequences)
    _check_dtype_and_value(dtype, value)
    out = np.full((len(sequences), maxlen, *item_shape), value, dtype=dtype)
    for row, seq in enumerate(sequences):
        if not len(seq) or not maxlen:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {row} "
                f"is different from expected shape {item_shape}"
            )
        if padding == "post":
            out[row, : len(kept)] = kept
        else:
            out[row, maxlen - len(kept) :] = kept
    return out


def _item_shape(sequences: _Seq[Any]) -> tuple:
    """The shape of one item, from the first non-empty sequence."""
    for seq in sequences:
        if len(seq):
            return np.asarray(seq).shape[1:]
    return ()


def _check_dtype_and_value(dtype: Any, value: Any) -> None:
    is_text = np.issubdtype(np.dtype(dtype), np.str_)
    if is_text and not isinstance(value, str):
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: "
            f"{type(value)}\nYou should set `dtype=object` for variable length "
            "strings."
        )
