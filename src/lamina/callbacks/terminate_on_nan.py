"""`TerminateOnNaN`: stops training when the loss becomes NaN or infinite."""

from __future__ import annotations

import math

from lamina.callbacks.callback import Callback
from lamina.utils.io_utils import print_msg


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch loss is NaN or infinite.

    Args:
        raise_error: False stops gracefully (`model.stop_training = True`, the
            other callbacks' `on_train_end` still run); True raises a
            `RuntimeError` at once.

    Raises:
        RuntimeError: on a NaN or infinite loss, with `raise_error=True`.
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. "
                f"Loss value: {loss}. Terminating training immediately."
            )
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
