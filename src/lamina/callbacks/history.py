"""`History`: records every epoch's logs; `fit` returns it."""

from __future__ import annotations

from lamina.callbacks.callback import Callback


class History(Callback):
    """Records the metrics of each epoch in `history` (a dict of lists).

    Attributes:
        history: `{"loss": [...], "val_loss": [...], ...}`.
        epoch: the epoch indices seen.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self
