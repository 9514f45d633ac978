"""`clear_session`: a fresh start for names, seeds and memory."""

from __future__ import annotations

import gc

import torch

from lamina import backend
from lamina.backend import _random


def clear_session(free_memory: bool = True) -> None:
    """Resets lamina's global state, as `keras.utils.clear_session` does.

    Layer names start again from `dense`, `dense_1`, ...; the global seed
    generator of `lamina.random` is made anew from Python's `random`.

    Args:
        free_memory: also run the garbage collector and release PyTorch's
            cached GPU memory.
    """
    backend.clear_session()
    _random._GLOBAL.clear()
    if free_memory:
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
