"""Pictures of what each layer does to the data.

- `plot_unit_curves`: 1-D input, each layer's units as functions of the input
  (the "bends" that ReLUs put in a line).
- `plot_unit_maps`: 2-D input, each unit's value over the input plane, and the
  decision regions of the output layer.
- `plot_feature_maps`: images, the channel maps of each layer with image output.
- `plot_activation_histograms` / `plot_weight_histograms`: one histogram per
  layer, for any model.
- `plot_layer_outputs`: picks one of the first three from the input's shape.

Each returns a matplotlib `Figure`, titled, with axis labels and the layer names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.visualization._figures import panel_grid, require_matplotlib, save_figure
from lamina.visualization._layer_outputs import layer_outputs


def _input_features(model: Any) -> int | None:
    """The number of features of a model's vector input, when it is known."""
    shape = getattr(model, "input_shape", None)
    if isinstance(shape, tuple) and len(shape) == 2 and shape[1] is not None:
        return int(shape[1])
    return None


def _label(out: Any) -> str:
    return f"{out.name} ({out.class_name})"


def plot_unit_curves(
    model: Any,
    x_range: tuple = (-3.0, 3.0),
    x: Any = None,
    y: Any = None,
    num_points: int = 200,
    max_units: int = 16,
    training: bool = False,
    title: str | None = None,
    to_file: str | None = None,
) -> Any:
    """Draws every layer's units as functions of a 1-D input, one panel a layer.

    Args:
        model: a model taking one feature per sample (input shape `(None, 1)`).
        x_range: the input interval to draw, used when `x` is not given.
        x: data whose range sets the interval; with `y`, drawn as points in
            the last panel, so the fit can be judged.
        y: targets to go with `x`.
        num_points: points on the input grid.
        max_units: at most this many units are drawn per layer.
        training: run the layers in training mode.
        title: the figure's title.
        to_file: also save the figure there (format from the suffix).

    Returns:
        The matplotlib figure: one panel per layer, one line per unit.
    """
    features = _input_features(model)
    if features not in (None, 1):
        raise ValueError(
            "`plot_unit_curves` draws models with one input feature; model "
            f"'{model.name}' takes {features}. Use `plot_unit_maps` for 2 "
            "features, or `plot_activation_histograms` for any model."
        )
    if x is not None:
        flat = np.asarray(x, dtype="float32").reshape(-1)
        x_range = (float(flat.min()), float(flat.max()))
    grid = np.linspace(x_range[0], x_range[1], num_points, dtype="float32")
    outputs = layer_outputs(model, grid[:, None], training=training)
    fig, axes = panel_grid(len(outputs), title=title or f"Units of '{model.name}'")
    for ax, out in zip(axes, outputs):
        values = np.asarray(out.output).reshape(num_points, -1)[:, :max_units]
        for unit in range(values.shape[1]):
            ax.plot(grid, values[:, unit], linewidth=1.2, label=f"unit {unit}")
        ax.set_title(_label(out), fontsize=9)
        ax.set_xlabel("input")
        ax.set_ylabel("unit output")
    if x is not None and y is not None:
        axes[-1].scatter(
            np.asarray(x).reshape(-1),
            np.asarray(y).reshape(-1),
            s=6,
            color="black",
            alpha=0.4,
            label="data",
        )
        axes[-1].legend(fontsize=7)
    save_figure(fig, to_file)
    return fig


def _plane(x: Any, num_points: int) -> tuple:
    """A square grid over the range of the 2-D data `x` (10% margin)."""
    arr = np.asarray(x, dtype="float32").reshape(-1, 2)
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    pad = (hi - lo) * 0.1 + 1e-6
    u = np.linspace(lo[0] - pad[0], hi[0] + pad[0], num_points, dtype="float32")
    v = np.linspace(lo[1] - pad[1], hi[1] + pad[1], num_points, dtype="float32")
    uu, vv = np.meshgrid(u, v)
    return uu, vv, np.stack([uu.ravel(), vv.ravel()], axis=1)


