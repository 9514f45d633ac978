"""Where batches come from: arrays cut by index, a PyDataset, or an iterable of batches.

Arrays (numpy, torch, pandas, lists, dicts) go to the device once; each epoch
cuts them by `randperm` chunks or slices. A `PyDataset` is read by batch index
(in parallel when it has workers). An iterable (a `torch.utils.data.DataLoader`,
a generator, any object yielding `(x, y)` or `(x, y, sample_weight)` batches) is
read batch by batch; a map-style `torch.utils.data.Dataset` is batched by a
`DataLoader`. Every non-array batch is moved to the device as it arrives.

Every source counts the batches of its last epoch (`seen`); an input that runs
out before the epoch's steps gets Keras's warning, and a one-shot generator
that ran out sets `exhausted`, so `fit` stops instead of inventing an epoch.
"""

from __future__ import annotations

import itertools
import types
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from lamina.trainers import data_adapter as da
from lamina.utils.py_dataset import PyDataset, is_parallel, read_in_order

RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your "
    "dataset or generator can generate at least `steps_per_epoch * epochs` "
    "batches. You may need to use the `.repeat()` function when building your "
    "dataset."
)


def is_batch_iterable(x: Any) -> bool:
    """True for DataLoaders, generators and other iterables of batches."""
    if x is None or isinstance(x, (np.ndarray, torch.Tensor, list, tuple, dict, str)):
        return False
    if da.is_scipy_sparse(x):  # rows densified per batch, as arrays
        return False
    if hasattr(x, "to_numpy") or hasattr(x, "__array__"):
        return False
    return hasattr(x, "__iter__")


def _kind(x: Any) -> str:
    if isinstance(x, PyDataset):
        return "PyDataset"
    if isinstance(x, torch.utils.data.DataLoader):
        return "torch DataLoader"
    if isinstance(x, torch.utils.data.Dataset):
        return "torch Dataset"
    if isinstance(x, types.GeneratorType):
        return "generator"
    return type(x).__name__


def is_streamed(x: Any) -> bool:
    """True for inputs read batch by batch rather than cut from arrays."""
    return isinstance(x, (PyDataset, torch.utils.data.Dataset)) or is_batch_iterable(x)


def check_validation_split(x: Any, y: Any, sample_weight: Any) -> None:
    """Keras's error for `validation_split` on data that cannot be sliced."""
    bad = [type(v) for v in (x, y, sample_weight) if v is not None and is_streamed(v)]
    if bad:
        raise ValueError(
            "Argument `validation_split` is only supported for tensors or NumPy "
            f"arrays.Found incompatible type in the input: {bad}"
        )


def make_source(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    *,
    device: torch.device,
    batch_size: int | None,
    steps: int | None,
    shuffle: bool = False,
    class_weight: dict | None = None,
) -> Any:
    """The source for a streamed input, or None for arrays (cut by index)."""
    if not is_streamed(x):
        return None
    kind = _kind(x)
    for value, arg, what in (
        (y, "y", "the targets"),
        (sample_weight, "sample_weight", "the sample weights"),
    ):
        if value is not None:
            raise ValueError(
                f"When providing `x` as a {kind}, `{arg}` should not be passed. "
                f"Instead, {what} should be included as part of the {kind}."
            )
    if isinstance(x, PyDataset):
        return PyDatasetSource(x, device, steps, shuffle, class_weight)
    if isinstance(x, torch.utils.data.Dataset):  # samples: batch them here
        iterable = isinstance(x, torch.utils.data.IterableDataset)
        x = torch.utils.data.DataLoader(
            x, batch_size=batch_size or 32, shuffle=bool(shuffle) and not iterable
        )
    return IterableSource(x, device, steps, class_weight)


# -- arrays -----------------------------------------------------------------------


