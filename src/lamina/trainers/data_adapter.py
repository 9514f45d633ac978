"""Turns user data (numpy, torch, pandas, lists, dicts) into device tensors, once.

Batches are then cut by index: `randperm` per epoch when shuffling, plain
slices (views, no copy) otherwise. No DataLoader, no per-sample collation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from lamina import backend
from lamina.layers._symbolic import flatten, map_structure


def is_scipy_sparse(x: Any) -> bool:
    """A scipy sparse matrix or array (csr, csc, coo, ...), without importing scipy."""
    return type(x).__module__.startswith("scipy.sparse") and hasattr(x, "tocsr")


class SparseRows:
    """A scipy sparse matrix kept sparse on the host; each batch of rows is
    densified (`.toarray()`) and moved to the device only when it is taken."""

    def __init__(self, matrix: Any, device: torch.device, name: str) -> None:
        if len(matrix.shape) != 2:
            raise ValueError(
                f"`{name}` is a scipy sparse matrix of shape {matrix.shape}; only "
                "2-D sparse matrices (samples, features) are supported."
            )
        self.matrix = matrix.tocsr()  # csr: fast row slicing
        self.device = device
        self.name = name
        self.shape = tuple(int(d) for d in matrix.shape)

    def rows(self, index: Any) -> SparseRows:
        """The rows `index` as another sparse block (for validation splits)."""
        part = SparseRows.__new__(SparseRows)
        part.matrix, part.device, part.name = self.matrix[index], self.device, self.name
        part.shape = tuple(int(d) for d in part.matrix.shape)
        return part

    def __getitem__(self, index: Any) -> torch.Tensor:
        if isinstance(index, torch.Tensor):
            index = index.cpu().numpy()
        return to_tensor(self.matrix[index].toarray(), self.device, self.name)


def to_tensor(x: Any, device: torch.device, name: str = "x") -> torch.Tensor:
    """One array-like as a tensor on `device`; floats become floatx."""
    if isinstance(x, torch.Tensor):
        t = x.detach()
    else:
        if hasattr(x, "to_numpy"):  # pandas DataFrame / Series
            _check_frame_columns(x, name)
            x = x.to_numpy()
        arr = _as_array(x, name)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
        ):
            raise TypeError(
                f"`{name}` must be numeric data. Received an array of dtype "
                f"{arr.dtype}, e.g. {arr.reshape(-1)[:3].tolist()}. Convert "
                "strings or other objects to numbers first (for labels, e.g. "
                "with `np.unique(y, return_inverse=True)`)."
            )
        arr = np.ascontiguousarray(arr)
        if not arr.flags.writeable:  # pandas may hand out read-only views
            arr = arr.copy()
        t = torch.from_numpy(arr)
    if (
        t.is_floating_point()
        and t.dtype != torch.float32
        and t.dtype in (torch.float64,)
    ):
        t = t.to(backend.to_torch_dtype(backend.floatx()))
    if t.dtype == torch.bool:
        t = t.to(torch.float32)
    return t.to(device, non_blocking=True)


def _is_numeric_dtype(dtype: Any) -> bool:
    try:
        dtype = np.dtype(dtype)
    except TypeError:  # pandas extension dtypes (category, string, ...)
        return False
    return dtype.kind in "biufc"


def _check_frame_columns(frame: Any, name: str) -> None:
    """A pandas DataFrame/Series with non-numeric columns: name the columns."""
    dtypes = getattr(frame, "dtypes", None)
    if dtypes is None:
        return
    if not hasattr(dtypes, "items"):  # a Series: one dtype
        if _is_numeric_dtype(dtypes):
            return
        bad = [(getattr(frame, "name", None), dtypes)]
    else:
        bad = [(col, dt) for col, dt in dtypes.items() if not _is_numeric_dtype(dt)]
    if not bad:
        return
    listed = ", ".join(f"{col!r} ({dt})" for col, dt in bad[:10])
    more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
    raise TypeError(
        f"`{name}` must be numeric data, but the pandas "
        f"{type(frame).__name__} has non-numeric columns: {listed}{more}. "
        "Encode them as numbers first (e.g. `pd.get_dummies(df, columns=[...])` or "
        "`df[col].astype('category').cat.codes`), or drop them."
    )


def _as_array(x: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(x)
    except ValueError:
        if isinstance(x, (list, tuple)):
            _check_ragged(x, name)  # raises, naming the ragged row
        raise


def _check_ragged(data: Any, name: str) -> None:
    """Nested lists whose rows differ in length: name the first ragged row."""

    def shape_of(v: Any) -> tuple | None:
        if isinstance(v, (list, tuple)):
            return (len(v),)
        shape = getattr(v, "shape", None)
        return tuple(shape) if shape is not None else None

    def walk(rows: Any, where: str) -> None:
        if not rows or not isinstance(rows, (list, tuple)):
            return
        first = shape_of(rows[0])
        for i, row in enumerate(rows[1:], start=1):
            this = shape_of(row)
            if this != first:

                def size(s: tuple | None) -> str:
                    if s is None:
                        return "a scalar"
                    return f"length {s[0]}" if len(s) == 1 else f"shape {s}"

                raise ValueError(
                    f"`{name}` is a ragged nested list: row {where}[{i}] has "
                    f"{size(this)}, but row {where}[0] has {size(first)}. Every row "
                    "must have the same length. Pad the sequences to one length "
                    "first, e.g. with `lamina.utils.pad_sequences(...)`, or pass a "
                    "numpy array."
                )
        if isinstance(rows[0], (list, tuple)):
            for i, row in enumerate(rows):
                walk(row, f"{where}[{i}]")

    walk(data, name)


def to_structure(data: Any, device: torch.device, name: str) -> Any:
    """Tensors on `device` in the same lists/tuples/dicts as `data`."""
    if data is None:
        return None
    if (
        isinstance(data, (list, tuple))
        and data
        and all(isinstance(v, (int, float, np.number, list, tuple)) for v in data)
    ):  # nested Python numbers: one array (a list of arrays is several inputs)
        return to_tensor(_as_array(data, name), device, name)
    if isinstance(data, (list, tuple)) and len(data) == 0:
        raise ValueError(f"`{name}` is empty.")
    return map_structure(
        lambda v: (
            SparseRows(v, device, name)
            if is_scipy_sparse(v)
            else to_tensor(v, device, name)
        ),
        _unwrap_pandas(data, name),
    )


def _unwrap_pandas(data: Any, name: str) -> Any:
    if type(data).__name__ == "DataFrame" and hasattr(data, "to_numpy"):
        _check_frame_columns(data, name)
        return data.to_numpy()
    return data


def num_samples(x: Any, y: Any = None, sample_weight: Any = None) -> int:
    """The common number of rows; a clear error when the arrays disagree."""
    sizes = {
        name: [int(t.shape[0]) for t in flatten(v)]
        for name, v in (("x", x), ("y", y), ("sample_weight", sample_weight))
        if v is not None
    }
    every = {n for ns in sizes.values() for n in ns}
    if len(every) > 1:
        detail = "\n".join(
            f"'{name}' sizes: {', '.join(map(str, ns))}" for name, ns in sizes.items()
        )
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same "
            f"number of samples.\n{detail}"
        )
    if not every:
        raise ValueError("No data given: pass `x` (and `y` for training).")
    return every.pop()


def take(structure: Any, index: Any) -> Any:
    """Rows `index` (a slice or an index tensor) of every tensor in `structure`."""
    if structure is None:
        return None
    if isinstance(structure, (torch.Tensor, SparseRows)):
        return structure[index]
    return map_structure(lambda t: _rows_of(t, index), structure)


def _rows_of(t: Any, index: Any) -> Any:
    if isinstance(t, np.ndarray) and isinstance(index, torch.Tensor):
        return t[index.cpu().numpy()]  # string inputs stay in numpy
    return t[index]


def string_input_names(model: Any) -> set[str]:
    """Names of the model's string inputs (`Input(dtype="string")`)."""
    try:
        inputs = getattr(model, "inputs", None) or []
    except (AttributeError, ValueError):
        return set()
    return {
        t.node.layer.name
        for t in inputs
        if getattr(t, "dtype", None) == "string" and t.node is not None
    }


