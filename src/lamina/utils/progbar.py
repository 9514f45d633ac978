"""`Progbar`: Keras's text progress bar, for custom training loops.

Also the line formatting `fit`'s progress display shares: numbers as Keras
prints them, and metric lists wrapped to the terminal width so that none is cut
off on an 80-column screen.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from collections.abc import Iterable
from typing import Any

_SEP = " - "


def format_value(value: float) -> str:
    """`0.1234`, or `1.2346e-05` for tiny and huge values, as Keras prints them."""
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4f}"
    return f"{value:.4e}"


def format_time_per_unit(seconds: float, unit: str) -> str:
    """`2s/step`, `15ms/step` or `40us/step`."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def terminal_width(stream: Any = None) -> int:
    """The width of the terminal `stream` writes to (80 when unknown)."""
    return shutil.get_terminal_size(fallback=(80, 24)).columns


def wrap_parts(parts: Iterable[str], width: int, indent: str = "    ") -> str:
    """Joins `parts` with " - ", starting a new indented line before a part
    that would pass `width` columns, so every part stays whole and visible."""
    lines: list[str] = []
    current = ""
    for part in parts:
        candidate = part if not current else current + _SEP + part
        if current and len(candidate) > width:
            lines.append(current)
            candidate = indent + part
        current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)


class Progbar:
    """Displays a progress bar with averaged metric values.

    Args:
        target: the total number of steps, or None if unknown.
        width: the bar's width in characters.
        verbose: 0 silent, 1 a live bar, 2 one line when the target is reached.
        interval: the least number of seconds between two redraws.
        stateful_metrics: names of metrics shown as given, not averaged.
        stateless_metrics: if given instead, only these are averaged.
        unit_name: what a step is called (`"step"`, `"sample"`).

    Example:
    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progbar(3, verbose=2, stream=out)
    >>> bar.update(1, [("loss", 1.0)])
    >>> bar.update(2, [("loss", 0.5)])
    >>> bar.update(3, [("loss", 0.25)])
    >>> out.getvalue().split(" - ")[0], out.getvalue().split(" - ")[-1]
    ('3/3', 'loss: 0.2500\\n')
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        stateless_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
        stream: Any = None,
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` can be provided."
            )
        self.stateful_metrics = set(stateful_metrics or ())
        self.stateless_metrics = (
            None if stateless_metrics is None else set(stateless_metrics)
        )
        self._stream = stream
        self._values: dict[str, list[float]] = {}
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._prev_width = 0

    @property
    def stream(self) -> Any:
        return self._stream if self._stream is not None else sys.stdout

    def _dynamic(self) -> bool:
        """Redraw in place on a terminal or in a Jupyter kernel, as Keras does."""
        if "ipykernel" in sys.modules:
            return True
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def update(
        self,
        current: int,
        values: Iterable[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Moves the bar to step `current` and records `(name, value)` pairs.

        A metric not in `stateful_metrics` is shown as its average over the
        steps seen, each value weighted by the steps since the last update.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            value = float(value)
            # The last value replaces the average when the bar completes.
            if finalize or not self._averaged(name):
                self._values[name] = [value, 1]
                continue
            weight = max(current - self._seen_so_far, 1)
            total = self._values.setdefault(name, [0.0, 0])
            total[0] += value * weight
            total[1] += weight
        self._seen_so_far = current
        now = time.time()
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            self._draw(current, now, finalize)
        elif self.verbose == 2 and finalize:
            self._write(self._line(current, now, bar=False) + "\n")
        self._last_update = now

    def _averaged(self, name: str) -> bool:
        if self.stateless_metrics is not None:
            return name in self.stateless_metrics
        return name not in self.stateful_metrics

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advances the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    def _metrics(self) -> list[str]:
        return [
            f"{name}: {format_value(total / max(count, 1))}"
            for name, (total, count) in self._values.items()
        ]

    def _bar(self, current: int) -> str:
        if self.target is None:
            return f"{current:7d}/Unknown"
        digits = int(math.log10(self.target)) + 1 if self.target > 0 else 1
        done = int(self.width * min(current / max(self.target, 1), 1.0))
        bar = "━" * done + " " * (self.width - done)
        return f"{current:{digits}d}/{self.target} {bar}"

    def _line(self, current: int, now: float, bar: bool) -> str:
        elapsed = now - self._start
        per_unit = format_time_per_unit(elapsed / max(current, 1), self.unit_name)
        if bar:
            parts = [f"{self._bar(current)} {elapsed:.0f}s {per_unit}"]
        else:
            parts = [f"{current}/{self.target}", f"{elapsed:.0f}s", per_unit]
        return _SEP.join([*parts, *self._metrics()])

    def _draw(self, current: int, now: float, finalize: bool) -> None:
        line = self._line(current, now, bar=True)
        if self._dynamic():
            width = terminal_width(self.stream)
            if finalize:
                text = "\r" + wrap_parts(line.split(_SEP), width) + "\n"
            else:
                line = line[: width - 1]
                pad = " " * max(self._prev_width - len(line), 0)
                text = "\r" + line + pad
                self._prev_width = len(line)
            self._write(text)
        elif finalize:
            self._write(line + "\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
