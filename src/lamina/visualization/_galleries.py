"""Image galleries: images on a grid, with class titles, boxes or masks drawn on.

As in Keras, a gallery is drawn with pyplot: by default it is shown
(`plt.show()`) and closed; with `path` it is saved and closed, and then both
return `None`. With `show=False` and no `path` the figure stays open and is
returned.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from lamina.backend import image_data_format
from lamina.visualization._draw_boxes import draw_bounding_boxes
from lamina.visualization._draw_masks import (
    check_batched_images,
    draw_segmentation_masks,
)


def _pyplot(function: str) -> Any:
    try:
        # Deferred: matplotlib is an optional extra (the `plot` extra), heavy to import.
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"The `{function}` function requires the `matplotlib` package. "
            'Install it with `pip install "lamina[plot]"` (or `pip install matplotlib`).'
        ) from err
    return plt


def _numpy(x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _unit_rgb(color: Any) -> tuple[float, float, float]:
    """An RGB colour in `[0, 255]` as matplotlib's `[0, 1]` tuple."""
    red, green, blue = (float(c) / 255.0 for c in color)
    return red, green, blue


def _to_0_255(images: np.ndarray, value_range: Any) -> np.ndarray:
    """Images rescaled linearly from `value_range` to `(0, 255)`."""
    low, high = value_range
    if low == 0 and high == 255:
        return images
    images = images.astype("float32")
    return (images - np.float32(low)) / (np.float32(high) - np.float32(low)) * 255


