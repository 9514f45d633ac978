"""`Callback`: hooks into fit, evaluate and predict."""

from __future__ import annotations

from typing import Any


class Callback:
    """Base class of callbacks; override the hooks you need.

    Attributes:
        model: the model being trained, set by `fit`.
        params: dict with `verbose`, `epochs` and `steps`.
    """

    def __init__(self) -> None:
        self.validation_data = None
        self._model: Any = None
        self.params: dict = {}

    @property
    def model(self) -> Any:
        return self._model

    def set_model(self, model: Any) -> None:
        """Called when the callback is attached to a model."""
        self._model = model

    def set_params(self, params: dict) -> None:
        """Called with the run's parameters (`verbose`, `epochs`, `steps`)."""
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called when training starts."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called when training ends."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called when an epoch starts."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called when an epoch ends, with the epoch's metrics."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called when a training batch starts (calls `on_batch_begin`)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called when a training batch ends (calls `on_batch_end`)."""
        self.on_batch_end(batch, logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called when evaluation starts."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called when evaluation ends."""

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called when an evaluation batch starts."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called when an evaluation batch ends."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called when prediction starts."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called when prediction ends."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called when a prediction batch starts."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called when a prediction batch ends."""

    # Keras 2 names: the train batch hooks above call them, as in Keras 3.
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called when a training batch starts (old name)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called when a training batch ends (old name)."""
