"""`BackupAndRestore`: resume a `fit` that was interrupted, from its last backup."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from lamina.callbacks.callback import Callback
from lamina.saving._files import atomic_write


class BackupAndRestore(Callback):
    """Backs up the training state so that an interrupted `fit` can resume.

    At the end of every epoch (or every `save_freq` batches) the weights and
    optimizer state go to `backup_dir/latest.weights.h5` and the epoch count
    to `backup_dir/training_metadata.json` (Keras's layout), each written
    atomically. When `fit` starts again with the same callback and a backup
    exists, the state is restored and training goes on from the next epoch.
    The folder is deleted when training ends normally (`delete_checkpoint`).

    Args:
        backup_dir: the folder for the backup; it must not be shared by runs.
        save_freq: `"epoch"`, or back up every this many batches.
        double_checkpoint: also keep the previous backup (`*.bkp`) and fall
            back to it when the latest one cannot be read.
        delete_checkpoint: delete `backup_dir` when training ends.

    Raises:
        ValueError: for an empty `backup_dir` or an invalid `save_freq`.
    """

    def __init__(
        self,
        backup_dir: str | os.PathLike,
        save_freq: str | int = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (
            not isinstance(save_freq, int) or isinstance(save_freq, bool)
        ):
            raise ValueError(
                "Invalid value for argument `save_freq`. "
                f"Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        # Per-batch logs cost a device sync; ask for them only when saving by batch.
        self._skips_batch_hooks = save_freq == "epoch"

    # -- restoring -------------------------------------------------------------

    def on_train_begin(self, logs: dict | None = None) -> None:
        try:
            self._restore(self._weights_path, self._metadata_path)
        except (OSError, ValueError):
            previous = f"{self._weights_path}.bkp"
            if not (self.double_checkpoint and os.path.exists(previous)):
                raise
            self._restore(previous, f"{self._metadata_path}.bkp")

    def _restore(self, weights_path: str, metadata_path: str) -> None:
        model = self.model
        if not os.path.exists(weights_path):
            return
        if not model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built "
                f"before you call `fit()`. Model {model.name} is unbuilt. You can "
                "build it beforehand by calling it on a batch of data."
            )
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and not optimizer.built:
            optimizer.build(list(model.trainable_weights))
        model.load_weights(weights_path)
        if os.path.exists(metadata_path):
            with open(metadata_path) as f:
                epoch = int(json.load(f)["epoch"])
            # `fit` starts from here once the callbacks' `on_train_begin` ran.
            model.__dict__["_initial_epoch"] = epoch
            self._current_epoch = epoch

    # -- backing up ------------------------------------------------------------

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save()

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch
            seen = batch + 1
        else:
            seen = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= int(self.save_freq):
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save(self) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in (self._weights_path, self._metadata_path):
                if os.path.exists(path):
                    shutil.copyfile(path, f"{path}.bkp")
        self.model.save_weights(self._weights_path, overwrite=True)
        metadata: dict[str, Any] = {
            "epoch": self._current_epoch,
            "batch": self._last_batch_seen,
        }
        with atomic_write(self._metadata_path) as tmp, open(tmp, "w") as f:
            json.dump(metadata, f)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