def plot_unit_maps(
    model: Any,
    x: Any,
    y: Any = None,
    num_points: int = 60,
    max_units: int = 4,
    training: bool = False,
    title: str | None = None,
    to_file: str | None = None,
) -> Any:
    """Draws each unit's value over a 2-D input plane, and the decision regions.

    One row per layer, up to `max_units` panels a row. The last row shows the
    output layer's decision regions (the class with the largest output, or the
    0.5 level of a single sigmoid output) with the data on top.

    Args:
        model: a model taking two features per sample.
        x: data of shape `(n, 2)`; its range sets the plane.
        y: labels, to colour the data points in the decision panel.
        num_points: grid points per axis.
        max_units: at most this many units are drawn per layer.
        training: run the layers in training mode.
        title: the figure's title.
        to_file: also save the figure there.

    Returns:
        The matplotlib figure.
    """
    features = _input_features(model)
    if features not in (None, 2):
        raise ValueError(
            f"`plot_unit_maps` draws models with two input features; model "
            f"'{model.name}' takes {features}. Use `plot_unit_curves` for one."
        )
    uu, vv, points = _plane(x, num_points)
    outputs = layer_outputs(model, points, training=training)
    cols = max(min(max_units, max(np.asarray(o.output).shape[-1] for o in outputs)), 1)
    fig = require_matplotlib()(
        figsize=(2.6 * cols, 2.4 * (len(outputs) + 1)), layout="constrained"
    )
    grid = fig.subplots(len(outputs) + 1, cols, squeeze=False)
    fig.suptitle(title or f"Units of '{model.name}' over the input plane")
    extent = (uu.min(), uu.max(), vv.min(), vv.max())
    for row, out in zip(grid, outputs):
        values = np.asarray(out.output).reshape(len(points), -1)
        for unit, ax in enumerate(row):
            if unit >= values.shape[1]:
                ax.remove()
                continue
            ax.imshow(
                values[:, unit].reshape(uu.shape),
                origin="lower",
                extent=extent,
                aspect="auto",
                cmap="viridis",
            )
            ax.set_title(f"{out.name} unit {unit}", fontsize=8)
            ax.set_xlabel("x1", fontsize=7)
            ax.set_ylabel("x2", fontsize=7)
    last = np.asarray(outputs[-1].output).reshape(len(points), -1)
    regions = last.argmax(axis=1) if last.shape[1] > 1 else (last[:, 0] > 0.5)
    ax = grid[-1][0]
    ax.contourf(uu, vv, regions.reshape(uu.shape).astype(float), alpha=0.5)
    data = np.asarray(x).reshape(-1, 2)
    ax.scatter(data[:, 0], data[:, 1], c=None if y is None else np.asarray(y), s=6)
    ax.set_title("decision regions", fontsize=8)
    ax.set_xlabel("x1", fontsize=7)
    ax.set_ylabel("x2", fontsize=7)
    for extra in grid[-1][1:]:
        extra.remove()
    save_figure(fig, to_file)
    return fig


