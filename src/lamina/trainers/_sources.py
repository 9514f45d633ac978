"""Where batches come from: arrays cut by index, or an iterable of batches.

Arrays (numpy, torch, pandas, lists, dicts) go to the device once; each epoch
cuts them by `randperm` chunks or slices. An iterable (a `torch.utils.data.
DataLoader`, a generator, any object yielding `(x, y)` or `(x, y,
sample_weight)` batches) is read batch by batch, each batch moved to the device.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from lamina.trainers import data_adapter as da


def is_batch_iterable(x: Any) -> bool:
    """True for DataLoaders, generators and other iterables of batches."""
    if x is None or isinstance(x, (np.ndarray, torch.Tensor, list, tuple, dict, str)):
        return False
    if hasattr(x, "to_numpy") or hasattr(x, "__array__"):
        return False
    return hasattr(x, "__iter__")


class ArraySource:
    """Batches cut by index from tensors already on the device."""

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
        self.indexer = da.BatchIndexer(self.n, batch_size, shuffle, device)
        self.steps: int | None = self.indexer.steps

    def sample(self) -> tuple[Any, Any]:
        return self.x, self.y

    def batches(self, steps: int | None) -> Iterator[tuple]:
        steps = steps or self.indexer.steps
        chunks = itertools.chain.from_iterable(
            self.indexer.epoch() for _ in itertools.count()
        )
        take = da.take
        for idx in itertools.islice(chunks, steps):
            yield take(self.x, idx), take(self.y, idx), take(self.sw, idx)


class IterableSource:
    """Batches read from an iterable, each moved to the device."""

    def __init__(self, data: Any, device: torch.device, steps: int | None) -> None:
        self.data = data
        self.device = device
        self.one_shot = iter(data) is data  # a generator: cannot restart
        self._iter: Iterator | None = None
        self.steps = steps or (len(data) if hasattr(data, "__len__") else None)
        first = self._next()
        if first is None:
            raise ValueError("The data iterable yielded no batches.")
        self._first: tuple | None = first

    def _convert(self, batch: Any) -> tuple:
        if isinstance(batch, (list, tuple)) and len(batch) in (2, 3):
            parts = (*batch, None)[:3]
        else:
            parts = (batch, None, None)
        names = ("x", "y", "sample_weight")
        return tuple(
            da.to_structure(p, self.device, name) for p, name in zip(parts, names)
        )

    def _next(self) -> tuple | None:
        if self._iter is None:
            self._iter = iter(self.data)
        try:
            return self._convert(next(self._iter))
        except StopIteration:
            self._iter = None
            return None

    def sample(self) -> tuple[Any, Any]:
        x, y, _ = self._first
        return x, y

    def batches(self, steps: int | None) -> Iterator[tuple]:
        if self._first is not None:  # the batch read to size up the model
            first, self._first = self._first, None
            yield first
            count = 1
        else:
            count = 0
            if not self.one_shot:
                self._iter = None  # a DataLoader starts a fresh pass each epoch
        while steps is None or count < steps:
            batch = self._next()
            if batch is None:
                if self.one_shot and steps is not None:
                    raise ValueError(
                        f"The data generator ran out after {count} of the {steps} "
                        "steps asked for. Make it loop forever, or lower "
                        "`steps_per_epoch`."
                    )
                return
            yield batch
            count += 1
