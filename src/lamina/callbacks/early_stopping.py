"""`EarlyStopping`: stops training when a monitored metric stops improving."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lamina.callbacks.callback import Callback


def check_mode(mode: str) -> str:
    """`mode` as given, when it is one of Keras's three."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(
            f"`mode` must be one of 'auto', 'min', 'max'. Received: mode={mode!r}"
        )
    return mode


def _metrics_named(metrics: Any, name: str) -> Any:
    """The model's metric called `name`, looking inside containers (the
    compiled metrics), or None."""
    for metric in metrics:
        if getattr(metric, "name", None) == name:
            return metric
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner:
            found = _metrics_named(inner, name)
            if found is not None:
                return found
    return None


def auto_mode(callback: Callback, monitor: str) -> str:
    """`"min"` or `"max"` for `mode="auto"`, as Keras decides it once the
    model's metrics exist: a loss is minimized, a metric follows its
    `_direction` ("up" or "down"); anything else is refused."""
    name = monitor.removeprefix("val_")
    if name == "loss" or name.endswith("_loss"):  # Keras refuses `out_loss`
        return "min"
    model = getattr(callback, "model", None)
    metric = _metrics_named(getattr(model, "metrics", None) or [], name)
    direction = getattr(metric, "_direction", None)
    if direction in ("up", "down"):
        return "max" if direction == "up" else "min"
    raise ValueError(
        f"{type(callback).__name__} callback received monitor={monitor}, but "
        "whether that metric should be maximized or minimized cannot be told "
        "automatically (it is not a loss, nor a metric of the model with a known "
        "direction). Pass `mode='max'` in order to monitor based on the highest "
        "metric value, or pass `mode='min'` in order to use the lowest value."
    )


def monitored_value(callback: Callback, monitor: str, value: Any) -> float:
    """The logged `value` of `monitor` as a number; a per-class result (an
    array, e.g. `F1Score(average=None)`) is refused with a hint."""
    if np.ndim(value) != 0:
        raise ValueError(
            f"{type(callback).__name__} monitors `{monitor}`, but its logged value "
            f"has shape {np.shape(value)}: a callback compares single numbers. "
            "Monitor a scalar metric, e.g. `F1Score(average='macro')` instead of a "
            "per-class result."
        )
    return float(value)


class MonitorMode:
    """`mode` for callbacks that watch `monitor`; `"auto"` is resolved at the
    first epoch end, from the model's metrics, as in Keras."""

    monitor: str
    _mode = "auto"

    def _resolve_mode(self) -> str:
        """Decides `mode="auto"` now; Keras does at the first epoch end."""
        if self._mode == "auto":
            self._mode = auto_mode(self, self.monitor)  # type: ignore[arg-type]
        return self._mode

    @property
    def mode(self) -> str:
        if getattr(self, "model", None) is not None:
            return self._resolve_mode()
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        self._mode = check_mode(value)


class EarlyStopping(MonitorMode, Callback):
    """Stops training when `monitor` has not improved for `patience` epochs.

    Args:
        monitor: the logged quantity to watch (default `"val_loss"`).
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a message when training stops.
        mode: `"auto"`, `"min"` or `"max"`. `"auto"` minimizes a loss and follows
            the direction of the model's metric of that name (accuracy, AUC, IoU up;
            errors and crossentropies down), decided at the first epoch end; a
            metric without a known direction needs `mode` said.
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
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights: list | None = None
        self.best_epoch = 0
        self.best: float | None = None

    def _improved(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        if self.mode == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._resolve_mode()
        current = self._current(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        current = monitored_value(self, self.monitor, current)
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
