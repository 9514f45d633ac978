"""`timeseries_dataset_from_array`: sliding windows over a series, batched."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.utils.dataset_utils import SampleBatches


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
    format: str = "tf",
) -> SampleBatches:
    """Batches of sliding windows over `data`, with Keras's window positions.

    Window `i` starts at `start_index + i * sequence_stride` and holds
    `sequence_length` steps taken every `sampling_rate` rows:
    `data[p], data[p + sampling_rate], ...`. Its target is `targets[p]`
    (so pass `targets` shifted by the horizon you predict). Windows never read
    past `end_index`; with `targets`, there are at most `len(targets)` windows.

    Args:
        data: array of rows (axis 0 is time).
        targets: array aligned with `data`, or None for windows alone.
        sequence_length: steps per window.
        sequence_stride: rows between the starts of successive windows.
        sampling_rate: rows between the steps of one window.
        batch_size: windows per batch; None yields single windows.
        shuffle: shuffle the windows (seeded with `seed`; a new order each
            epoch of `fit`).
        seed: seed of the shuffle.
        start_index, end_index: the rows of `data` used (end exclusive).
        format: accepted for Keras compatibility ("tf" or "grain"); the
            result is always a lamina `PyDataset` of torch-tensor batches.

    Returns:
        A `SampleBatches` (a `PyDataset`) of `(windows, targets)` batches, or of
        windows alone when `targets` is None. Windows have shape
        `(batch, sequence_length, *data.shape[1:])`.

    Example:
    >>> ds = timeseries_dataset_from_array(np.arange(6), None, 3, batch_size=8)
    >>> ds[0].tolist()
    [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    """
    data = np.asarray(data)
    targets = None if targets is None else np.asarray(targets)
    _check_args(data, start_index, end_index, sampling_rate, sequence_stride, format)
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    num_windows = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_windows = min(num_windows, len(targets))
    starts = np.arange(0, max(num_windows, 0), sequence_stride) + start
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1_000_000))
        np.random.RandomState(seed).shuffle(starts)
    steps = np.arange(sequence_length) * sampling_rate

    def load(indices: np.ndarray) -> Any:
        first = starts[indices]
        windows = data[first[:, None] + steps[None, :]]
        if targets is None:
            return windows
        return windows, targets[first]

    # The window order is already shuffled once, as Keras does; SampleBatches
    # reshuffles after each epoch.
    return SampleBatches(len(starts), load, batch_size, shuffle, seed)


def _check_args(
    data: np.ndarray,
    start_index: Any,
    end_index: Any,
    sampling_rate: int,
    sequence_stride: int,
    format: str,
) -> None:
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(
                f"`start_index` must be 0 or greater. Received: start_index={start_index}"
            )
        if start_index >= n:
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {n}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        if end_index >= n:
            raise ValueError(
                "`end_index` must be lower than the length of the data. Received: "
                f"end_index={end_index}, for data of length {n}"
            )
    for name, value in (
        ("sampling_rate", sampling_rate),
        ("sequence_stride", sequence_stride),
    ):
        if value <= 0:
            raise ValueError(
                f"`{name}` must be higher than 0. Received: {name}={value}"
            )
        if value >= n:
            raise ValueError(
                f"`{name}` must be lower than the length of the data. Received: "
                f"{name}={value}, for data of length {n}"
            )
    if format not in ("tf", "grain"):
        raise ValueError(
            f'`format` should be either "tf" or "grain". Received: format={format}'
        )
