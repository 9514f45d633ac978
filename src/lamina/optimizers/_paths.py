"""A variable's path as Keras's optimizers read it (Muon, OptimizerMap)."""

from __future__ import annotations

import torch


def variable_path(variable: torch.Tensor) -> str:
    """Returns the variable's path (`dense/kernel`), else its name, else "".

    lamina's layer weights carry `path`; a bare `torch.nn.Parameter` has
    neither, and matches only patterns that match the empty string.
    """
    return str(getattr(variable, "path", None) or getattr(variable, "name", None) or "")