def _grid(batch_size: int, rows: Any, cols: Any) -> tuple[int, int]:
    """Keras's grid: `ceil(sqrt(batch))` rows, then `batch // rows` columns."""
    rows = rows or int(math.ceil(math.sqrt(batch_size)))
    cols = cols or int(math.ceil(batch_size // rows))
    if rows * cols > batch_size:
        raise ValueError(
            f"The gallery has rows={rows} x cols={cols} = {rows * cols} panels, "
            f"but only {batch_size} images were given. Pass fewer `rows`/`cols` "
            "or more images."
        )
    return rows, cols


def _title(index: int, y_true: Any, y_pred: Any, label_map: Any) -> str:
    parts = []
    if y_true is not None and index < len(y_true):
        parts.append(f"Label: {label_map.get(y_true[index], 'Unknown')}")
    if y_pred is not None and index < len(y_pred):
        parts.append(f"Pred: {label_map.get(y_pred[index], 'Unknown')}")
    return "  ".join(parts)


def _finish(plt: Any, fig: Any, path: Any, show: bool, save: dict) -> Any:
    """Saves or shows and closes `fig` (returning None), or returns it open."""
    if path is not None:
        fig.savefig(path, pad_inches=0, bbox_inches="tight", **save)
        plt.close(fig)
        return None
    if show:
        plt.show()
        plt.close(fig)
        return None
    return fig


def plot_image_gallery(
    images: Any,
    y_true: Any = None,
    y_pred: Any = None,
    label_map: dict | None = None,
    rows: int | None = None,
    cols: int | None = None,
    value_range: tuple = (0, 255),
    scale: float = 2,
    path: str | None = None,
    show: bool | None = None,
    transparent: bool = True,
    dpi: int = 60,
    legend_handles: list | None = None,
    data_format: str | None = None,
) -> Any:
    """Shows images on a grid, titled with their true and predicted classes.

    Args:
        images: `(batch, height, width, channels)` images.
        y_true: true class ids, one per image. Defaults to `None`.
        y_pred: predicted class ids, one per image. Defaults to `None`.
        label_map: a dict from class id to name; required with `y_true` or
            `y_pred`.
        rows: grid rows. Defaults to `ceil(sqrt(batch))`.
        cols: grid columns. Defaults to `batch // rows`.
        value_range: the value range of the images. Defaults to `(0, 255)`.
        scale: inches per panel. Defaults to 2.
        path: save the gallery to this file instead of showing it.
        show: whether to `plt.show()` it. Defaults to `True` without `path`.
        transparent: save with a transparent background. Defaults to `True`.
        dpi: resolution of the saved file. Defaults to 60.
        legend_handles: matplotlib patches for a legend. Defaults to `None`.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Returns:
        The open matplotlib figure when `show=False` and no `path`; otherwise
        `None` (the figure was shown or saved, then closed), as in Keras.

    Raises:
        ValueError: if both `path` and `show` are set, `images` is not 4D,
            labels come without `label_map`, or the grid has more panels than
            images.
        ImportError: if matplotlib is not installed.
    """
    plt = _pyplot("plot_image_gallery")
    if path is not None and show:
        raise ValueError(
            "plot_gallery() expects either `path` to be set, or `show` to be true."
        )
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError(
            "If `y_true` or `y_pred` are provided, a `label_map` must also be provided."
        )
    show = show if show is not None else path is None
    if len(np.shape(images)) != 4:
        raise ValueError(
            "`plot_images_gallery()` requires you to batch your `np.array` samples "
            f"together: `images` must be 4D. Received: shape={tuple(np.shape(images))}"
        )
    images = _numpy(images)
    rows, cols = _grid(images.shape[0], rows, cols)
    if (data_format or image_data_format()) == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    images = _to_0_255(images[: rows * cols], value_range)
    y_true = None if y_true is None else _numpy(y_true)
    y_pred = None if y_pred is None else _numpy(y_pred)
    fig, axes = plt.subplots(
        nrows=rows,
        ncols=cols,
        figsize=(cols * scale, rows * scale),
        frameon=False,
        layout="tight",
        squeeze=False,
        sharex="row",
        sharey="col",
    )
    fig.subplots_adjust(wspace=0, hspace=0)
    if legend_handles is not None:
        fig.legend(handles=legend_handles, loc="lower center")
    for index, ax in enumerate(axes.ravel()):
        ax.imshow(images[index].astype("uint8"))
        ax.margins(x=0, y=0)
        ax.axis("off")
        title = _title(index, y_true, y_pred, label_map)
        if title:
            ax.set_title(title, fontsize=8)
    return _finish(plt, fig, path, show, {"transparent": transparent, "dpi": dpi})


def plot_bounding_box_gallery(
    images: Any,
    bounding_box_format: str,
    y_true: dict | None = None,
    y_pred: dict | None = None,
    value_range: tuple = (0, 255),
    true_color: tuple = (0, 188, 212),
    pred_color: tuple = (255, 235, 59),
    line_thickness: int = 2,
    font_scale: float = 1.0,
    text_thickness: int | None = None,
    class_mapping: dict | None = None,
    ground_truth_mapping: dict | None = None,
    prediction_mapping: dict | None = None,
    legend: bool = False,
    legend_handles: list | None = None,
    rows: int | None = None,
    cols: int | None = None,
    data_format: str | None = None,
    **kwargs: Any,
) -> Any:
    """Shows images on a grid with their true and predicted boxes drawn on.

    Args:
        images: `(batch, height, width, channels)` images.
        bounding_box_format: the format of the boxes.
        y_true: true boxes, a dict as `draw_bounding_boxes` takes.
        y_pred: predicted boxes, the same structure.
        value_range: the value range of the images. Defaults to `(0, 255)`.
        true_color: RGB of true boxes. Defaults to `(0, 188, 212)`.
        pred_color: RGB of predicted boxes. Defaults to `(255, 235, 59)`.
        line_thickness: box outline thickness. Defaults to 2.
        font_scale: label size. Defaults to 1.0.
        text_thickness: label thickness. Defaults to `line_thickness`.
        class_mapping: class id to name, for both kinds of boxes.
        ground_truth_mapping: class names for true boxes (over `class_mapping`).
        prediction_mapping: class names for predictions (over `class_mapping`).
        legend: add a "Ground Truth" / "Prediction" legend. Defaults to `False`.
        legend_handles: matplotlib patches for a legend instead.
        rows: grid rows.
        cols: grid columns.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.
        **kwargs: passed on to `plot_image_gallery` (`path`, `show`, `scale`...).

    Returns:
        What `plot_image_gallery` returns.

    Raises:
        ValueError: if `images` is not 4D, or both `legend` and
            `legend_handles` are given.
        ImportError: if matplotlib is not installed.
    """
    _pyplot("plot_bounding_box_gallery")
    # Deferred with pyplot above: matplotlib is an optional extra.
    from matplotlib import patches

    images = _numpy(check_batched_images(images))
    if (data_format or image_data_format()) == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    style: dict[str, Any] = {
        "bounding_box_format": bounding_box_format,
        "line_thickness": line_thickness,
        "text_thickness": text_thickness,
        "font_scale": font_scale,
        "data_format": "channels_last",
    }
    if y_true is not None:
        mapping = ground_truth_mapping or class_mapping
        images = draw_bounding_boxes(
            images, y_true, color=true_color, class_mapping=mapping, **style
        )
    if y_pred is not None:
        mapping = prediction_mapping or class_mapping
        images = draw_bounding_boxes(
            images, y_pred, color=pred_color, class_mapping=mapping, **style
        )
    if legend:
        if legend_handles:
            raise ValueError(
                "Only pass `legend` OR `legend_handles` to "
                "`keras.visualization.plot_bounding_box_gallery()`."
            )
        legend_handles = [
            patches.Patch(color=_unit_rgb(true_color), label="Ground Truth"),
            patches.Patch(color=_unit_rgb(pred_color), label="Prediction"),
        ]
    return plot_image_gallery(
        images,
        value_range=value_range,
        legend_handles=legend_handles,
        rows=rows,
        cols=cols,
        data_format="channels_last",
        **kwargs,
    )


def plot_segmentation_mask_gallery(
    images: Any,
    num_classes: int,
    value_range: tuple = (0, 255),
    y_true: Any = None,
    y_pred: Any = None,
    color_mapping: dict | None = None,
    blend: bool = True,
    alpha: float = 0.8,
    ignore_index: int = -1,
    data_format: str | None = None,
    **kwargs: Any,
) -> Any:
    """Shows each image in a row beside its true and predicted masks drawn on it.

    Args:
        images: `(batch, height, width, channels)` images.
        num_classes: number of classes.
        value_range: the value range of the images. Defaults to `(0, 255)`.
        y_true: true masks, `(batch, height, width)` or `(..., 1)`.
        y_pred: predicted masks, the same shape.
        color_mapping: class index to RGB colour. Defaults to Keras's palette.
        blend: blend masks with the image using `alpha`. Defaults to `True`.
        alpha: mask opacity. Defaults to 0.8.
        ignore_index: the mask value left unpainted. Defaults to -1.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.
        **kwargs: passed on to `plot_image_gallery` (`path`, `show`, `scale`...).

    Returns:
        What `plot_image_gallery` returns.

    Raises:
        ValueError: if `images` is not 4D.
    """
    images = _numpy(check_batched_images(images))
    channels_first = (data_format or image_data_format()) == "channels_first"
    if channels_first:
        images = images.transpose(0, 2, 3, 1)
    options: dict[str, Any] = {
        "num_classes": num_classes,
        "color_mapping": color_mapping,
        "alpha": alpha,
        "ignore_index": ignore_index,
        "blend": blend,
        "data_format": "channels_last",
    }
    drawn = []
    for masks in (y_true, y_pred):
        if masks is None:
            continue
        masks = _numpy(masks)
        if channels_first and masks.ndim == 4:
            masks = masks.transpose(0, 2, 3, 1)
        drawn.append(
            _numpy(draw_segmentation_masks(images, masks.astype("int32"), **options))
        )
    panels = [
        panel
        for i in range(images.shape[0])
        for panel in (images[i], *(d[i] for d in drawn))
    ]
    return plot_image_gallery(
        np.stack(panels, axis=0),
        value_range=value_range,
        rows=images.shape[0],
        cols=1 + len(drawn),
        data_format="channels_last",
        **kwargs,
    )
