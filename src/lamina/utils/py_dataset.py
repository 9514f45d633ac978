"""`PyDataset` (alias `Sequence`): batches computed by Python code, loaded in parallel.

`fit`, `evaluate` and `predict` read `dataset[i]` for each batch index. With
`workers > 1` (threads) or `use_multiprocessing=True` (processes), a pool of
workers computes the next `max_queue_size` batches while the model trains on the
current one; batches still arrive in index order.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import itertools
import multiprocessing
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

_SUPER_NOT_CALLED = (
    "Your `PyDataset` class should call `super().__init__(**kwargs)` in its "
    "constructor. `**kwargs` can include `workers`, `use_multiprocessing`, "
    "`max_queue_size`. Do not pass these arguments to `fit()`, as they will be "
    "ignored."
)


class PyDataset:
    """Base class for a dataset of batches computed in Python, loaded in parallel.

    Subclasses implement `__len__` (the number of batches) and `__getitem__`
    (the batch at an index: `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`),
    and may implement `on_epoch_begin` / `on_epoch_end`. A dataset without an
    end overrides the `num_batches` property to return None.

    Args:
        workers: number of workers computing batches in parallel. 1 computes
            them on the training thread.
        use_multiprocessing: use processes instead of threads (for Python-heavy
            work that holds the GIL). The dataset is copied into each process,
            so it must be picklable where processes are spawned.
        max_queue_size: the most batches computed ahead of the training step.

    Example:
    >>> import numpy as np
    >>> class Squares(PyDataset):
    ...     def __len__(self):
    ...         return 2
    ...     def __getitem__(self, i):
    ...         x = np.arange(3.0) + 3 * i
    ...         return x, x**2
    >>> [y.tolist() for _, y in Squares()]
    [[0.0, 1.0, 4.0], [9.0, 16.0, 25.0]]
    """

    def __init__(
        self,
        workers: int = 1,
        use_multiprocessing: bool = False,
        max_queue_size: int = 10,
    ) -> None:
        _check_count("workers", workers, minimum=0)
        _check_count("max_queue_size", max_queue_size, minimum=1)
        self._workers = int(workers)
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = int(max_queue_size)

    def _warn_if_super_not_called(self) -> None:
        missing = False
        for attr, default in (
            ("_workers", 1),
            ("_use_multiprocessing", False),
            ("_max_queue_size", 10),
        ):
            if attr not in self.__dict__:
                setattr(self, attr, default)
                missing = True
        if missing:
            warnings.warn(_SUPER_NOT_CALLED, stacklevel=3)

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """Returns the batch at position `index`."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__getitem__(self, index)`, "
            "returning one batch: `x`, `(x, y)` or `(x, y, sample_weight)`."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches, or None for a dataset without an end."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            "You need to implement the `num_batches` property:\n\n"
            "@property\ndef num_batches(self):\n  return ..."
        )

    def __iter__(self) -> Iterator[Any]:
        """Yields the batches in order, on the calling thread (no workers)."""
        count = self.num_batches
        indices: Iterable[int] = itertools.count() if count is None else range(count)
        for index in indices:
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called at the beginning of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


Sequence = PyDataset


def _check_count(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(
            f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
        )


# -- parallel reading ---------------------------------------------------------------

_WORKER_DATASET: Any = None  # the dataset, in a worker process


def _init_worker(dataset: Any) -> None:
    global _WORKER_DATASET
    _WORKER_DATASET = dataset


def _worker_item(index: int) -> Any:
    return _WORKER_DATASET[index]


def is_parallel(dataset: PyDataset) -> bool:
    """True when `fit` reads this dataset through a pool of workers (as Keras)."""
    workers = dataset.workers
    return workers > 1 or (workers > 0 and dataset.use_multiprocessing)


def read_in_order(dataset: PyDataset, indices: Iterable[int]) -> Iterator[Any]:
    """Yields `dataset[i]` for each index, computed ahead by the dataset's workers.

    At most `max_queue_size` batches are in flight. Processes get a copy of the
    dataset when the pool starts, so changes made in `on_epoch_end` reach them
    at the next epoch, whose pool is a fresh one.
    """
    workers = max(dataset.workers, 1)
    if dataset.use_multiprocessing:
        pool: cf.Executor = cf.ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(),
            initializer=_init_worker,
            initargs=(dataset,),
        )
        fetch: Any = _worker_item
    else:
        pool = cf.ThreadPoolExecutor(workers, thread_name_prefix="lamina-pydataset")
        fetch = dataset.__getitem__
    ahead = max(dataset.max_queue_size, workers)
    pending: collections.deque = collections.deque()
    todo = iter(indices)
    try:
        for index in itertools.islice(todo, ahead):
            pending.append(pool.submit(fetch, index))
        while pending:
            batch = pending.popleft().result()
            for index in itertools.islice(todo, 1):
                pending.append(pool.submit(fetch, index))
            yield batch
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
