"""`ProgbarLogger`: the progress display of `fit`, `evaluate` and `predict`.

On a terminal or in a Jupyter notebook (verbose=1) it draws a live bar per
epoch (tqdm; a widget in notebooks), refreshing its metrics at most ten times a
second, so the device is read at a bounded rate. Each epoch ends with one
summary line holding every metric: on a terminal it wraps at the screen's
width, so none is cut off on 80 columns. Elsewhere (a log file, a pipe,
verbose=2) it writes one line per epoch.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.utils.io_utils import is_interactive_logging_enabled
from lamina.utils.progbar import format_value, terminal_width, wrap_parts

_REFRESH_S = 0.1
_COUNT_MODES = ("steps", "samples")


def format_logs(logs: dict) -> str:
    """`loss: 0.1234 - mae: 0.0512`, numbers as Keras prints them."""
    return " - ".join(_metric_parts(logs))


def _metric_parts(logs: dict) -> list[str]:
    parts = []
    for key, value in logs.items():
        v = _as_number(value)
        if v is not None:
            parts.append(f"{key}: {format_value(v)}")
    return parts


def _as_number(value: Any) -> float | None:
    """A log value as one float; a per-class result (`F1Score(average=None)`)
    as its mean, as Keras shows it; `None` for anything else."""
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    array = np.asarray(value)
    if array.size == 0 or array.dtype.kind not in "biuf":
        return None
    return float(array.mean())


def _is_terminal(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython's ZMQ shell)."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    shell = get() if get is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


class ProgbarLogger(Callback):
    """Prints progress and metrics; `fit(verbose=1)` adds one automatically.

    Args:
        count_mode: `"steps"` counts batches; `"samples"` counts samples
            (batches times the batch size, when the run knows it).
        stream: where to write (default `sys.stdout`).

    Raises:
        ValueError: for another `count_mode`.
    """

    def __init__(self, count_mode: str = "steps", stream: Any = None) -> None:
        super().__init__()
        if count_mode not in _COUNT_MODES:
            raise ValueError(
                f"Unknown `count_mode`: {count_mode!r}. Expected 'steps' or 'samples'."
            )
        self.count_mode = count_mode
        self._stream = stream
        self._bar: Any = None
        self._start = 0.0
        self._last = 0.0
        self._shown = 0

    @property
    def stream(self) -> Any:
        return self._stream if self._stream is not None else sys.stdout

    @property
    def verbose(self) -> int:
        verbose = self.params.get("verbose", 1)
        return 1 if verbose == "auto" else int(verbose)

    @property
    def live(self) -> bool:
        """Whether a live bar is drawn (verbose=1 on a terminal or notebook)."""
        return (
            self.verbose == 1
            and is_interactive_logging_enabled()
            and (_is_terminal(self.stream) or _in_notebook())
        )

    def _per_step(self) -> int:
        """Units per step: 1, or the batch size when counting samples."""
        if self.count_mode == "samples":
            return int(self.params.get("batch_size") or 1)
        return 1

    def _unit(self) -> str:
        samples = self.count_mode == "samples" and self.params.get("batch_size")
        return "sample" if samples else "step"

    def _total(self) -> int | None:
        steps = self.params.get("steps")
        if steps is None:
            return None
        total = int(steps) * self._per_step()
        samples = self.params.get("samples")
        if self._unit() == "sample" and samples:
            return min(total, int(samples))  # the last batch may be short
        return total

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._begin(f"Epoch {epoch + 1}/{self.params.get('epochs', 1)}")

    def _begin(self, desc: str) -> None:
        self._start = self._last = time.monotonic()
        self._shown = 0
        if self.live:
            # Deferred: tqdm.auto probes for IPython and ipywidgets on import.
            from tqdm.auto import tqdm

            self._bar = tqdm(
                total=self._total(),
                desc=desc,
                file=self.stream,
                leave=False,
                dynamic_ncols=True,
                unit=self._unit(),
                mininterval=_REFRESH_S,
            )

    def _count(self, step: int) -> int:
        total = self._total()
        done = step * self._per_step()
        return done if total is None else min(done, total)

    def update(self, step: int, logs_fn: Callable[[], dict]) -> None:
        """Called after each step; redraws at most every 0.1 s."""
        if self._bar is None:
            return
        now = time.monotonic()
        if now - self._last < _REFRESH_S:
            return
        self._last = now
        self._bar.set_postfix_str(format_logs(logs_fn()), refresh=False)
        count = self._count(step)
        self._bar.update(count - self._shown)
        self._shown = count

    def _end(self, steps: int, logs: dict, prefix: str = "") -> None:
        elapsed = time.monotonic() - self._start
        live = self._bar is not None
        if live:
            self._bar.close()
            self._bar = None
        if self.verbose == 0 or (
            self.verbose == 1 and not is_interactive_logging_enabled()
        ):
            return
        count = self._count(steps) if steps else 0
        unit = self._unit()
        per_unit = 1000 * elapsed / max(count, 1)
        parts = [
            f"{prefix}{count}/{count}",
            f"{elapsed:.0f}s",
            f"{per_unit:.0f}ms/{unit}",
            *_metric_parts(logs),
        ]
        if live or _is_terminal(self.stream):
            text = wrap_parts(parts, terminal_width(self.stream))
        else:
            text = " - ".join(parts)
        print(text, file=self.stream, flush=True)

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
