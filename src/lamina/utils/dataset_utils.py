"""Datasets of samples loaded by index, batched; `split_dataset`; directory listing.

Keras's dataset utilities return `tf.data.Dataset`s. lamina's return a
`SampleBatches`, a `PyDataset` of batches of torch tensors (strings stay numpy
object arrays), which have the `.numpy()` that tf.data code calls: `fit`, `evaluate` and
`predict` take it as it is (with parallel loading through `workers`), a `for`
loop reads its batches, and the `tf.data` calls Keras code makes on such a
dataset (`map`, `take`, `prefetch`, `cache`, `shuffle`, `repeat`) work too.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from lamina.utils.py_dataset import PyDataset


class SampleBatches(PyDataset):
    """Batches of samples loaded by index, in a new order each epoch when shuffled.

    Args:
        count: the number of samples.
        load: `load(indices)` returns the batch (a tuple of numpy arrays, or one
            array) for those sample indices; numeric arrays are handed out as
            torch tensors.
        batch_size: samples per batch; None yields single samples.
        shuffle: draw a new sample order after each epoch (the first epoch
            reads samples in index order).
        seed: seeds the later orders.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size`.
    """

    def __init__(
        self,
        count: int,
        load: Callable[[np.ndarray], Any],
        batch_size: int | None = 32,
        shuffle: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.count = int(count)
        self._load = load
        self.batch_size = batch_size
        self._shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        # The first epoch reads samples in the given order (the callers list
        # them already shuffled, as Keras does); later epochs reshuffle.
        self._order = np.arange(self.count)
        self.class_names: list[str] | None = None
        self.file_paths: list[str] | None = None

    def __len__(self) -> int:
        if self.batch_size is None:
            return self.count
        return math.ceil(self.count / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index {index} out of range [0, {len(self)}).")
        if self.batch_size is None:
            batch = _unbatch(self._load(self._order[index : index + 1]))
        else:
            lo = index * self.batch_size
            batch = self._load(self._order[lo : lo + self.batch_size])
        return _to_torch(batch)

    def on_epoch_end(self) -> None:
        if self._shuffle:
            self._rng.shuffle(self._order)

    # -- the tf.data calls Keras code makes on these datasets --------------------------
    def map(self, fn: Callable, num_parallel_calls: Any = None) -> MappedBatches:
        """A dataset whose batches are `fn(*batch)` (or `fn(batch)`)."""
        return MappedBatches(self, fn)

    def take(self, count: int) -> TakenBatches:
        """The first `count` batches."""
        return TakenBatches(self, count)

    def prefetch(self, buffer_size: Any = None) -> SampleBatches:
        """Returns self: set `workers` to compute batches ahead during `fit`."""
        return self

    def cache(self, filename: str = "") -> SampleBatches:
        """Returns self: batches are computed from memory or files on demand."""
        return self

    def repeat(self, count: Any = None) -> SampleBatches:
        """Returns self: `fit` starts a new pass every epoch."""
        return self

    def shuffle(
        self, buffer_size: Any = None, seed: Any = None, **kwargs: Any
    ) -> SampleBatches:
        """Returns self, now drawing a new sample order every epoch."""
        self._shuffle = True
        return self


def _to_torch(batch: Any) -> Any:
    """Numeric arrays as torch tensors (code written for tf.data calls `.numpy()`)."""
    if isinstance(batch, tuple):
        return tuple(_to_torch(b) for b in batch)
    if isinstance(batch, np.ndarray) and batch.dtype != object:
        return torch.from_numpy(np.ascontiguousarray(batch))
    return batch  # strings (object arrays) and ragged lists stay as they are


def _unbatch(batch: Any) -> Any:
    if isinstance(batch, tuple):
        return tuple(b[0] for b in batch)
    return batch[0]


class _Derived(PyDataset):
    """A dataset built on another one, keeping its length, hooks and workers."""

    def __init__(self, parent: Any) -> None:
        super().__init__(
            workers=parent.workers,
            use_multiprocessing=parent.use_multiprocessing,
            max_queue_size=parent.max_queue_size,
        )
        self.parent = parent
        self.class_names = getattr(parent, "class_names", None)
        self.file_paths = getattr(parent, "file_paths", None)

    def __len__(self) -> int:
        return len(self.parent)

    def __getitem__(self, index: int) -> Any:
        return self.parent[index]

    def on_epoch_begin(self) -> None:
        self.parent.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.parent.on_epoch_end()

    map = SampleBatches.map
    take = SampleBatches.take
    prefetch = SampleBatches.prefetch
    cache = SampleBatches.cache
    repeat = SampleBatches.repeat


class MappedBatches(_Derived):
    """Batches of another dataset passed through `fn`."""

    def __init__(self, parent: Any, fn: Callable) -> None:
        super().__init__(parent)
        self.fn = fn

    def __getitem__(self, index: int) -> Any:
        batch = self.parent[index]
        return self.fn(*batch) if isinstance(batch, tuple) else self.fn(batch)


class TakenBatches(_Derived):
    """The first `count` batches of another dataset."""

    def __init__(self, parent: Any, count: int) -> None:
        super().__init__(parent)
        self.limit = len(parent) if count < 0 else min(int(count), len(parent))

    def __len__(self) -> int:
        return self.limit

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < self.limit:
            raise IndexError(f"Batch index {index} out of range [0, {self.limit}).")
        return self.parent[index]


# -- split_dataset -------------------------------------------------------------------


def split_dataset(
    dataset: Any,
    left_size: int | float | None = None,
    right_size: int | float | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    preferred_backend: str | None = None,
) -> tuple[torch.utils.data.Dataset, torch.utils.data.Dataset]:
    """Splits a dataset of samples into a left and a right part (e.g. train / test).

    Sizes are sample counts (int) or fractions (float in (0, 1)); a missing one
    is the complement of the other. Without `shuffle` the left part is the
    first samples and the right part the last ones (Keras on its torch backend
    draws a random split even then). With `shuffle` and a `seed`, the split is
    the one Keras draws on its torch backend for that seed.

    Args:
        dataset: a `torch.utils.data.Dataset`, an array, or a list/tuple of
            arrays with the same first dimension.
        left_size: size of the left part.
        right_size: size of the right part.
        shuffle: shuffle the samples before splitting.
        seed: seed of the shuffle.
        preferred_backend: accepted for Keras compatibility; only "torch"
            (or None) is available.

    Returns:
        Two `torch.utils.data.Subset`s, which `fit` batches like any torch
        Dataset (`batch_size`, `shuffle`).
    """
    if preferred_backend not in (None, "torch"):
        raise ValueError(
            "lamina's `split_dataset` returns torch datasets: `preferred_backend` "
            f"must be None or 'torch'. Received: preferred_backend={preferred_backend!r}"
        )
    data: Any = _as_torch_dataset(dataset)
    if left_size is None and right_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be specified. "
            "Received: left_size=None and right_size=None"
        )
    total = len(data)
    left, right = _split_sizes(left_size, right_size, total)
    if shuffle:
        gen = torch.Generator()
        if seed is None:
            gen.seed()
        else:
            gen.manual_seed(int(seed))
        order = torch.randperm(total, generator=gen).tolist()
    else:
        order = list(range(total))
    subset = torch.utils.data.Subset
    return subset(data, order[:left]), subset(data, order[total - right :])


def _as_torch_dataset(dataset: Any) -> torch.utils.data.Dataset:
    if isinstance(dataset, torch.utils.data.Dataset):
        return dataset
    if isinstance(dataset, (np.ndarray, torch.Tensor)):
        dataset = (dataset,)
    if isinstance(dataset, (list, tuple)) and dataset:
        tensors = [torch.as_tensor(np.asarray(a)) for a in dataset]
        sizes = {len(t) for t in tensors}
        if len(sizes) > 1:
            raise ValueError(
                "The arrays of `dataset` must have the same length. Received "
                f"lengths {[len(t) for t in tensors]}."
            )
        return torch.utils.data.TensorDataset(*tensors)
    raise TypeError(
        "The `dataset` argument must be a `torch.utils.data.Dataset` object, or a "
        f"list/tuple of arrays. Received: dataset={dataset} of type {type(dataset)}"
    )


def _split_sizes(left: Any, right: Any, total: int) -> tuple[int, int]:
    """Keras's rules: ints are counts, floats fractions, None the complement."""
    for name, size in (("left_size", left), ("right_size", right)):
        if size is None:
            continue
        if type(size) not in (int, float):
            raise TypeError(
                f"Invalid `{name}` Type. Expected: int or float or None, "
                f"Received: type({name})={type(size)}."
            )
        if (isinstance(size, int) and not 0 < size < total) or (
            isinstance(size, float) and not 0 < size < 1
        ):
            raise ValueError(
                f"`{name}` should be either a positive integer smaller than "
                f"{total}, or a float within the range `[0, 1]`. Received: "
                f"{name}={size}"
            )
    if isinstance(left, float) and isinstance(right, float) and left + right > 1:
        raise ValueError(
            "The sum of `left_size` and `right_size` is greater than 1. It must be "
            "less than or equal to 1."
        )
    n_left = round(left * total) if isinstance(left, float) else left
    n_right = round(right * total) if isinstance(right, float) else right
    n_left = total - n_right if n_left is None else n_left
    n_right = total - n_left if n_right is None else n_right
    if n_left + n_right > total:
        raise ValueError(
            f"The sum of `left_size` and `right_size` should be smaller than the "
            f"{total}. Received: left_size + right_size = {n_left + n_right} and "
            f"total_length = {total}"
        )
    for size, side in ((n_left, "left"), (n_right, "right")):
        if size == 0:
            raise ValueError(
                f"With `dataset` of length={total}, `left_size`={n_left} and "
                f"`right_size`={n_right}. Resulting {side} side dataset split will "
                "be empty. Adjust any of the aforementioned parameters"
            )
    return int(n_left), int(n_right)


# -- listing a directory of class folders --------------------------------------------


def index_directory(
    directory: str,
    labels: Any,
    formats: tuple[str, ...],
    class_names: Sequence[str] | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    follow_links: bool = False,
    verbose: bool = True,
) -> tuple[list[str], np.ndarray | None, list[str] | None]:
    """Lists the files of `directory` with their labels, in Keras's order.

    With `labels="inferred"`, each sub-folder (sorted, or in `class_names`
    order) is a class and its files (walked recursively, sorted) are labelled
    with the class index. Files are then shuffled with
    `np.random.RandomState(seed)`, as Keras does, so a seed gives Keras's
    training / validation split.

    Returns:
        `(file_paths, labels, class_names)`.
    """
    if not os.path.isdir(directory):
        raise ValueError(
            f"`directory` must be an existing folder. Received: directory={directory!r}"
        )
    inferred = isinstance(labels, str) and labels == "inferred"
    subdirs = _class_folders(directory, inferred, labels, class_names)
    paths: list[str] = []
    found: list[int] = []
    for index, sub in enumerate(subdirs):
        for path in _walk_files(os.path.join(directory, sub), follow_links, formats):
            paths.append(path)
            found.append(index)
    names: list[str] | None = list(subdirs)
    label_array: np.ndarray | None
    if inferred:
        label_array = np.asarray(found, dtype="int32")
    elif labels is None:
        label_array, names = None, None
    else:
        if len(labels) != len(paths):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in "
                f"the target directory. len(labels) is {len(labels)} while we found "
                f"{len(paths)} files in directory {directory}."
            )
        label_array = np.asarray(labels)
        names = [str(label) for label in sorted(set(labels))]
    if verbose:
        if label_array is None:
            print(f"Found {len(paths)} files.")
        else:
            print(f"Found {len(paths)} files belonging to {len(names or [])} classes.")
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1_000_000))
        np.random.RandomState(seed).shuffle(paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return paths, label_array, names


def _class_folders(
    directory: str, inferred: bool, labels: Any, class_names: Any
) -> list[str]:
    if not inferred:
        if class_names is not None:
            raise ValueError(
                "When `labels=None` (no labels), argument `class_names` cannot be "
                "specified."
                if labels is None
                else "When argument `labels` is specified, argument `class_names` "
                "cannot be specified (the `class_names` will be the sorted list of "
                "labels)."
            )
        return [""]
    subdirs = [
        d
        for d in sorted(os.listdir(directory))
        if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")
    ]
    if class_names is not None:
        if not set(class_names).issubset(subdirs):
            raise ValueError(
                "The `class_names` passed did not match the names of the "
                f"subdirectories of the target directory. Expected: {subdirs} (or a "
                f"subset of it), but received: class_names={class_names}"
            )
        return list(class_names)
    return subdirs


def _walk_files(folder: str, follow_links: bool, formats: tuple[str, ...]) -> list:
    out: list[str] = []
    walk = sorted(os.walk(folder, followlinks=follow_links), key=lambda w: w[0])
    for root, _, files in walk:
        out.extend(
            os.path.join(root, f) for f in sorted(files) if f.lower().endswith(formats)
        )
    return out


def check_validation_split_arg(
    validation_split: Any, subset: Any, shuffle: bool, seed: Any
) -> None:
    """Keras's checks of `validation_split` / `subset` / `seed`."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(
            f"`validation_split` must be between 0 and 1, received: {validation_split}"
        )
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(
            "If `subset` is set, `validation_split` must be set, and inversely."
        )
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            '`subset` must be either "training", "validation" or "both", '
            f"received: {subset}"
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a "
            "`seed` argument, to make sure that there is no overlap between the "
            "training and validation subset."
        )


def training_or_validation(
    samples: list, labels: Any, validation_split: Any, subset: str | None
) -> tuple[list, Any]:
    """The training (first) or validation (last) part of the listed samples."""
    if not validation_split:
        return samples, labels
    n_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - n_val} files for training.")
        cut = slice(0, len(samples) - n_val)
    else:
        print(f"Using {n_val} files for validation.")
        cut = slice(len(samples) - n_val, len(samples))
    return samples[cut], None if labels is None else labels[cut]


def encode_labels(
    labels: np.ndarray, label_mode: str | None, num_classes: int
) -> np.ndarray:
    """Integer labels as Keras's `label_mode` gives them."""
    if label_mode == "binary":
        return labels.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        out = np.zeros((len(labels), num_classes), dtype="float32")
        out[np.arange(len(labels)), labels] = 1.0
        return out
    return labels.astype("int32")


def files_dataset(
    paths: list[str],
    labels: np.ndarray | None,
    label_mode: str | None,
    class_names: list[str] | None,
    read: Callable[[list[str]], np.ndarray],
    batch_size: int | None,
    shuffle: bool,
    seed: int | None,
) -> SampleBatches:
    """A SampleBatches of `read(paths)` batches with their encoded labels."""
    num_classes = len(class_names) if class_names else 0

    def load(indices: np.ndarray) -> Any:
        batch = read([paths[i] for i in indices])
        if labels is None or label_mode is None:
            return batch
        return batch, encode_labels(labels[indices], label_mode, num_classes)

    ds = SampleBatches(len(paths), load, batch_size, shuffle, seed)
    ds.class_names = class_names
    ds.file_paths = list(paths)
    return ds
