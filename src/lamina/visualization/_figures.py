"""Shared matplotlib plumbing: a figure with a grid of panels, no pyplot state.

Figures are made with `matplotlib.figure.Figure` directly, so nothing is left
open in pyplot's registry, no display backend is needed, and a notebook shows
the returned figure while a script saves it with `fig.savefig(path)`.
"""

from __future__ import annotations

import math
from typing import Any


def require_matplotlib() -> Any:
    """Imports matplotlib's Figure (an optional extra, deferred: it is heavy)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Plotting needs matplotlib, which is not installed. Install it with "
            '`pip install "lamina[plot]"` (or `pip install matplotlib`).'
        ) from err
    return Figure


def panel_grid(
    n: int, ncols: int | None = None, panel_size: tuple = (3.2, 2.6), title: Any = None
) -> tuple:
    """A figure with `n` panels on a grid; returns `(figure, axes list)`.

    Unused cells of the grid are removed, so `len(fig.axes) == n`.
    """
    figure_cls = require_matplotlib()
    ncols = ncols or min(n, 4)
    nrows = math.ceil(n / ncols)
    fig = figure_cls(
        figsize=(panel_size[0] * ncols, panel_size[1] * nrows + (0.4 if title else 0)),
        layout="constrained",
    )
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = [ax for row in grid for ax in row]
    for ax in axes[n:]:
        ax.remove()
    if title:
        fig.suptitle(title)
    return fig, axes[:n]


def save_figure(fig: Any, to_file: str | None, dpi: int = 100) -> None:
    """Saves `fig` when a path is given; the format follows the file's suffix."""
    if to_file:
        fig.savefig(to_file, dpi=dpi)
