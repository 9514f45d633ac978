"""Interactive logging: whether progress and messages go to stdout or to `logging`.

As in Keras: enabled by default; once disabled, `print_msg` writes through the
`lamina` logger instead and `fit`'s live progress bar is not drawn.
"""

from __future__ import annotations

import logging
import sys

_STATE = {"interactive": True}


def enable_interactive_logging() -> None:
    """Sends messages and progress bars to stdout (the default)."""
    _STATE["interactive"] = True


def disable_interactive_logging() -> None:
    """Sends messages to the `lamina` logger instead of stdout; no live bars."""
    _STATE["interactive"] = False


def is_interactive_logging_enabled() -> bool:
    """Whether messages and progress bars go to stdout.

    Example:
    >>> disable_interactive_logging()
    >>> is_interactive_logging_enabled()
    False
    >>> enable_interactive_logging()
    """
    return _STATE["interactive"]


def print_msg(message: str, line_break: bool = True) -> None:
    """Prints `message` to stdout, or logs it when interactive logging is off."""
    if is_interactive_logging_enabled():
        sys.stdout.write(message + ("\n" if line_break else ""))
        sys.stdout.flush()
    else:
        logging.getLogger("lamina").info(message)