def plot_feature_maps(
    model: Any,
    image: Any,
    max_channels: int = 8,
    training: bool = False,
    title: str | None = None,
    to_file: str | None = None,
) -> Any:
    """Draws the channel maps of every layer whose output is an image.

    Args:
        model: a model on channels-last images.
        image: one image `(height, width, channels)` or a batch of one.
        max_channels: at most this many channels per layer.
        training: run the layers in training mode.
        title: the figure's title.
        to_file: also save the figure there.

    Returns:
        The matplotlib figure: the input, then one row per image layer.
    """
    arr = np.asarray(image, dtype="float32")
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4 or arr.shape[0] != 1:
        raise ValueError(
            "`image` must be one image (height, width, channels) or a batch of "
            f"one. Received shape {np.asarray(image).shape}."
        )
    maps = [
        o
        for o in layer_outputs(model, arr, training=training)
        if np.asarray(o.output).ndim == 4
    ]
    if not maps:
        raise ValueError(
            f"Model '{model.name}' has no layer with image output (rank 4) to draw."
        )
    figure_cls = require_matplotlib()
    cols = min(max_channels, max(np.asarray(o.output).shape[-1] for o in maps))
    fig = figure_cls(figsize=(1.6 * cols, 1.7 * (len(maps) + 1)), layout="constrained")
    grid = fig.subplots(len(maps) + 1, cols, squeeze=False)
    fig.suptitle(title or f"Feature maps of '{model.name}'")
    grid[0][0].imshow(_displayable(arr[0]), cmap="gray")
    grid[0][0].set_title("input", fontsize=8)
    for ax in grid[0][1:]:
        ax.remove()
    for row, out in zip(grid[1:], maps):
        values = np.asarray(out.output)[0]
        for channel, ax in enumerate(row):
            if channel >= values.shape[-1]:
                ax.remove()
                continue
            ax.imshow(values[..., channel], cmap="viridis")
            ax.set_title(f"{out.name} ch {channel}", fontsize=7)
    for row in grid:
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    save_figure(fig, to_file)
    return fig


def _displayable(img: np.ndarray) -> np.ndarray:
    if img.shape[-1] == 1:
        return img[..., 0]
    img = img[..., :3]
    lo, hi = img.min(), img.max()
    return (img - lo) / (hi - lo) if hi > lo else img * 0


def plot_activation_histograms(
    model: Any,
    x: Any,
    bins: int = 30,
    training: bool = False,
    title: str | None = None,
    to_file: str | None = None,
) -> Any:
    """One histogram per layer of the values it outputs for `x`."""
    outputs = layer_outputs(model, x, training=training)
    fig, axes = panel_grid(
        len(outputs), title=title or f"Activations of '{model.name}'"
    )
    for ax, out in zip(axes, outputs):
        ax.hist(np.asarray(out.output, dtype="float32").ravel(), bins=bins)
        ax.set_title(_label(out), fontsize=9)
        ax.set_xlabel("output value")
        ax.set_ylabel("count")
    save_figure(fig, to_file)
    return fig


def plot_weight_histograms(
    model: Any, bins: int = 30, title: str | None = None, to_file: str | None = None
) -> Any:
    """One histogram per weight tensor of the model (kernels, biases, ...)."""
    weights = [
        (f"{layer.name}/{_weight_name(w)}", w)
        for layer in model.layers
        for w in layer.weights
    ]
    if not weights:
        raise ValueError(f"Model '{model.name}' has no weights to draw.")
    fig, axes = panel_grid(len(weights), title=title or f"Weights of '{model.name}'")
    for ax, (name, w) in zip(axes, weights):
        ax.hist(w.detach().float().cpu().numpy().ravel(), bins=bins)
        ax.set_title(f"{name} {tuple(w.shape)}", fontsize=9)
        ax.set_xlabel("weight value")
        ax.set_ylabel("count")
    save_figure(fig, to_file)
    return fig


def _weight_name(w: Any) -> str:
    name = getattr(w, "name", None)
    return str(name).rsplit("/", 1)[-1] if name else "weight"


def plot_layer_outputs(model: Any, x: Any, y: Any = None, **kwargs: Any) -> Any:
    """Picks the view that fits the input: unit curves for one feature, unit
    maps for two, feature maps for images, histograms otherwise."""
    arr = np.asarray(x)
    if arr.ndim == 4 or (arr.ndim == 3 and _input_rank(model) == 4):
        return plot_feature_maps(model, arr[:1] if arr.ndim == 4 else arr, **kwargs)
    features = arr.shape[-1] if arr.ndim == 2 else (1 if arr.ndim == 1 else None)
    if features == 1:
        return plot_unit_curves(model, x=arr, y=y, **kwargs)
    if features == 2:
        return plot_unit_maps(model, arr, y=y, **kwargs)
    return plot_activation_histograms(model, arr, **kwargs)


def _input_rank(model: Any) -> int | None:
    shape = getattr(model, "input_shape", None)
    return len(shape) if isinstance(shape, tuple) else None