class ArraySource:
    """Batches cut by index from tensors already on the device."""

    exhausted = False

    def __init__(
        self,
        x: Any,
        y: Any,
        sw: Any,
        batch_size: int,
        shuffle: bool,
        device: torch.device,
    ) -> None:
        self.x, self.y, self.sw = x, y, sw
        self.n = da.num_samples(x, y, sw)
        if self.n == 0:
            raise ValueError(
                "The input data has 0 samples: there is nothing to train on, "
                "evaluate or predict. Check how `x` was built (e.g. an empty "
                "filter or split)."
            )
        self.indexer = da.BatchIndexer(self.n, batch_size, shuffle, device)
        self.steps: int | None = self.indexer.steps
        self.seen = 0
        self._pass: Iterator | None = None  # the unfinished pass `steps` continues
        self._pass_left = 0

    def sample(self) -> tuple[Any, Any]:
        return self.x, self.y

    def batches(self, steps: int | None) -> Iterator[tuple]:
        """One epoch's batches, by Keras's rules for `steps` on arrays.

        Without `steps`, one fresh pass. With `steps`, the epoch continues the
        pass the last epoch left unfinished; a pass that ends before `steps`
        ends the epoch with Keras's warning, and the next epoch starts afresh.
        """
        if steps is None or self._pass is None or self._pass_left == 0:
            order = self.indexer.epoch()
            self._pass, self._pass_left = iter(order), len(order)
        take = da.take
        self.seen = 0
        x, y, sw, chunks = self.x, self.y, self.sw, self._pass
        for idx in itertools.islice(chunks, steps):
            self.seen += 1
            self._pass_left -= 1
            yield take(x, idx), take(y, idx), take(sw, idx)
        if steps is not None and self.seen < steps:
            self._pass = None
            warnings.warn(RAN_OUT, stacklevel=2)


# -- streamed inputs --------------------------------------------------------------


class _StreamSource:
    """Reads passes over an input, batch by batch, with Keras's epoch rules.

    Without `steps`, each epoch is one fresh pass. With `steps`, an epoch takes
    that many batches and the next epoch continues the same pass, as in Keras;
    a pass that ends early ends the epoch with Keras's warning.
    """

    one_shot = False

    def __init__(self, device: torch.device, class_weight: dict | None) -> None:
        self.device = device
        self.class_weight = class_weight
        self.seen = 0
        self.exhausted = False  # a one-shot input ran out before `steps`
        self._dry = False  # a one-shot input has nothing left
        self.length: int | None = None  # batches in one pass, where known
        self._pass: Iterator | None = None
        self._pass_seen = 0  # batches read from the current pass
        self._pending: tuple | None = None  # a batch read ahead (to size the model)

    # subclasses: a new pass of raw batches; hooks around each epoch
    def _new_pass(self) -> Iterator:
        raise NotImplementedError

    def _epoch_begin(self) -> None:
        """Called before an epoch reads its first batch."""

    def _epoch_end(self) -> None:
        """Called when an epoch's reading stops."""

    def _parts(self, batch: Any) -> tuple:
        if isinstance(batch, (list, tuple)) and len(batch) in (1, 2, 3):
            return (*batch, None, None)[:3]
        return (batch, None, None)

    def _convert(self, batch: Any) -> tuple:
        x, y, sw = self._parts(batch)
        names = ("x", "y", "sample_weight")
        x, y, sw = (
            da.to_structure(p, self.device, name) for p, name in zip((x, y, sw), names)
        )
        if self.class_weight is not None and y is not None:
            if sw is not None:
                raise ValueError(
                    "You cannot specify `class_weight` and `sample_weight` at the "
                    "same time."
                )
            sw = da.class_weights_to_sample_weights(y, self.class_weight)
        return x, y, sw

    def _next(self) -> tuple | None:
        if self._pending is not None:
            batch, self._pending = self._pending, None
            return batch
        if self._pass is None:
            if self._dry:
                return None
            self._pass = self._new_pass()
            self._pass_seen = 0
        try:
            raw = next(self._pass)
        except StopIteration:
            self._pass = None
            self._dry = self.one_shot
            return None
        self._pass_seen += 1
        return self._convert(raw)

    def peek(self) -> tuple | None:
        """The next batch, kept to be yielded first."""
        if self._pending is None:
            self._pending = self._next()
        return self._pending

    def sample(self) -> tuple[Any, Any]:
        first = self.peek()
        if first is None:
            raise ValueError(
                f"The input {self._what()} yielded no batches. A generator can be "
                "read only once: pass a fresh one, or a PyDataset / DataLoader, "
                "which can be read again."
            )
        return first[0], first[1]

    def _what(self) -> str:
        return "iterable"

    def batches(self, steps: int | None) -> Iterator[tuple]:
        self.seen = 0
        if self._pending is None and not self.one_shot:
            done = self.length is not None and self._pass_seen >= self.length
            if steps is None or done:
                self._close_pass()  # a fresh pass for this epoch
        self._epoch_begin()
        try:
            while steps is None or self.seen < steps:
                batch = self._next()
                if batch is None:
                    if steps is not None or self.seen == 0:
                        warnings.warn(RAN_OUT, stacklevel=2)
                        self.exhausted = self._dry
                    return
                self.seen += 1
                yield batch
        finally:
            self._epoch_end()

    def _close_pass(self) -> None:
        if self._pass is not None and hasattr(self._pass, "close"):
            self._pass.close()
        self._pass = None


