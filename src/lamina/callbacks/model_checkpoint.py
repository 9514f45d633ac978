"""`ModelCheckpoint`: saves the model or its weights during training."""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

from lamina.callbacks.callback import Callback
from lamina.callbacks.early_stopping import MonitorMode, monitored_value


class ModelCheckpoint(MonitorMode, Callback):
    """Saves the model (`.keras`) or its weights (`.weights.h5`) as it trains.

    `filepath` may hold `str.format` fields filled from the epoch (counted from
    1), the batch (with an integer `save_freq`) and the logs:
    `"ckpt/{epoch:02d}-{val_loss:.2f}.keras"`. Every file is written atomically.

    Args:
        filepath: where to save; ends in `.keras` (or `.h5`), or in
            `.weights.h5` with `save_weights_only=True`.
        monitor: the logged quantity `save_best_only` compares.
        verbose: 1 prints a line for each save decision.
        save_best_only: save only when `monitor` improves on the best so far.
        save_weights_only: save the weights only (`model.save_weights`).
        mode: `"min"`, `"max"` or `"auto"` (a loss is minimized, a metric follows
            its direction; see `EarlyStopping`).
        save_freq: `"epoch"`, or save every this many batches.
        initial_value_threshold: a value `monitor` must beat for the first save.

    Raises:
        ValueError: for a `save_freq` that is neither `"epoch"` nor an int, or a
            `filepath` with the wrong extension.

    Example:
    >>> import os, tempfile
    >>> import numpy as np
    >>> import lamina
    >>> model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "e{epoch:02d}.weights.h5")
    >>> cb = lamina.callbacks.ModelCheckpoint(path, save_weights_only=True)
    >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
    ...               callbacks=[cb])
    >>> sorted(os.listdir(folder))
    ['e01.weights.h5', 'e02.weights.h5']
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"ModelCheckpoint mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.mode = mode
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self.best = initial_value_threshold
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None
        self._current_epoch = 0
        _check_arguments(self.filepath, save_freq, save_weights_only)
        # Per-batch logs cost a device sync; ask for them only when saving by batch.
        self._skips_batch_hooks = save_freq == "epoch"

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs or {})

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs or {})

    def _should_save_on_batch(self, batch: int) -> bool:
        """Counts batches (restarting each epoch) and says when `save_freq`
        more have been seen."""
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            seen = batch + 1  # a new epoch: batches count from 0
        else:
            seen = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= int(self.save_freq):
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _improved(self, current: float) -> bool:
        if self.best is None:
            return True
        if self.mode == "min":
            return current < self.best
        return current > self.best

    def _should_save(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            self._say(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Can save best model only with {self.monitor} available.",
                stacklevel=3,
            )
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        current = monitored_value(self, self.monitor, current)
        if self._improved(current) and not math.isnan(current):
            self._say(
                f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                f"{float(current):.5f}, saving model to {filepath}"
            )
            self.best = float(current)
            return True
        self._say(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _say(self, message: str) -> None:
        if self.verbose > 0:
            print(message)

    def _save_model(self, epoch: int, batch: int | None, logs: dict) -> None:
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. "
                f"Filepath used is an existing directory: {filepath}"
            )
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        self._say(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        """`filepath` with its fields filled; a missing field names itself."""
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as err:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". '
                f"Reason: {err}. The logs hold {sorted(logs)}."
            ) from err


def _check_arguments(filepath: str, save_freq: Any, save_weights_only: bool) -> None:
    if save_freq != "epoch" and (
        not isinstance(save_freq, int) or isinstance(save_freq, bool)
    ):
        raise ValueError(
            f"Unrecognized save_freq: {save_freq}. "
            "Expected save_freq are 'epoch' or integer values"
        )
    if save_weights_only and not filepath.endswith(".weights.h5"):
        raise ValueError(
            "When using `save_weights_only=True` in `ModelCheckpoint`, the "
            "filepath provided must end in `.weights.h5` (Keras weights format). "
            f"Received: filepath={filepath}"
        )
    if not save_weights_only and not filepath.endswith((".keras", ".h5")):
        raise ValueError(
            "The filepath provided must end in `.keras` (Keras model format). "
            f"Received: filepath={filepath}"
        )
