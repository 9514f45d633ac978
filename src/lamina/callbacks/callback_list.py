"""`CallbackList`: dispatches hooks, skipping per-batch work nobody asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina.callbacks.callback import Callback
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger

_BATCH_HOOKS = {
    "train": (
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_batch_begin",
        "on_batch_end",
    ),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def _overrides(cb: Callback, hook: str) -> bool:
    if getattr(cb, "_skips_batch_hooks", False):  # e.g. TensorBoard per epoch
        return False
    if hook in cb.__dict__:  # LambdaCallback sets hooks on the instance
        return True
    return getattr(type(cb), hook, None) is not getattr(Callback, hook)


def flatten_callbacks(callbacks: Any) -> list[Callback]:
    """Returns `callbacks` (None, one callback, or nested lists) as a flat list.

    Raises:
        TypeError: for anything that is not a `Callback`.
    """
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [cb for item in callbacks for cb in flatten_callbacks(item)]
    if not isinstance(callbacks, Callback):
        raise TypeError(
            "`callbacks` must be a `lamina.callbacks.Callback` instance or a list "
            f"of them. Received an item of type {type(callbacks).__name__}: "
            f"{callbacks!r}"
        )
    return [callbacks]


def _as_logs(logs: dict | None) -> dict:
    """A fresh dict for the callbacks of one hook (Keras passes `{}`, not None)."""
    return {} if logs is None else dict(logs)


class CallbackList(Callback):
    """Holds the callbacks of one `fit`/`evaluate`/`predict` run.

    Every hook receives a `logs` dict (`{}` when there is nothing to report).
    A `History` and a `ProgbarLogger` are appended when asked for and not
    given, as in Keras. Per-batch hooks run only for callbacks that override
    them, and the batch logs (which read values from the device) are computed
    only when one of them needs them: training then adds no host
    synchronisation per step.

    Args:
        callbacks: a `Callback`, a list of them, or None.
        add_history: append a `History` unless one is given.
        add_progbar: append a `ProgbarLogger` unless one is given.
        model: the model the callbacks are attached to.
        **params: the run's parameters (`verbose`, `epochs`, `steps`, ...).
    """

    def __init__(
        self,
        callbacks: Any = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks = flatten_callbacks(callbacks)
        self.history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if self.history is None and add_history:
            self.history = History()
            self.callbacks.append(self.history)
        self.progbar = next(
            (c for c in self.callbacks if isinstance(c, ProgbarLogger)), None
        )
        if self.progbar is None and add_progbar:
            self.progbar = ProgbarLogger()
            self.callbacks.append(self.progbar)
        if model is not None:
            self.set_model(model)
        self.set_params(params)
        self._batch_users = {
            mode: [c for c in self.callbacks if any(_overrides(c, h) for h in hooks)]
            for mode, hooks in _BATCH_HOOKS.items()
        }

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        if self.history is not None:
            model.history = self.history
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict) -> None:
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def append(self, callback: Callback) -> None:
        """Adds one more callback at the end."""
        self.callbacks.extend(flatten_callbacks(callback))
        for mode, hooks in _BATCH_HOOKS.items():
            if any(_overrides(callback, h) for h in hooks):
                self._batch_users[mode].append(callback)

    def wants_batch_logs(self, mode: str) -> bool:
        """Whether any callback overrides a batch hook of `mode`."""
        return bool(self._batch_users[mode])

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    # -- batch hooks, as the loops call them ----------------------------------

    def batch_begin(self, mode: str, batch: int) -> None:
        """Runs the begin hooks of batch `batch` for the callbacks that use them."""
        for cb in self._batch_users[mode]:
            getattr(cb, f"on_{mode}_batch_begin")(batch, {})

    def batch_end(self, mode: str, batch: int, logs_fn: Callable[[], dict]) -> None:
        """Runs the end hooks of a batch; `logs_fn` is called only if needed."""
        users = self._batch_users[mode]
        if not users:
            return
        logs = _as_logs(logs_fn())
        for cb in users:
            getattr(cb, f"on_{mode}_batch_end")(batch, logs)

    # -- the Callback protocol, for custom loops -------------------------------

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_begin(batch, logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_end(batch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.batch_begin("train", batch)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.batch_end("train", batch, lambda: logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.batch_begin("test", batch)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.batch_end("test", batch, lambda: logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.batch_begin("predict", batch)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.batch_end("predict", batch, lambda: logs)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._call("on_train_begin", _as_logs(logs))

    def on_train_end(self, logs: dict | None = None) -> None:
        self._call("on_train_end", _as_logs(logs))

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_begin", epoch, _as_logs(logs))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        # One dict for all: what a callback adds (`learning_rate`) reaches the
        # callbacks after it, `History` among them.
        self._call("on_epoch_end", epoch, _as_logs(logs))

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._call("on_test_begin", _as_logs(logs))

    def on_test_end(self, logs: dict | None = None) -> None:
        self._call("on_test_end", _as_logs(logs))

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._call("on_predict_begin", _as_logs(logs))

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._call("on_predict_end", _as_logs(logs))
