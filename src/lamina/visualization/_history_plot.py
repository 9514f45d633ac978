"""Learning curves from a `History`: one panel per quantity, validation beside
training, epochs numbered from 1 as the progress log prints them."""

from __future__ import annotations

from typing import Any

from lamina.callbacks.history import History
from lamina.visualization._figures import panel_grid, save_figure


def _epochs_of(history: Any, key: str) -> list[int]:
    """1-based epochs at which `key` was logged (validation may skip epochs)."""
    recorded = getattr(history, "_key_epochs", {}).get(key)
    values = history.history[key]
    if recorded is not None and len(recorded) == len(values):
        return [e + 1 for e in recorded]
    epochs = list(getattr(history, "epoch", []))
    if len(epochs) == len(values):
        return [e + 1 for e in epochs]
    return list(range(1, len(values) + 1))


def _quantities(history: Any, metrics: Any) -> list[str]:
    names = [k for k in history.history if not k.startswith("val_")]
    names += [
        k[4:] for k in history.history if k.startswith("val_") and k[4:] not in names
    ]
    if metrics is None:
        return names
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [m for m in wanted if m not in names]
    if unknown:
        raise ValueError(
            f"`metrics` names quantities the history does not have: {unknown}. "
            f"It has: {names}."
        )
    return wanted


def plot_history(
    history: Any,
    metrics: Any = None,
    title: str | None = None,
    to_file: str | None = None,
    ncols: int | None = None,
) -> Any:
    """Draws a `History`: one panel per quantity, validation in the same panel.

    Args:
        history: the `History` that `fit` returned (or its `.history` dict).
        metrics: a name or list of names to draw (default: all, loss first).
        title: the figure's title.
        to_file: also save the figure there (PNG, SVG or PDF by suffix).
        ncols: panels per row (default: up to 3).

    Returns:
        The matplotlib figure. When `EarlyStopping(restore_best_weights=True)`
        restored an epoch's weights, every panel marks that epoch.
    """
    if isinstance(history, dict):
        records, history = history, History()
        history.history = records
    if not history.history:
        raise ValueError(
            "The history is empty: no epoch has been recorded. Train with "
            "`history = model.fit(...)` first."
        )
    names = _quantities(history, metrics)
    fig, axes = panel_grid(
        len(names),
        ncols=ncols or min(len(names), 3),
        panel_size=(4.2, 3.0),
        title=title,
    )
    restored = getattr(history, "restored_epoch", None)
    for ax, name in zip(axes, names):
        for key, label in ((name, "training"), (f"val_{name}", "validation")):
            if key in history.history:
                ax.plot(_epochs_of(history, key), history.history[key], label=label)
        if restored is not None:
            ax.axvline(
                restored + 1,
                color="gray",
                linestyle="--",
                label=f"restored weights (epoch {restored + 1})",
            )
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend(fontsize=8)
    save_figure(fig, to_file)
    return fig
