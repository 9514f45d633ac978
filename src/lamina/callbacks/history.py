"""`History`: records every epoch's logs; `fit` returns it."""

from __future__ import annotations

from typing import Any

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
        # The epoch of each logged value: validation may skip epochs.
        self._key_epochs: dict[str, list[int]] = {}
        # Set by EarlyStopping when it restores the best epoch's weights.
        self.restored_epoch: int | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
            self._key_epochs.setdefault(key, []).append(epoch)
        self.model.history = self

    def plot(
        self,
        metrics: Any = None,
        title: str | None = None,
        to_file: str | None = None,
        ncols: int | None = None,
    ) -> Any:
        """Draws the learning curves: one panel per quantity (loss, then each
        metric), validation beside training, epochs numbered from 1, and the
        epoch whose weights EarlyStopping restored marked. Needs matplotlib.

        Returns:
            The matplotlib figure (a notebook shows it; `fig.savefig(path)`).
        """
        # visualization sits above callbacks (it also draws models): a true cycle.
        from lamina.visualization._history_plot import plot_history

        return plot_history(
            self, metrics=metrics, title=title, to_file=to_file, ncols=ncols
        )