def _rows(structure: Any, index: slice) -> Any:
    """Like `take`, but sparse matrices stay sparse (for validation splits)."""
    if structure is None:
        return None
    return map_structure(
        lambda t: t.rows(index) if isinstance(t, SparseRows) else t[index], structure
    )


def split_validation(
    arrays: tuple, validation_split: float, n: int
) -> tuple[tuple, tuple]:
    """Splits off the last `validation_split` fraction of rows (before shuffling)."""
    if not 0 < validation_split < 1:
        raise ValueError(
            "`validation_split` must be a float in (0, 1). "
            f"Received: validation_split={validation_split}"
        )
    cut = int(math.floor(n * (1.0 - validation_split)))
    if cut == 0 or cut == n:
        raise ValueError(
            f"`validation_split`={validation_split} leaves an empty training or "
            f"validation set for {n} samples."
        )
    train = tuple(_rows(a, slice(0, cut)) for a in arrays)
    val = tuple(_rows(a, slice(cut, n)) for a in arrays)
    return train, val


def unpack_validation_data(data: Any) -> tuple[Any, Any, Any]:
    """`(x, y)` or `(x, y, sample_weight)` as a triple."""
    if isinstance(data, (list, tuple)) and len(data) in (2, 3):
        return (data[0], data[1], data[2] if len(data) == 3 else None)
    raise ValueError(
        "`validation_data` must be a tuple `(x_val, y_val)` or "
        f"`(x_val, y_val, val_sample_weight)`. Received: {type(data).__name__} "
        f"of length {len(data) if hasattr(data, '__len__') else '?'}"
    )


