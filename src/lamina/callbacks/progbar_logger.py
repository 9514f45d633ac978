"""`ProgbarLogger`: the progress display of `fit`, `evaluate` and `predict`.

On a terminal (verbose=1) it draws a tqdm bar per epoch, refreshing its
metrics at most ten times a second, so the device is read at a bounded rate.
Elsewhere (a log file, a pipe, verbose=2) it writes one line per epoch.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from lamina.callbacks.callback import Callback

_REFRESH_S = 0.1


def format_logs(logs: dict) -> str:
    """`loss: 0.1234 - mae: 0.0512`, numbers as Keras prints them."""
    parts = []
    for key, value in logs.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            continue
        text = f"{v:.4f}" if v == 0 or 1e-3 <= abs(v) < 1e5 else f"{v:.4e}"
        parts.append(f"{key}: {text}")
    return " - ".join(parts)


def _is_terminal(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


class ProgbarLogger(Callback):
    """Prints progress and metrics; `fit(verbose=1)` adds one automatically."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__()
        self._stream = stream
        self._bar: Any = None
        self._epoch = 0
        self._start = 0.0
        self._last = 0.0
        self._shown = 0

    @property
    def stream(self) -> Any:
        return self._stream if self._stream is not None else sys.stdout

    @property
    def verbose(self) -> int:
        return int(self.params.get("verbose", 1))

    @property
    def live(self) -> bool:
        """Whether a live bar is drawn (verbose=1 on a terminal)."""
        return self.verbose == 1 and _is_terminal(self.stream)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch
        self._begin(f"Epoch {epoch + 1}/{self.params.get('epochs', 1)}")

    def _begin(self, desc: str) -> None:
        self._start = self._last = time.monotonic()
        self._shown = 0
        if self.live:
            from tqdm.auto import tqdm

            self._bar = tqdm(
                total=self.params.get("steps"),
                desc=desc,
                file=self.stream,
                leave=True,
                dynamic_ncols=True,
                unit="step",
                mininterval=_REFRESH_S,
            )

    def update(self, step: int, logs_fn: Callable[[], dict]) -> None:
        """Called after each step; redraws at most every 0.1 s."""
        if self._bar is None:
            return
        now = time.monotonic()
        if now - self._last < _REFRESH_S:
            return
        self._last = now
        self._bar.set_postfix_str(format_logs(logs_fn()), refresh=False)
        self._bar.update(step - self._shown)
        self._shown = step

    def _end(self, steps: int, logs: dict, prefix: str = "") -> None:
        elapsed = time.monotonic() - self._start
        if self._bar is not None:
            self._bar.set_postfix_str(format_logs(logs), refresh=False)
            self._bar.update(steps - self._shown)
            self._bar.close()
            self._bar = None
            return
        if self.verbose == 0:
            return
        per_step = 1000 * elapsed / max(steps, 1)
        metrics = format_logs(logs)
        line = f"{prefix}{steps}/{steps} - {elapsed:.0f}s - {per_step:.0f}ms/step"
        print(line + (f" - {metrics}" if metrics else ""), file=self.stream, flush=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        epochs = self.params.get("epochs", 1)
        steps = self.params.get("steps") or 0
        self._end(steps, logs or {}, prefix=f"Epoch {epoch + 1}/{epochs} - ")

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self.params.get("mode") == "evaluate":
            self._begin("Evaluate")

    def on_test_end(self, logs: dict | None = None) -> None:
        if self.params.get("mode") == "evaluate":
            self._end(self.params.get("steps") or 0, logs or {})

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._begin("Predict")

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._end(self.params.get("steps") or 0, {})
