"""File plumbing shared by the savers: atomic writes and the checks before one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch.distributed as dist

# The Keras file format version these files follow (read by Keras as its own).
KERAS_FORMAT_VERSION = "3.15.1"


@contextmanager
def atomic_write(filepath: str | os.PathLike) -> Iterator[str]:
    """Yields a temporary path next to `filepath`; on success it replaces
    `filepath` (flushed to disk first), on error it is removed."""
    target = Path(filepath)
    folder = target.parent
    if not folder.exists():
        raise FileNotFoundError(
            f"Cannot save to '{target}': the folder '{folder}' does not exist. "
            "Create it first (e.g. `os.makedirs(folder, exist_ok=True)`)."
        )
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        yield str(tmp)
        if not _is_chief_process():
            return  # data-parallel: rank 0 alone publishes files (the finally cleans)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _is_chief_process() -> bool:
    """False on the ranks other than 0 of a torch.distributed process group."""
    return not (dist.is_available() and dist.is_initialized() and dist.get_rank())


def check_overwrite(filepath: Path, overwrite: bool) -> None:
    if not overwrite and filepath.exists():
        raise FileExistsError(
            f"'{filepath}' already exists and `overwrite=False`. Pass "
            "`overwrite=True` to replace it, or choose another file name."
        )


def check_built(model: Any) -> None:
    if not getattr(model, "built", False):
        raise ValueError(
            "You are saving a model that has not yet been built. Try building "
            "the model first by calling it on some data or by using `build()`."
        )
