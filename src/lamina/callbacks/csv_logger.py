"""`CSVLogger`: writes each epoch's logs as a row of a CSV file."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from typing import Any

import numpy as np

from lamina.callbacks.callback import Callback


def _cell(value: Any) -> Any:
    """A log value as Keras writes it: lists as `"[a, b]"`, numbers as-is."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value
    if isinstance(value, Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


def write_atomically(path: str, text: str) -> None:
    """Writes `text` to `path` through a temporary file in the same folder."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class CSVLogger(Callback):
    """Streams epoch results to a CSV file, one row per epoch.

    The columns are `epoch` then the sorted log keys of the first epoch; when
    those hold no validation keys, `val_` columns are added for each (filled
    with `NA`), as Keras does. The file is rewritten atomically after each
    epoch, so a crash never leaves a half-written row.

    Args:
        filename: the CSV file, e.g. `"run/log.csv"`.
        separator: the string between fields.
        append: True appends to an existing file (to continue training);
            False overwrites it.
    """

    def __init__(
        self, filename: str | os.PathLike, separator: str = ",", append: bool = False
    ) -> None:
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self._head = ""
        self._text = io.StringIO()
        self._writer: Any = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._head = ""
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as f:
                self._head = f.read()
        self._text = io.StringIO()
        self.keys = None
        self._writer = None

    def _make_writer(self, logs: dict) -> None:
        keys = sorted(logs)
        if keys and not any(k.startswith("val_") for k in keys):
            keys += [f"val_{k}" for k in keys]
        self.keys = keys

        class Dialect(csv.excel):
            delimiter = self.sep

        self._writer = csv.DictWriter(
            self._text, fieldnames=["epoch", *keys], dialect=Dialect
        )
        if not self._head:  # a fresh file, or an empty one to append to
            self._writer.writeheader()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None or self._writer is None:
            self._make_writer(logs)
        row = {"epoch": epoch}
        row.update((k, _cell(logs.get(k, "NA"))) for k in self.keys or [])
        self._writer.writerow(row)
        write_atomically(self.filename, self._head + self._text.getvalue())

    def on_train_end(self, logs: dict | None = None) -> None:
        self._writer = None