def class_weights_to_sample_weights(
    y: torch.Tensor, class_weight: dict
) -> torch.Tensor:
    """Per-row weights from `class_weight[label]` (labels: ints or one-hot rows)."""
    labels = y
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(dim=-1)
    labels = labels.reshape(labels.shape[0], -1)[:, 0].round().long()
    size = max(int(labels.max().item()) + 1, max(class_weight) + 1)
    table = torch.ones(size, dtype=torch.float32, device=y.device)
    for cls, weight in class_weight.items():
        table[int(cls)] = float(weight)
    return table[labels]


class BatchIndexer:
    """Yields batch index sets for one epoch: slices, or `randperm` chunks."""

    def __init__(self, n: int, batch_size: int, shuffle: bool, device: torch.device):
        self.n = n
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.device = device
        self.steps = math.ceil(n / batch_size)

    def epoch(self) -> list:
        bs = self.batch_size
        if not self.shuffle:
            return [slice(i, min(i + bs, self.n)) for i in range(0, self.n, bs)]
        perm = torch.randperm(self.n, device=self.device)
        return list(perm.split(bs))


def model_input_shapes(model: Any) -> list[tuple] | None:
    """The batch shapes of the model's inputs, when its inputs are known."""
    try:
        inputs = getattr(model, "inputs", None)
    except (AttributeError, ValueError):
        inputs = None
    if inputs:
        return [tuple(t.shape) for t in inputs]
    shape = getattr(model, "input_shape", None)
    if isinstance(shape, tuple) and all(
        isinstance(s, (int, type(None))) for s in shape
    ):
        return [shape]
    return None


def adjust_rank(x: Any, ref: tuple) -> Any:
    """Keras's rank adjustment of a tensor (or numpy array, for string inputs)
    to an input of batch shape `ref`: values of shape `(batch,)` feed an input
    of shape `(batch, 1)`, and `(batch, n, 1)` feed `(batch, n)`."""
    if not isinstance(x, (torch.Tensor, np.ndarray)) or not ref:
        return x
    if x.ndim == len(ref) - 1 and ref[-1] == 1:
        return x[..., None]
    if x.ndim == len(ref) + 1 and x.shape[-1] == 1:
        return x[..., 0]
    return x


def adjust_input_rank(x: Any, shapes: list[tuple] | None) -> Any:
    """Inputs one rank short (or long) of the model's inputs, reshaped as Keras
    does: `Sequential([Dense(1, input_shape=[1])]).fit(x_1d, y_1d)` trains."""
    if shapes is None or x is None:
        return x
    if isinstance(x, torch.Tensor):
        return adjust_rank(x, shapes[0]) if len(shapes) == 1 else x
    if isinstance(x, (list, tuple)) and len(x) == len(shapes):
        return type(x)(adjust_rank(t, s) for t, s in zip(x, shapes))
    return x
