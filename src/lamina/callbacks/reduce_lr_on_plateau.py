"""`ReduceLROnPlateau`: lowers the learning rate when a metric stops improving."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lamina.callbacks._learning_rate import get_lr, log_learning_rates, optimizers_of
from lamina.callbacks.callback import Callback
from lamina.callbacks.early_stopping import MonitorMode, monitored_value


class ReduceLROnPlateau(MonitorMode, Callback):
    """Multiplies the learning rate by `factor` after `patience` flat epochs.

    An epoch improves when the monitored value beats the best so far by more
    than `min_delta`. After `patience` epochs without improvement the rate
    becomes `max(lr * factor, min_lr)`, then `cooldown` epochs pass before
    counting starts again. The rate in force is logged as `learning_rate`.

    Args:
        monitor: the logged quantity to watch.
        factor: the multiplier, below 1.
        patience: epochs without improvement before a reduction.
        verbose: 1 prints a message at each reduction.
        mode: `"auto"`, `"min"` or `"max"`.
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction.
        min_lr: the lowest learning rate.

    Raises:
        ValueError: for `factor >= 1` or an unknown `mode`.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if factor >= 1.0:
            raise ValueError(
                "ReduceLROnPlateau does not support a factor >= 1.0. "
                f"Received factor={factor}"
            )
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self) -> None:
        self.best: float | None = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        """Whether a reduction happened fewer than `cooldown` epochs ago."""
        return self.cooldown_counter > 0

    def _is_improvement(self, value: float) -> bool:
        if self.best is None:
            return True
        if self.mode == "min":
            return value + self.min_delta < self.best
        return value - self.min_delta > self.best

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = {} if logs is None else logs
        log_learning_rates(self.model, logs)
        self._resolve_mode()
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                "Learning rate reduction is conditioned on metric "
                f"`{self.monitor}` which is not available. Available metrics "
                f"are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        current = monitored_value(self, self.monitor, current)
        if self._is_improvement(current):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, epoch: int) -> bool:
        """Lowers every optimizer's rate that is above `min_lr`."""
        reduced = False
        for key, optimizer in optimizers_of(self.model):
            old = get_lr(optimizer)
            if old <= np.float32(self.min_lr):
                continue
            new = max(old * self.factor, self.min_lr)
            optimizer.learning_rate = new
            reduced = True
            if self.verbose > 0:
                which = "" if key == "learning_rate" else f" {optimizer.name}"
                print(
                    f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{which} "
                    f"learning rate to {new}."
                )
        return reduced
