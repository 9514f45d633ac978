"""Traceback filtering switches: accepted for Keras code, a no-op on torch.

Keras hides its own frames from tracebacks; lamina's frames are ordinary Python
frames and are always shown, so these switches only record the choice.
"""

from __future__ import annotations

_STATE = {"filtering": True}


def enable_traceback_filtering() -> None:
    """Records that traceback filtering is on (tracebacks are never filtered)."""
    _STATE["filtering"] = True


def disable_traceback_filtering() -> None:
    """Records that traceback filtering is off (tracebacks are never filtered)."""
    _STATE["filtering"] = False


def is_traceback_filtering_enabled() -> bool:
    """The recorded switch (True by default, as in Keras)."""
    return _STATE["filtering"]
