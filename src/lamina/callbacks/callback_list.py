"""`CallbackList`: dispatches hooks, skipping per-batch work nobody asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina.callbacks.callback import Callback

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
    if hook in cb.__dict__:  # LambdaCallback sets hooks on the instance
        return True
    return getattr(type(cb), hook, None) is not getattr(Callback, hook)


class CallbackList:
    """Holds the callbacks of one `fit`/`evaluate`/`predict` run.

    Per-batch hooks run only for callbacks that override them, and the batch logs
    (which read values from the device) are computed only when one of them needs
    them: training then adds no host synchronisation per step.
    """

    def __init__(
        self,
        callbacks: list[Callback] | None = None,
        model: Any = None,
        add_history: bool = False,
        add_progbar: bool = False,
        **params: Any,
    ) -> None:
        from lamina.callbacks.history import History
        from lamina.callbacks.progbar_logger import ProgbarLogger

        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    "`callbacks` must be a list of `lamina.callbacks.Callback` "
                    f"instances. Received an item of type {type(cb).__name__}: {cb!r}"
                )
        self.history: History | None = None
        if add_history:
            self.history = (
                next((c for c in self.callbacks if isinstance(c, History)), None)
                or History()
            )
            if self.history not in self.callbacks:
                self.callbacks.append(self.history)
        self.progbar = next(
            (c for c in self.callbacks if isinstance(c, ProgbarLogger)), None
        )
        if add_progbar and self.progbar is None:
            self.progbar = ProgbarLogger()
            self.callbacks.insert(0, self.progbar)
        if model is not None:
            for cb in self.callbacks:
                cb.set_model(model)
        self.set_params(params)
        self._batch_users = {
            mode: [c for c in self.callbacks if any(_overrides(c, h) for h in hooks)]
            for mode, hooks in _BATCH_HOOKS.items()
        }

    def set_params(self, params: dict) -> None:
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def wants_batch_logs(self, mode: str) -> bool:
        return bool(self._batch_users[mode])

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def batch_begin(self, mode: str, batch: int) -> None:
        for cb in self._batch_users[mode]:
            if mode == "train":
                cb.on_batch_begin(batch, {})
            getattr(cb, f"on_{mode}_batch_begin")(batch, {})

    def batch_end(self, mode: str, batch: int, logs_fn: Callable[[], dict]) -> None:
        users = self._batch_users[mode]
        if not users:
            return
        logs = logs_fn()
        for cb in users:
            if mode == "train":
                cb.on_batch_end(batch, logs)
            getattr(cb, f"on_{mode}_batch_end")(batch, logs)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._call("on_train_begin", logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_end", epoch, logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._call("on_test_begin", logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._call("on_predict_end", logs)
