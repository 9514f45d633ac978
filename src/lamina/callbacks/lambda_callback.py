"""`LambdaCallback`: a callback made of plain functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina.callbacks.callback import Callback

_HOOKS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_train_batch_begin",
    "on_train_batch_end",
)


class LambdaCallback(Callback):
    """Builds a callback from functions given for some hooks.

    Args:
        on_epoch_begin, on_epoch_end: `fn(epoch, logs)`.
        on_train_batch_begin, on_train_batch_end: `fn(batch, logs)`.
        on_train_begin, on_train_end: `fn(logs)`.
        **kwargs: any other hook by name.
    """

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
        **kwargs: Callable,
    ) -> None:
        super().__init__()
        given: dict[str, Any] = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
            **kwargs,
        }
        for hook, fn in given.items():
            if fn is None:
                continue
            if not hasattr(Callback, hook):
                raise ValueError(f"Unknown callback hook: `{hook}`.")
            setattr(self, hook, fn)
        # Instance attributes shadow the class hooks; record them for dispatch.
        self._instance_hooks = {h for h, fn in given.items() if fn is not None}