class IterableSource(_StreamSource):
    """Batches read from an iterable (DataLoader, generator, ...), each moved to the device."""

    def __init__(
        self,
        data: Any,
        device: torch.device,
        steps: int | None,
        class_weight: dict | None = None,
    ) -> None:
        super().__init__(device, class_weight)
        self.data = data
        self.one_shot = iter(data) is data  # a generator: cannot restart
        self.length = len(data) if hasattr(data, "__len__") else None
        self.steps = steps or self.length
        self.sample()  # reads the first batch now: it sizes up the model

    def _new_pass(self) -> Iterator:
        return iter(self.data)

    def _what(self) -> str:
        return _kind(self.data)


class PyDatasetSource(_StreamSource):
    """Batches `dataset[i]`, in index order or shuffled, through the dataset's workers."""

    def __init__(
        self,
        dataset: PyDataset,
        device: torch.device,
        steps: int | None,
        shuffle: bool,
        class_weight: dict | None = None,
    ) -> None:
        super().__init__(device, class_weight)
        self.dataset = dataset
        self.shuffle = shuffle
        self.num_batches = dataset.num_batches
        if self.num_batches == 0:
            raise ValueError(
                f"The PyDataset {type(dataset).__name__} has length 0: "
                "`__len__` must return the number of batches (at least 1)."
            )
        self.length = self.num_batches
        self.steps = steps or self.num_batches
        self.parallel = is_parallel(dataset)

    def _parts(self, batch: Any) -> tuple:
        if isinstance(batch, dict):
            return (batch, None, None)
        if isinstance(batch, (np.ndarray, torch.Tensor)):
            batch = (batch,)
        if not isinstance(batch, (list, tuple)) or len(batch) not in (1, 2, 3):
            raise ValueError(
                "PyDataset.__getitem__() must return a tuple or a dict. If a tuple, "
                "it must be ordered either (input,) or (inputs, targets) or "
                "(inputs, targets, sample_weights). Received: "
                f"{str(batch)[:100]}... of type {type(batch)}"
            )
        return (*batch, None, None)[:3]

    def sample(self) -> tuple[Any, Any]:
        x, y, _ = self._convert(self.dataset[0])  # as Keras: one extra read
        return x, y

    def _indices(self) -> Any:
        if self.num_batches is None:
            return itertools.count()
        if self.shuffle:
            return torch.randperm(self.num_batches).tolist()
        return range(self.num_batches)

    def _new_pass(self) -> Iterator:
        indices = self._indices()
        if self.parallel:
            return read_in_order(self.dataset, indices)
        return (self.dataset[i] for i in indices)

    def _epoch_begin(self) -> None:
        self.dataset.on_epoch_begin()

    def _epoch_end(self) -> None:
        self.dataset.on_epoch_end()

    def _what(self) -> str:
        return "PyDataset"
