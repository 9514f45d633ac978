"""`EarlyStopping`: stops training when a monitored metric stops improving."""

from __future__ import annotations

import math
import warnings
from typing import Any

from lamina.callbacks.callback import Callback

_MAX_WORDS = (
    "acc", "accuracy", "auc", "precision", "recall", "r2_score", "true_",
    "sensitivity", "specificity", "correlation", "io_u", "f1_score", "fbeta_score",
)  # fmt: skip


def monitor_mode(monitor: str, mode: str) -> str:
    """Resolves `mode="auto"` to `"min"` or `"max"` from the metric's name."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(
            f"`mode` must be one of 'auto', 'min', 'max'. Received: mode={mode!r}"
        )
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_")
    if "loss" in name or "error" in name:
        return "min"
    return "max" if any(w in name for w in _MAX_WORDS) else "min"


class EarlyStopping(Callback):
    """Stops training when `monitor` has not improved for `patience` epochs.

    Args:
        monitor: the logged quantity to watch (default `"val_loss"`).
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a message when training stops.
        mode: `"auto"`, `"min"` or `"max"`.
        baseline: value the quantity must beat; training stops if it does not
            within `patience` epochs.
        restore_best_weights: restore the weights of the best epoch on stopping.
        start_from_epoch: epochs to wait before watching.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.patience = int(patience)
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.mode = monitor_mode(monitor, mode)
        self.min_delta = abs(min_delta) if self.mode == "max" else -abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights: list | None = None
        self.best_epoch = 0
        self.best = math.inf if self.mode == "min" else -math.inf

    def _improved(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        if self.mode == "min":
            return value - self.min_delta < reference
        return value - self.min_delta > reference

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        current = self._current(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improved(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print(
                        "Restoring model weights from the end of the best epoch: "
                        f"{self.best_epoch + 1}."
                    )
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs: dict | None = None) -> None:
        restored = self.stopped_epoch > 0 and self.restore_best_weights
        history = getattr(self.model, "history", None)
        if restored and self.best_weights is not None and history is not None:
            history.restored_epoch = self.best_epoch  # marked by History.plot()
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")

    def _current(self, logs: dict | None) -> Any:
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs or {})}",
                stacklevel=2,
            )
        return value
