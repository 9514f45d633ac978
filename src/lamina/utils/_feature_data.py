"""Reading FeatureSpace data: adapt batches, call batches and example rows.

Numbers become torch tensors inside the preprocessing layers; strings stay in
numpy arrays, on the host.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import torch

from lamina.layers.preprocessing._index_lookup import IndexLookup

# Keras turns a dict of columns into a dataset of rows and batches it by 32
# before adapting; reading 32 rows at a time gives its bin boundaries.
KERAS_ADAPT_BATCH = 32


def _array(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def _column(value: Any, name: str, dtype: str) -> Any:
    """One feature's values, checked against its dtype: numpy (strings and
    numbers given as arrays or lists) or a torch tensor (numbers)."""
    if isinstance(value, torch.Tensor):
        if dtype == "string":
            raise TypeError(_wrong_kind(name, dtype, str(value.dtype)))
        return value
    arr = np.asarray(value)
    is_text = arr.dtype.kind in "USO"
    if dtype == "string" and arr.size and not is_text:
        raise TypeError(_wrong_kind(name, dtype, str(arr.dtype)))
    if dtype != "string" and is_text:
        raise TypeError(_wrong_kind(name, dtype, str(arr.dtype)))
    if dtype == "float32":
        arr = arr.astype(np.float32)
    elif dtype != "string":
        arr = arr.astype(np.int64)
    return arr


def _wrong_kind(name: str, dtype: str, got: str) -> str:
    want = "strings (a numpy array or list)" if dtype == "string" else "numbers"
    return (
        f"Feature '{name}' has dtype {dtype} and expects {want}. Received values "
        f"of dtype {got}. Check the column, or declare the feature with the type "
        "that fits it (e.g. 'string_categorical' for text)."
    )


def _as_column_batch(value: Any) -> Any:
    """`(batch, 1)` from `()`, `(batch,)` or `(batch, 1)` values."""
    if value.ndim == 0:
        return value.reshape(1, 1)
    if value.ndim == 1:
        return value.reshape(-1, 1)
    return value


def as_batch(data: Mapping, features: Mapping) -> tuple[dict, bool]:
    """The call data as `(batch, 1)` columns, and whether one example (scalars)
    was given and made a batch of one."""
    batch, rebatched = {}, False
    for name, feature in features.items():
        value = _column(data[name], name, feature.dtype)
        rebatched = rebatched or value.ndim == 0
        batch[name] = _as_column_batch(value)
    sizes = {name: int(v.shape[0]) for name, v in batch.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(
            "All features given to the FeatureSpace must have the same number of "
            f"rows. Received: {sizes}"
        )
    return batch, rebatched


# -- adapt ------------------------------------------------------------------------


def feature_batches(dataset: Any, names: list[str], features: Mapping) -> dict:
    """For each name, the list of `(batch, 1)` numpy batches to adapt on.

    Raises:
        TypeError: for data that is not a dict or an iterable of dict batches.
        ValueError: for a batch that lacks one of the features, or no data.
    """
    out: dict[str, list] = {name: [] for name in names}
    if _is_data_frame(dataset):  # pandas: its columns, as Keras's `dict(df)`
        dataset = {name: dataset[name].to_numpy() for name in dataset.columns}
    if isinstance(dataset, Mapping):
        _check_has(dataset, names)
        for name in names:
            column = _column(dataset[name], name, features[name].dtype)
            out[name] = _split_column(_array(column))
        return out
    if isinstance(dataset, (str, bytes)) or not isinstance(dataset, Iterable):
        raise TypeError(
            "`adapt()` can only be called on a dict of arrays/lists (one column per "
            "feature) or an iterable of dict batches (a list, a generator, a "
            "`PyDataset` or a torch `DataLoader`). Received instead: "
            f"{dataset!r:.100} (of type {type(dataset).__name__})"
        )
    rows: dict[str, list] = {name: [] for name in names}
    seen = 0
    for batch in dataset:
        batch = _features_of(batch)
        _check_has(batch, names)
        seen += 1
        for name in names:
            value = _array(_column(batch[name], name, features[name].dtype))
            if value.ndim == 0:  # unbatched rows: batch them as Keras does
                rows[name].append(value)
            else:
                out[name].append(_as_column_batch(value))
    if not seen:
        raise ValueError("`adapt()` received no data: the iterable was empty.")
    for name, values in rows.items():
        if values:
            out[name].extend(_split_column(np.stack(values)))
    return out


def _is_data_frame(data: Any) -> bool:
    return type(data).__name__ == "DataFrame" and hasattr(data, "columns")


def _split_column(column: np.ndarray) -> list[np.ndarray]:
    if column.ndim <= 1:
        column = column.reshape(-1)
        step = KERAS_ADAPT_BATCH
        return [
            column[i : i + step].reshape(-1, 1) for i in range(0, column.size, step)
        ]
    # Rows of a 2-D column are adapted one at a time, as Keras's rows are.
    return [row.reshape(-1, 1) for row in column]


def _features_of(batch: Any) -> Mapping:
    if isinstance(batch, (list, tuple)) and batch and isinstance(batch[0], Mapping):
        return batch[0]  # (x, y) or (x, y, sample_weight): adapt to x
    if not isinstance(batch, Mapping):
        raise TypeError(
            "`adapt()` expects batches that are dicts of feature values (or `(x, y)` "
            f"pairs whose `x` is such a dict). Received a batch of type "
            f"{type(batch).__name__}: {batch!r:.100}"
        )
    return batch


def _check_has(batch: Mapping, names: list[str]) -> None:
    missing = [n for n in names if n not in batch]
    if missing:
        raise ValueError(
            f"The data given to `adapt()` lacks the features {missing}. Received "
            f"keys: {sorted(batch)}."
        )


# -- the example row ------------------------------------------------------------------


def example_row(features: Mapping) -> dict:
    """One row of valid values (a known token for lookups), to run the encoders."""
    row = {}
    for name, feature in features.items():
        value: Any = "" if feature.dtype == "string" else 0
        layer = feature.preprocessor
        if isinstance(layer, IndexLookup):
            tokens = layer.get_vocabulary(include_special_tokens=False)
            if tokens:
                value = tokens[0]
        dtype = object if feature.dtype == "string" else feature.dtype
        row[name] = np.array([[value]], dtype=dtype)
    return row
